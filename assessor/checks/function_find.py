"""Finding a portal's functions in crawled HTML, whatever its layout.

An entry is recognised by what a citizen reads (link and button text, headings of a form, labels),
by where a link goes (its target) and by what a form asks for (input names, labels, placeholders,
ARIA labels), all compared without diacritics. The shallowest match wins, so the entry found is also
the shortest click path. Used by the checks and by the gatherer that exercises what it finds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urljoin, urlsplit

from bs4 import Tag
from pydantic import BaseModel, ConfigDict, Field

from assessor.artifacts.page import PageArtifact
from assessor.checks.common import ReadOncePerPage, canonical_url, fold, routed, soup_of
from assessor.checks.registry import Regex
from assessor.model import Text

FIELD_TAGS = ("input", "select", "textarea")
UNFILLABLE_TYPES = ("hidden", "submit", "button", "reset", "image")
# Fillable, but no box a query is typed into: a loose one is no search or lookup box.
NOT_TYPED_INTO = ("checkbox", "radio", "file")


def input_type(control: Tag) -> str:
    return str(control.get("type", "")).lower()
DOCUMENT_SUFFIXES = (".doc", ".docx", ".pdf", ".xls", ".xlsx", ".odt", ".rtf", ".zip")


class FunctionSpec(BaseModel):
    """How one function is recognised; every term is matched without diacritics."""

    model_config = ConfigDict(extra="forbid")

    # What the reports call it ("Nộp hồ sơ trực tuyến"); without one, its key in the rubric.
    name: Text | None = None
    # Text of a link, button or form heading that leads to the function.
    texts: list[str] = Field(default_factory=list)
    # Fragments of a link's target (path or query).
    hrefs: list[str] = Field(default_factory=list)
    # Link targets (regular expressions on path and query) that are never this function, though a
    # fragment matches: a procedure's own page (/thu-tuc/khai-sinh) is no catalogue.
    exclude_hrefs: list[Regex] = Field(default_factory=list)
    # Input names, labels, placeholders or ARIA labels of a form that performs the function.
    fields: list[str] = Field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """Where a function was found: the page, the element, and where it leads."""

    function: str
    page_url: str
    selector: str
    text: str
    target_url: str
    matched: str
    how: str  # "link text", "link target" or "form"
    clicks: int  # from the home page to the function, through the crawl's found_on chain
    page_logged_in: bool = False


def normalise_url(url: str) -> str:
    """For telling pages apart: as the browser sends it, a trailing `/` aside."""
    return canonical_url(url).rstrip("/") or url


def element_selector(tag: Tag) -> str:
    """A CSS selector a reviewer can paste into the browser's console to see the element."""
    if tag.get("id"):
        return f"{tag.name}#{tag['id']}"
    for attribute in ("href", "action", "name"):
        if tag.get(attribute):
            value = str(tag[attribute]).replace('"', '\\"')
            return f'{tag.name}[{attribute}="{value}"]'
    return tag.name


def describe_control(control: Tag, soup: Tag) -> str:
    """What a form control is called: its label, ARIA label, placeholder, title and name."""
    parts = [str(control.get(attr, "")) for attr in ("name", "id", "placeholder", "aria-label", "title")]
    parts.append(label_text(control, soup))
    return " ".join(part for part in parts if part)


def label_text(control: Tag, soup: Tag) -> str:
    """The text of the control's label (for=id, wrapping label, or aria-labelledby)."""
    texts = []
    control_id = control.get("id")
    if control_id:
        texts += [label.get_text(" ", strip=True) for label in soup.find_all("label", attrs={"for": control_id})]
    wrapper = control.find_parent("label")
    if wrapper is not None:
        texts.append(wrapper.get_text(" ", strip=True))
    for ref in str(control.get("aria-labelledby", "")).split():
        labelled = soup.find(id=ref)
        if labelled is not None:
            texts.append(labelled.get_text(" ", strip=True))
    return " ".join(texts)


def link_text(anchor: Tag) -> str:
    parts = [anchor.get_text(" ", strip=True), str(anchor.get("aria-label", "")), str(anchor.get("title", ""))]
    return " ".join(part for part in parts if part).strip()


def first_term(haystack: str, terms: list[str]) -> str | None:
    folded = fold(haystack)
    return next((term for term in terms if fold(term) and fold(term) in folded), None)


class PageLink(NamedTuple):
    """A link as a citizen reads it (its text), where it leads, and how a reviewer finds it."""

    text: str
    target: str
    selector: str


class FormControl(NamedTuple):
    """A fillable control of a form, and what it is called (label, placeholder, name, ...)."""

    selector: str  # the form's and the control's
    description: str


@dataclass(frozen=True)
class PageParts:
    """What entries are looked for in, read from a page's HTML once: every function of the
    rubric is looked for on every page."""

    links: list[PageLink]
    forms: list[list[FormControl]]


def read_page_parts(page: PageArtifact) -> PageParts:
    soup = soup_of(page)
    links = []
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"]).strip()
        if href and not href.startswith(("javascript:", "mailto:", "tel:")) and href != "#":
            links.append(PageLink(link_text(anchor), urljoin(page.final_url, href), element_selector(anchor)))
    forms = [
        [FormControl(f"{element_selector(form)} {element_selector(control)}", describe_control(control, soup))
         for control in form.find_all(FIELD_TAGS) if input_type(control) not in UNFILLABLE_TYPES]
        for form in soup.find_all("form")
    ]
    # A single-page app's search or lookup box often has no <form>: an input and a button whose
    # click handler does the work. Each such input is a form of its own.
    forms += [
        [FormControl(element_selector(control), describe_control(control, soup))]
        for control in soup.find_all(["input", "textarea"])
        if control.find_parent("form") is None and input_type(control) not in (*UNFILLABLE_TYPES, *NOT_TYPED_INTO)
    ]
    return PageParts(links, forms)


page_parts: ReadOncePerPage[PageParts] = ReadOncePerPage(read_page_parts)


def entries_on_page(page: PageArtifact, function: str, spec: FunctionSpec) -> list[Entry]:
    parts = page_parts(page)
    found: list[Entry] = []
    for link in parts.links:
        term = first_term(link.text, spec.texts)
        how = "link text"
        if term is None:
            target = routed(link.target)
            address = target.path + (f"?{target.query}" if target.query else "")
            excluded = any(re.search(pattern, address) for pattern in spec.exclude_hrefs)
            term = None if excluded else first_term(address, spec.hrefs)
            how = "link target"
        if term is not None:
            found.append(Entry(function, page.final_url, link.selector, link.text[:200], link.target, term, how,
                               page.depth + 1, page.logged_in))
    if spec.fields:
        for controls in parts.forms:
            for control in controls:
                term = first_term(control.description, spec.fields)
                if term is not None:
                    found.append(Entry(function, page.final_url, control.selector, control.description[:200],
                                       page.final_url, term, "form", page.depth, page.logged_in))
                    break
    return found


def locate(pages: list[PageArtifact], function: str, spec: FunctionSpec) -> Entry | None:
    """The function's entry with the fewest clicks from home; anonymous pages first, link text
    before link target before form, and the shortest text (a menu item "Hướng dẫn sử dụng", not a
    news headline that mentions a guide)."""
    rank = {"link text": 0, "link target": 1, "form": 2}
    candidates = [
        entry
        for page in pages
        if page.ok and page.html
        for entry in entries_on_page(page, function, spec)
    ]
    if not candidates:
        return None
    return min(candidates, key=lambda e: (e.page_logged_in, e.clicks, rank[e.how], len(e.text)))


# --------------------------------------------------------------------------- forms
@dataclass(frozen=True)
class FormAudit:
    page_url: str
    selector: str
    controls: int
    labelled: int
    required: int
    required_marked: int
    unlabelled: tuple[str, ...]

    @property
    def sound(self) -> bool:
        return self.labelled == self.controls and self.required_marked == self.required


def audit_forms(page: PageArtifact, required_markers: list[str]) -> list[FormAudit]:
    """Every form's controls: do they carry a label, and is each required one marked as such?"""
    soup = soup_of(page)
    audits = []
    for form in soup.find_all("form"):
        controls = [c for c in form.find_all(FIELD_TAGS) if input_type(c) not in UNFILLABLE_TYPES]
        if not controls:
            continue
        labelled, required, marked, unlabelled = 0, 0, 0, []
        for control in controls:
            label = " ".join(filter(None, [label_text(control, soup), str(control.get("aria-label", "")),
                                           str(control.get("title", ""))])).strip()
            if label:
                labelled += 1
            else:
                unlabelled.append(element_selector(control))
            if control.has_attr("required") or str(control.get("aria-required", "")).lower() == "true":
                required += 1
                if first_term(label, required_markers) is not None:
                    marked += 1
        audits.append(FormAudit(page.final_url, element_selector(form), len(controls), labelled, required, marked,
                                tuple(unlabelled)))
    return audits


# --------------------------------------------------------------------------- procedure pages
class ProcedureRules(BaseModel):
    """Labels of the fields a procedure page must print (Circular 21/2023), and how a page is
    told to be a procedure page: at least `min_identifying` of the `identifying` fields, or a
    link target matching one of `url_patterns` (regular expressions)."""

    model_config = ConfigDict(extra="forbid")

    fields: dict[str, list[str]]
    identifying: list[str] = Field(default_factory=list)
    min_identifying: int = 2
    url_patterns: list[Regex] = Field(default_factory=list)


def fields_present(text: str, rules: ProcedureRules) -> list[str]:
    folded = fold(text)
    return [name for name, labels in rules.fields.items() if any(fold(label) in folded for label in labels)]


def is_procedure_text(text: str, rules: ProcedureRules) -> bool:
    present = set(fields_present(text, rules))
    return len(present & set(rules.identifying)) >= rules.min_identifying


def looks_like_procedure_url(url: str, rules: ProcedureRules) -> bool:
    return any(re.search(pattern, url, re.IGNORECASE) for pattern in rules.url_patterns)


def page_text(page: PageArtifact) -> str:
    return soup_of(page).get_text(" ", strip=True) if page.html else ""


def document_links(page: PageArtifact) -> list[str]:
    return [link.url for link in page.links if urlsplit(link.url).path.lower().endswith(DOCUMENT_SUFFIXES)]
