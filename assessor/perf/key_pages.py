"""Choosing the key pages a citizen uses (home, catalogue search, a procedure, dossier lookup).

Both performance halves measure the same pages: the lab loads them in the browser, the load
test's simulated citizens request them. The rules come from the rubric (`KeyPageRule`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from bs4 import BeautifulSoup, Tag

from assessor.artifacts.performance import KeyPageRule
from assessor.checks.common import route_path

SEARCH_INPUT_NAMES = ("q", "keyword", "tukhoa", "tu_khoa", "search", "s", "query")


@dataclass(frozen=True)
class SeenPage:
    """What key-page selection needs to know of a page: where it is and what it holds."""

    url: str
    html: str


def search_form_url(page: SeenPage, query: str) -> str | None:
    """The URL a GET search form on `page` leads to when `query` is typed in it."""
    soup = BeautifulSoup(page.html, "lxml")
    for form in soup.find_all("form"):
        if (form.get("method") or "get").lower() != "get":
            continue
        field = form.find("input", attrs={"type": "search"}) or next(
            (tag for tag in form.find_all("input") if isinstance(tag, Tag) and tag.get("name") in SEARCH_INPUT_NAMES),
            None,
        )
        if isinstance(field, Tag) and field.get("name"):
            action = urljoin(page.url, str(form.get("action") or page.url))
            return f"{action.split('?')[0]}?{urlencode({str(field['name']): query})}"
    return None


def matches(rule: KeyPageRule, page: SeenPage) -> bool:
    # A word is looked for in the path: a login page's ?ReturnUrl=/tra-cuu is no lookup page. A
    # word about the query itself ("?q=") is looked for in the whole URL.
    path = route_path(page.url.lower())
    for keyword in (keyword.lower() for keyword in rule.url_keywords):
        if keyword in (page.url.lower() if "?" in keyword or "=" in keyword else path):
            return True
    if rule.text_keywords:
        text = BeautifulSoup(page.html, "lxml").get_text(" ")
        return all(keyword in text for keyword in rule.text_keywords)
    return False


def choose_key_pages(pages: Iterable[SeenPage], rules: list[KeyPageRule]) -> tuple[dict[str, str], list[str]]:
    """kind -> URL for the home page (the first page) and every rule that finds a page; and the
    kinds no page was found for. A page serves one kind only."""
    seen = list(pages)
    if not seen:
        return {}, [rule.kind for rule in rules]
    return key_pages_around(seen[0], seen[1:], rules)


def key_pages_around(home: SeenPage | None, others: list[SeenPage],
                     rules: list[KeyPageRule]) -> tuple[dict[str, str], list[str]]:
    """kind -> URL for the home page and every rule that finds a page among it and `others`; and
    the kinds no page was found for. With no usable home page, "home" is missing: no other page
    stands in for it (a fast inner page would hide a home page that never loads)."""
    seen = ([home] if home else []) + others
    chosen: dict[str, str] = {"home": home.url} if home else {}
    missing: list[str] = [] if home else ["home"]
    home_path = route_path(home.url) if home else None
    for rule in rules:
        taken = set(chosen.values())
        found = None
        if rule.search_query:
            found = next((url for page in seen if (url := search_form_url(page, rule.search_query))), None)
        if found is None:
            found = next(
                (page.url for page in others
                 if page.url not in taken and route_path(page.url) != home_path and matches(rule, page)),
                None,
            )
        if found is None:
            missing.append(rule.kind)
        else:
            chosen[rule.kind] = found
    return chosen, missing
