"""Reaching the functions: clicks from the home page, broken links and images, and whether the
portal is open at all (a closed portal is reported `closed`, never scored 0)."""

from __future__ import annotations

from pydantic import Field, model_validator

from assessor.artifacts.function import LinkStatus
from assessor.artifacts.page import PageArtifact
from assessor.checks.common import fold, not_found_page, portal_host, same_portal, says_not_found
from assessor.checks.function import not_collected
from assessor.checks.function_find import (
    FunctionSpec,
    ProcedureRules,
    is_procedure_text,
    locate,
    looks_like_procedure_url,
    normalise_url,
    page_text,
)
from assessor.checks.registry import CheckParams, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot


class ReachParams(CheckParams):
    functions: dict[str, FunctionSpec] = Field(min_length=1)
    procedures: ProcedureRules
    max_clicks: int = Field(default=3, ge=1)


def click_path(snapshot: Snapshot, page_url: str) -> list[str]:
    """The crawl's found_on chain from the home page to `page_url`."""
    by_url: dict[str, PageArtifact] = {}
    for page in snapshot.pages:
        if not page.logged_in:
            by_url.setdefault(normalise_url(page.final_url), page)
            by_url.setdefault(normalise_url(page.url), page)
    path = [page_url]
    page = by_url.get(normalise_url(page_url))
    while page is not None and page.found_on and len(path) < 20:
        path.append(page.found_on)
        page = by_url.get(normalise_url(page.found_on))
    return list(reversed(path))


def procedure_clicks(snapshot: Snapshot, rules: ProcedureRules) -> tuple[int, str, str] | None:
    """(clicks, page holding the link or the page itself, procedure URL) for the nearest procedure page."""
    best: tuple[int, str, str] | None = None
    for page in snapshot.loaded_pages:
        if page.logged_in:
            continue
        if is_procedure_text(page_text(page), rules):
            candidate = (page.depth, page.found_on or page.final_url, page.final_url)
            best = candidate if best is None or candidate[0] < best[0] else best
        link = next((link.url for link in page.links if looks_like_procedure_url(link.url, rules)), None)
        if link is not None and (best is None or page.depth + 1 < best[0]):
            best = (page.depth + 1, page.final_url, link)
    return best


@check("function.reachability")
def reachability(snapshot: Snapshot, params: ReachParams) -> Finding:
    rows = []
    for name, spec in params.functions.items():
        entry = locate([p for p in snapshot.pages if not p.logged_in], name, spec)
        if entry is None:
            rows.append({"target": name, "clicks": "—", "path": "not found in the crawl", "ok": False})
        else:
            path = " → ".join(click_path(snapshot, entry.page_url) + [entry.target_url])
            rows.append({"target": name, "clicks": entry.clicks, "path": path, "ok": entry.clicks <= params.max_clicks})
    nearest = procedure_clicks(snapshot, params.procedures)
    if nearest is None:
        rows.append({"target": "procedure page", "clicks": "—", "path": "not found in the crawl", "ok": False})
    else:
        clicks, holder, target = nearest
        path = " → ".join(click_path(snapshot, holder) + ([target] if target != holder else []))
        rows.append({"target": "procedure page", "clicks": clicks, "path": path, "ok": clicks <= params.max_clicks})
    ok = sum(1 for row in rows if row["ok"])
    far = [str(row["target"]) for row in rows if not row["ok"]]
    return Finding.scored(
        ok / len(rows),
        f"{ok}/{len(rows)} chức năng và trang thủ tục truy cập được trong {params.max_clicks} lần bấm từ trang chủ"
        + (f"; không đạt: {', '.join(far)}." if far else "."),
        f"{ok}/{len(rows)} functions and procedure pages are reachable within {params.max_clicks} clicks of the home page"
        + (f"; not: {', '.join(far)}." if far else "."),
        [Evidence(kind="table", label=Text(vi="Đường bấm ngắn nhất", en="Shortest click paths"), value=rows)],
    )


class LinkHealthParams(CheckParams):
    # Broken share at or below which the criterion passes, and at or above which it fails.
    pass_ratio: float = Field(default=0.0, ge=0, le=1)
    fail_ratio: float = Field(default=0.05, gt=0, le=1)
    # Politeness of the gatherer's probes of links the crawl did not open.
    max_probes: int = Field(default=150, ge=0)
    concurrency: int = Field(default=4, ge=1, le=16)

    @model_validator(mode="after")
    def _pass_below_fail(self) -> LinkHealthParams:
        if self.pass_ratio >= self.fail_ratio:
            raise ValueError(f"pass_ratio {self.pass_ratio:g} must be below fail_ratio {self.fail_ratio:g}")
        return self


def link_outcome(link: LinkStatus, missing: dict[str, str]) -> str | int:
    said = missing.get(normalise_url(link.url))
    if said is not None and not link.broken:
        return f"{link.status}: “{said}”"  # answered 200, saying the page does not exist
    return link.status or link.error or ""


@check("function.link_health")
def link_health(snapshot: Snapshot, params: LinkHealthParams) -> Finding:
    missing = not_collected(snapshot)
    if missing is not None:
        return missing
    links = snapshot.functions.links if snapshot.functions else []
    if not links:
        return Finding.not_applicable("Không có liên kết nội bộ nào để kiểm tra.", "No internal links to check.")
    # A crawled page that says it was not found is a broken link whatever its status (a soft 404).
    missing = {normalise_url(page.url): said for page in snapshot.pages if (said := not_found_page(page))}
    missing |= {normalise_url(link.url): said for link in links  # probed, not opened: its title and headings
                if link.said and link.status and link.status < 400 and (said := says_not_found(link.said.split(" | ")))}
    broken = [link for link in links if link.broken or normalise_url(link.url) in missing]
    ratio = len(broken) / len(links)
    span = max(params.fail_ratio - params.pass_ratio, 1e-9)
    fraction = 1.0 if ratio <= params.pass_ratio else max(0.0, 1.0 - (ratio - params.pass_ratio) / span)
    images = sum(1 for link in broken if link.kind == "image")
    rows = [{"url": link.url, "kind": link.kind, "status": link_outcome(link, missing), "found on": link.found_on}
            for link in broken]
    skipped = snapshot.functions.links_skipped if snapshot.functions else 0
    return Finding.scored(
        fraction,
        f"{len(broken)}/{len(links)} liên kết và hình ảnh nội bộ bị hỏng ({ratio:.1%}; {images} hình ảnh)"
        + (f"; {skipped} liên kết chưa kiểm tra." if skipped else "."),
        f"{len(broken)}/{len(links)} internal links and images are broken ({ratio:.1%}; {images} images)"
        + (f"; {skipped} links not checked." if skipped else "."),
        [Evidence(kind="value", label=Text(vi="Tỷ lệ hỏng", en="Broken ratio"), value=f"{len(broken)}/{len(links)} = {ratio:.1%}"),
         Evidence(kind="table", label=Text(vi="Liên kết hỏng", en="Broken links"), value=rows)],
    )


class PortalOpenParams(CheckParams):
    # A start page showing one of these (matched without diacritics) announces the portal closed.
    closure_notices: list[str] = Field(min_length=1)


@check("function.portal_open")
def portal_open(snapshot: Snapshot, params: PortalOpenParams) -> Finding:
    """FAIL means closed: the start page moved to another site (e.g. the national portal; a
    subdomain of the portal's own domain is the same portal, `same_portal`) or announces that the
    portal has stopped."""
    home = snapshot.home
    if home is None:
        return Finding.error("Không có trang chủ để kiểm tra.", "No start page to check.")
    if not same_portal(home.final_url, snapshot.start_url):
        hops = [Evidence(kind="url", label=f"HTTP {hop.status}", url=hop.url, value=hop.location) for hop in home.redirects]
        evidence = [*hops, Evidence(kind="url", label=Text(vi="Trang đích", en="Landed on"), url=home.final_url)]
        if home.screenshot:
            evidence.append(Evidence(kind="screenshot", label=Text(vi="Trang đích", en="Landed on"), path=home.screenshot))
        return Finding.failed(
            f"Cổng đã đóng: trang chủ chuyển hướng sang {portal_host(home.final_url)}.",
            f"The portal is closed: its start page redirects to {portal_host(home.final_url)}.",
            evidence,
        )
    text = fold(page_text(home))
    notice = next((term for term in params.closure_notices if fold(term) in text), None)
    if notice is not None:
        evidence = [Evidence(kind="value", label=Text(vi="Thông báo", en="Notice"), value=notice, url=home.final_url)]
        if home.screenshot:
            evidence.append(Evidence(kind="screenshot", label=Text(vi="Trang chủ", en="Start page"), path=home.screenshot))
        return Finding.failed(f"Cổng đã dừng hoạt động: trang chủ thông báo “{notice}”.",
                              f"The portal is closed: its start page announces “{notice}”.", evidence)
    return Finding.passed("Cổng đang hoạt động.", "The portal is open.",
                          [Evidence(kind="url", label=Text(vi="Trang chủ", en="Start page"), url=home.final_url)])
