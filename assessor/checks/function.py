"""Function group (Chức năng): is each function of Circular 21/2023 there, does its entry work, and
does it answer when used. Entries are found in the crawled HTML (`function_find`); what happened
when the gatherer used them (searches, lookups) comes from `snapshot.functions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import Field

from assessor.artifacts.function import FormUse
from assessor.artifacts.page import PageArtifact
from assessor.checks.common import fold, not_found_page, soup_of
from assessor.checks.function_find import (
    Entry,
    FormAudit,
    FunctionSpec,
    ProcedureRules,
    audit_forms,
    locate,
    looks_like_procedure_url,
    normalise_url,
)
from assessor.checks.registry import CheckParams, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot

GATHERER = "functions"


def required_markers() -> list[str]:
    return ["*", "bắt buộc", "bat buoc", "required"]


class EntryParams(CheckParams):
    """Functions judged together by one criterion (e.g. sso + vneid); the fraction is their mean."""

    functions: dict[str, FunctionSpec] = Field(min_length=1)
    # Found, but the entry answers an error page or its scripts crash.
    broken_credit: float = Field(default=0.25, ge=0, le=1)
    # Found, but not opened (it leads to another site, or the crawl budget ran out).
    unopened_credit: float = Field(default=0.75, ge=0, le=1)
    # Loads, but one of its forms has a control without a label or an unmarked required field.
    unsound_form_credit: float = Field(default=0.75, ge=0, le=1)
    required_markers: list[str] = Field(default_factory=required_markers)


@dataclass
class FunctionJudgement:
    name: str  # its key in the rubric
    fraction: float
    outcome_vi: str
    outcome_en: str
    entry: Entry | None = None
    page: PageArtifact | None = None
    forms: list[FormAudit] = field(default_factory=list)
    title: Text | None = None  # what the reports call it, when the rubric names it

    def called(self) -> Text:
        return self.title or Text(vi=self.name, en=self.name)

    def about(self, vi: str, en: str | None = None) -> Text:
        """An evidence label about this function: its name, then what (said once when the same in both)."""
        called = self.called()
        return Text(vi=f"{called.vi}: {vi}", en=f"{called.en}: {vi if en is None else en}")

    def said(self, lang: str) -> str:
        return self.about(self.outcome_vi, self.outcome_en).in_(lang)


def pages_at(snapshot: Snapshot, url: str) -> list[PageArtifact]:
    """Crawled pages for a URL (asked for or landed on), logged-in ones first: behind a login the
    entry shows the function itself rather than the login form."""
    wanted = normalise_url(url)
    found = [p for p in snapshot.pages if wanted in (normalise_url(p.url), normalise_url(p.final_url))]
    return sorted(found, key=lambda p: (not p.logged_in, not p.ok))


def same_host(url: str, other: str) -> bool:
    """Compared with the page the start URL landed on: the gatherer opens entries on that host only
    (a portal reached through a redirect to its own subdomain lives there)."""
    return urlsplit(url).hostname == urlsplit(other).hostname


def judge_function(snapshot: Snapshot, name: str, spec: FunctionSpec, params: EntryParams) -> FunctionJudgement:
    judgement = _judge_entry(snapshot, name, spec, params)
    judgement.title = spec.name
    return judgement


def _judge_entry(snapshot: Snapshot, name: str, spec: FunctionSpec, params: EntryParams) -> FunctionJudgement:
    entry = locate(snapshot.pages, name, spec)
    if entry is None:
        return FunctionJudgement(name, 0.0, "không tìm thấy", "not found")
    visited = pages_at(snapshot, entry.target_url)
    if not visited:
        why_vi, why_en = (("dẫn ra trang khác, không mở", "leads to another site, not opened")
                          if not same_host(entry.target_url, snapshot.home.final_url if snapshot.home else snapshot.start_url)
                          else ("chưa mở được (hết giới hạn thu thập)", "not opened (collection budget)"))
        return FunctionJudgement(name, params.unopened_credit, why_vi, why_en, entry)
    page = visited[0]
    if not page.ok or page.page_errors:
        reason = page.error or (f"HTTP {page.status}" if page.status else "") or "; ".join(page.page_errors[:1])
        return FunctionJudgement(name, params.broken_credit, f"lỗi: {reason}", f"broken: {reason}", entry, page)
    missing = not_found_page(page)
    if missing is not None:
        return FunctionJudgement(name, params.broken_credit, f"lỗi: trang không tồn tại (HTTP {page.status}: “{missing}”)",
                                 f"broken: page not found (HTTP {page.status}: “{missing}”)", entry, page)
    forms = audit_forms(page, params.required_markers)
    if any(not form.sound for form in forms):
        return FunctionJudgement(name, params.unsound_form_credit, "mở được; biểu mẫu thiếu nhãn hoặc dấu bắt buộc",
                                 "loads; a form lacks labels or required markers", entry, page, forms)
    return FunctionJudgement(name, 1.0, "hoạt động", "works", entry, page, forms)


def judgement_row(judgement: FunctionJudgement) -> dict[str, object]:
    entry = judgement.entry
    page = judgement.page
    return {
        "function": judgement.called(),
        "found on": entry.page_url if entry else "",
        "element": entry.selector if entry else "",
        "matched": f"{entry.how}: {entry.matched}" if entry else "",
        "clicks": entry.clicks if entry else "",
        "entry": entry.target_url if entry else "",
        # Where opening it led, when elsewhere (a login page asking to sign in first).
        "landed on": page.final_url if page and entry and normalise_url(page.final_url) != normalise_url(
            entry.target_url) else "",
        "status": (page.status if page else "") or "",
        "outcome": Text(vi=judgement.outcome_vi, en=judgement.outcome_en),
        "forms": "; ".join(f"{f.selector} {f.labelled}/{f.controls} labelled, {f.required_marked}/{f.required} "
                           "required marked" for f in judgement.forms),
    }


def judgement_evidence(judgements: list[FunctionJudgement]) -> list[Evidence]:
    evidence = [Evidence(kind="table", label=Text(vi="Chức năng", en="Functions"), value=[judgement_row(j) for j in judgements])]
    for judgement in judgements:
        if judgement.entry is not None:
            evidence.append(Evidence(kind="selector", label=judgement.about(judgement.entry.text[:80]),
                                     value=judgement.entry.selector, url=judgement.entry.page_url))
        if judgement.page is not None and judgement.page.screenshot:
            evidence.append(Evidence(kind="screenshot", label=judgement.about(judgement.page.final_url),
                                     path=judgement.page.screenshot, url=judgement.page.final_url))
        for form in judgement.forms:
            if form.unlabelled:
                evidence.append(Evidence(kind="code", label=judgement.about("ô nhập không có nhãn", "unlabelled controls"),
                                         value="\n".join(form.unlabelled), url=form.page_url))
    return evidence


def mean_finding(judgements: list[FunctionJudgement], extra: list[Evidence] | None = None) -> Finding:
    fraction = sum(j.fraction for j in judgements) / len(judgements)
    vi = "; ".join(judgement.said("vi") for judgement in judgements)
    en = "; ".join(judgement.said("en") for judgement in judgements)
    return Finding.scored(fraction, vi, en, judgement_evidence(judgements) + (extra or []))


@check("function.available")
def available(snapshot: Snapshot, params: EntryParams) -> Finding:
    """Each listed function has an entry a citizen can find, it loads, and its forms are labelled."""
    return mean_finding([judge_function(snapshot, name, spec, params) for name, spec in params.functions.items()])


# --------------------------------------------------------------------------- catalogue
class CatalogueParams(EntryParams):
    procedures: ProcedureRules
    # A catalogue page lists at least this many procedure links.
    min_procedures: int = Field(default=5, ge=1)
    # Credit when the catalogue entry works but lists too few procedures.
    thin_list_credit: float = Field(default=0.5, ge=0, le=1)


def procedure_links(page: PageArtifact, rules: ProcedureRules) -> list[str]:
    own = normalise_url(page.final_url)
    urls = [link.url for link in page.links if looks_like_procedure_url(link.url, rules)]
    return list(dict.fromkeys(url for url in urls if normalise_url(url) != own))


@check("function.catalogue")
def catalogue(snapshot: Snapshot, params: CatalogueParams) -> Finding:
    judgements = [judge_function(snapshot, name, spec, params) for name, spec in params.functions.items()]
    extra: list[Evidence] = []
    for judgement in judgements:
        if judgement.page is None or judgement.fraction < 1.0:
            continue
        listed = procedure_links(judgement.page, params.procedures)
        extra.append(Evidence(kind="value", label=Text(vi="Số thủ tục liệt kê", en="Procedures listed"), value=len(listed),
                              url=judgement.page.final_url))
        if len(listed) < params.min_procedures:
            judgement.fraction = params.thin_list_credit
            judgement.outcome_vi = f"chỉ liệt kê {len(listed)} thủ tục (cần ≥ {params.min_procedures})"
            judgement.outcome_en = f"lists only {len(listed)} procedures (needs ≥ {params.min_procedures})"
    return mean_finding(judgements, extra)


# --------------------------------------------------------------------------- exercised forms
def not_collected(snapshot: Snapshot) -> Finding | None:
    """The gatherer failed or did not run: the exercised part cannot be judged."""
    if GATHERER in snapshot.gather_errors:
        reason = snapshot.gather_errors[GATHERER]
        return Finding.error(f"Không dùng thử được chức năng: {reason}", f"The functions could not be exercised: {reason}")
    if snapshot.functions is None:
        return Finding.needs_review("Chưa dùng thử chức năng (không có dữ liệu thu thập).",
                                    "The functions were not exercised (nothing collected).")
    return None


def use_evidence(use: FormUse) -> list[Evidence]:
    evidence = [
        Evidence(kind="selector", label=Text(vi=f"Biểu mẫu ({use.query})", en=f"Form ({use.query})"), value=use.selector, url=use.page_url),
        Evidence(kind="url", label=Text(vi=f"Kết quả (HTTP {use.status})", en=f"Result (HTTP {use.status})"), url=use.result_url or use.page_url,
                 value=use.message[:300] or None),
    ]
    if use.server_errors or use.page_errors:
        evidence.append(Evidence(kind="code", label=Text(vi="Lỗi", en="Errors"), value="\n".join(use.server_errors + use.page_errors)))
    if use.screenshot:
        evidence.append(Evidence(kind="screenshot", label=Text(vi=f"Sau khi gửi: {use.query}", en=f"After submitting: {use.query}"),
                                 path=use.screenshot, url=use.result_url))
    return evidence


def crashed(use: FormUse) -> bool:
    return bool(use.error or use.server_errors or use.page_errors or (use.status or 0) >= 500)


class SearchParams(CheckParams):
    # Real queries a citizen types; the gatherer runs each one.
    queries: list[str] = Field(min_length=1)
    # How the search field is recognised (inputs, labels, roles).
    search: FunctionSpec
    procedures: ProcedureRules
    min_results: int = Field(default=1, ge=1)
    # Credit for a query with results that do not lead to a procedure page.
    unlinked_results_credit: float = Field(default=0.5, ge=0, le=1)


@check("function.catalogue_search")
def catalogue_search(snapshot: Snapshot, params: SearchParams) -> Finding:
    missing = not_collected(snapshot)
    if missing is not None:
        return missing
    searches = snapshot.functions.searches if snapshot.functions else []
    if not searches:
        return Finding.failed("Không tìm thấy ô tìm kiếm thủ tục hành chính.", "No procedure search box was found.")
    rows, evidence, earned, good = [], [], 0.0, 0
    for use in searches:
        if crashed(use):
            credit, outcome = 0.0, Text(vi="lỗi", en="error")
        elif len(use.results) < params.min_results:
            # Results are the links whose text matches the query: a list of other procedures is none.
            credit, outcome = 0.0, Text(vi="không có kết quả khớp từ khóa", en="no result matches the query")
        elif use.followed_is_procedure:
            credit, outcome = 1.0, Text(vi="kết quả dẫn tới trang thủ tục", en="results lead to a procedure page")
            good += 1
        else:
            credit, outcome = (params.unlinked_results_credit,
                               Text(vi="kết quả không dẫn tới trang thủ tục", en="results do not lead to a procedure page"))
        earned += credit
        rows.append({"từ khóa / query": use.query, "kết quả khớp từ khóa / results matching the query": len(use.results),
                     "kết quả đầu tiên / first result": use.followed_url or "",
                     "trạng thái / status": use.followed_status or "", "kết luận / outcome": outcome})
        evidence += use_evidence(use)
    return Finding.scored(
        earned / len(searches),
        f"{good}/{len(searches)} từ khóa tìm kiếm cho kết quả dẫn tới trang thủ tục.",
        f"{good}/{len(searches)} search queries returned results leading to a procedure page.",
        [Evidence(kind="table", label=Text(vi="Tìm kiếm", en="Searches"), value=rows), *evidence],
    )


class LookupParams(EntryParams):
    # A dossier code that does not exist: the portal should say so, not crash.
    code: str = "H00.00-000000-0000"
    # Texts of a proper answer ("không tìm thấy hồ sơ"), matched without diacritics.
    answers: list[str] = Field(min_length=1)
    # Credit when the lookup answers with no recognisable message, or crashes.
    silent_credit: float = Field(default=0.5, ge=0, le=1)
    crash_credit: float = Field(default=0.25, ge=0, le=1)


@check("function.dossier_lookup")
def dossier_lookup(snapshot: Snapshot, params: LookupParams) -> Finding:
    judgements = [judge_function(snapshot, name, spec, params) for name, spec in params.functions.items()]
    entry_finding = mean_finding(judgements)
    if entry_finding.fraction == 0.0:
        return entry_finding
    missing = not_collected(snapshot)
    if missing is not None:
        return missing
    lookups = snapshot.functions.lookups if snapshot.functions else []
    if not lookups:
        frames = [str(frame.get("src")) for judgement in judgements if judgement.page and judgement.page.html
                  for frame in soup_of(judgement.page).find_all("iframe", src=True)]
        # Only the page's own HTML is read: a lookup served by the back office and embedded is not.
        vi_frames, en_frames = ((f" Trang nhúng khung ({', '.join(frames[:3])}), nội dung khung chưa được kiểm tra.",
                                 f" The page embeds a frame ({', '.join(frames[:3])}), whose content was not examined.")
                                if frames else ("", ""))
        return Finding.scored(params.silent_credit, "Có mục tra cứu hồ sơ nhưng không tìm thấy ô nhập mã hồ sơ." + vi_frames,
                              "A dossier lookup entry exists but no dossier-code field was found." + en_frames,
                              entry_finding.evidence)
    use = lookups[0]
    evidence = use_evidence(use) + entry_finding.evidence
    if crashed(use):
        reason = use.error or "; ".join(use.server_errors + use.page_errors) or f"HTTP {use.status}"
        return Finding.scored(params.crash_credit, f"Tra cứu mã “{use.query}” gây lỗi: {reason}",
                              f"Looking up “{use.query}” crashed: {reason}", evidence)
    answer = next((term for term in params.answers if fold(term) in fold(use.message)), None)
    if answer is None:
        return Finding.scored(params.silent_credit, f"Tra cứu mã “{use.query}” không có thông báo rõ ràng.",
                              f"Looking up “{use.query}” gave no clear message.", evidence)
    return Finding.scored(
        min(1.0, entry_finding.fraction or 0.0),
        f"Tra cứu mã không tồn tại “{use.query}”: cổng trả lời “{use.message[:120]}”.",
        f"Looking up the non-existent code “{use.query}”: the portal answered “{use.message[:120]}”.",
        evidence,
    )
