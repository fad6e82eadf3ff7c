"""Procedure detail pages: do they print every field Circular 21/2023 requires, and the service
level (toàn trình / một phần, or the older Mức độ 2/3/4)? Read from crawled procedure pages and
from the pages the function gatherer sampled from the catalogue."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import Field

from assessor.checks.common import fold
from assessor.checks.function_find import (
    ProcedureRules,
    document_links,
    fields_present,
    is_procedure_text,
    normalise_url,
    page_text,
)
from assessor.checks.registry import CheckParams, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot

FORMS_FIELD = "forms"


@dataclass(frozen=True)
class ProcedurePage:
    url: str
    text: str
    documents: tuple[str, ...]
    screenshot: str | None


def procedure_pages(snapshot: Snapshot, rules: ProcedureRules) -> list[ProcedurePage]:
    """Procedure pages seen in the crawl (told by their fields) and those the gatherer sampled."""
    found: dict[str, ProcedurePage] = {}
    for page in snapshot.loaded_pages:
        text = page_text(page)
        if is_procedure_text(text, rules):
            found.setdefault(normalise_url(page.final_url),
                             ProcedurePage(page.final_url, text, tuple(document_links(page)), page.screenshot))
    for sampled in snapshot.functions.procedures if snapshot.functions else []:
        if sampled.error is None and sampled.status is not None and sampled.status < 400:
            found.setdefault(normalise_url(sampled.final_url or sampled.url),
                             ProcedurePage(sampled.final_url or sampled.url, sampled.text,
                                           tuple(sampled.document_links), sampled.screenshot))
    return list(found.values())


def no_procedure_pages() -> Finding:
    return Finding.failed("Không tìm thấy trang chi tiết thủ tục hành chính nào.",
                          "No procedure detail page was found.")


class ProcedureFieldsParams(CheckParams):
    procedures: ProcedureRules
    # The downloadable-forms field also needs a link to a document (.doc, .docx, .pdf, ...).
    forms_need_document: bool = True
    # Procedure pages the gatherer opens beyond those the crawl reached.
    sample_size: int = Field(default=5, ge=0, le=100)


def fields_of(page: ProcedurePage, params: ProcedureFieldsParams) -> list[str]:
    present = fields_present(page.text, params.procedures)
    if params.forms_need_document and FORMS_FIELD in present and not page.documents:
        present.remove(FORMS_FIELD)
    return present


@check("function.procedure_fields")
def procedure_fields(snapshot: Snapshot, params: ProcedureFieldsParams) -> Finding:
    pages = procedure_pages(snapshot, params.procedures)
    if not pages:
        return no_procedure_pages()
    names = list(params.procedures.fields)
    present = {page.url: set(fields_of(page, params)) for page in pages}
    per_field = [{"field": name, "pages": sum(name in got for got in present.values()), "of": len(pages),
                  "share": f"{sum(name in got for got in present.values()) / len(pages):.0%}"} for name in names]
    per_page = [{"page": url, "fields": f"{len(got)}/{len(names)}",
                 "missing": ", ".join(name for name in names if name not in got)} for url, got in present.items()]
    fraction = sum(len(got) for got in present.values()) / (len(names) * len(pages))
    complete = sum(1 for got in present.values() if len(got) == len(names))
    evidence = [Evidence(kind="table", label=Text(vi="Tỷ lệ trang có từng trường", en="Share of pages showing each field"), value=per_field),
                Evidence(kind="table", label=Text(vi="Trang thủ tục", en="Procedure pages"), value=per_page)]
    evidence += [Evidence(kind="screenshot", label=Text(vi=f"Trang thủ tục {page.url}", en=f"Procedure page {page.url}"), path=page.screenshot,
                          url=page.url) for page in pages if page.screenshot][:2]
    return Finding.scored(
        fraction,
        f"{complete}/{len(pages)} trang thủ tục có đủ {len(names)} trường bắt buộc; trung bình {fraction:.0%} số trường.",
        f"{complete}/{len(pages)} procedure pages show all {len(names)} required fields; {fraction:.0%} of fields on average.",
        evidence,
    )


class ServiceLevelParams(CheckParams):
    procedures: ProcedureRules
    # Labels of a full-process service and of a partial one (with and without diacritics).
    full_labels: list[str] = Field(min_length=1)
    partial_labels: list[str] = Field(min_length=1)


@check("function.service_levels")
def service_levels(snapshot: Snapshot, params: ServiceLevelParams) -> Finding:
    pages = procedure_pages(snapshot, params.procedures)
    if not pages:
        return no_procedure_pages()
    full = partial = 0
    rows = []
    for page in pages:
        text = fold(page.text)
        label = next((term for term in params.full_labels if fold(term) in text), None)
        if label is not None:
            full += 1
        else:
            label = next((term for term in params.partial_labels if fold(term) in text), None)
            partial += label is not None
        rows.append({"page": page.url, "level": label or "—"})
    labelled = full + partial
    share_full = full / labelled if labelled else 0.0
    summary = [{"pages": len(pages), "labelled": labelled, "full process": full, "partial": partial,
                "full-process share": f"{share_full:.0%}"}]
    return Finding.scored(
        labelled / len(pages),
        f"{labelled}/{len(pages)} trang thủ tục ghi mức độ dịch vụ; toàn trình: {full}, một phần: {partial} "
        f"({share_full:.0%} toàn trình).",
        f"{labelled}/{len(pages)} procedure pages state the service level; full process: {full}, partial: {partial} "
        f"({share_full:.0%} full process).",
        [Evidence(kind="table", label=Text(vi="Mức độ dịch vụ", en="Service levels"), value=summary),
         Evidence(kind="table", label=Text(vi="Trang thủ tục", en="Procedure pages"), value=rows)],
    )
