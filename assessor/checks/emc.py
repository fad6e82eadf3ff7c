"""Connection to the national EMC monitoring system (DOMAIN.md, "The EMC system").

Evidence, from weakest to strongest: the `_govaq` snippet in the HTML; a site id and the right
tracker URL in it; the browser requesting the EMC script and sending a tracking hit; all that on
every page type; the visible badge; `trackDVC` on procedure pages. Every criterion reads the same
per-page reading (`read_page`), made from the final HTML and the page's network log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qs, urlsplit

from bs4 import Comment, Tag
from pydantic import Field

from assessor.artifacts.page import PageArtifact
from assessor.checks.common import (
    PageTypeRules,
    finding_from_problems,
    fold,
    hidden_elements,
    html_pages,
    page_type,
    soup_of,
)
from assessor.checks.registry import CheckParams, Regex, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot


class EmcParams(CheckParams):
    queue_name: str = "_govaq"
    tracker_hosts: list[str] = Field(default_factory=lambda: ["f-emc.ngsp.gov.vn"])
    # Path prefix of the tracking endpoint on the tracker host (hits go there).
    tracker_path: str = "/tracking"
    # The EMC script file, matched against the path of requested URLs.
    script_pattern: Regex = r"gov-tracking(\.min)?\.js$"
    site_id_pattern: Regex = r"^\d{1,10}$"
    # The query parameter of a hit that carries the site id (Matomo's).
    hit_site_parameter: str = "idsite"
    # Query parameters marking the hit the tracker sends for a trackDVC event (seen when a bundled
    # script, not an inline one, pushes it).
    track_dvc_hit: dict[str, str] = Field(default_factory=lambda: {"action": "dvc"})
    badge_selectors: list[str] = Field(default_factory=lambda: ["#btnEMC", "#emc-badge", ".emc-badge"])
    badge_texts: list[str] = Field(default_factory=lambda: ["Đã kết nối EMC"])
    # Credit for a snippet that is in the HTML only inside a comment, so the browser never runs it.
    commented_snippet_credit: float = Field(default=0.25, ge=0, le=1)
    # Credit for the badge found on inner pages only, not on the home page.
    badge_inner_only_credit: float = Field(default=0.5, ge=0, le=1)
    page_types: PageTypeRules = Field(default_factory=PageTypeRules)


SITE_ID = re.compile(r"""['"]setSiteId['"]\s*,\s*['"]?([^'"\)\]\s,]*)""")
TRACKER_URL = re.compile(r"""['"]setTrackerUrl['"]\s*,\s*['"]([^'"]+)['"]""")
TRACK_DVC = re.compile(r"""['"]trackDVC['"]""")


@dataclass
class PageEmc:
    """What one page shows of the EMC connection."""

    page: PageArtifact
    params: EmcParams
    active_snippets: list[str] = field(default_factory=list)
    # Snippets the browser never runs, each with where it lies: (text, "comment" or the script's type).
    dormant_snippets: list[tuple[str, str]] = field(default_factory=list)

    @cached_property
    def active_code(self) -> list[str]:
        """The running snippets without their comments: a line commented out does nothing."""
        return [JS_COMMENT.sub("", text) for text in self.active_snippets]

    @cached_property
    def site_ids(self) -> list[str]:
        return [match for text in self.active_code for match in SITE_ID.findall(text)]

    @cached_property
    def tracker_urls(self) -> list[str]:
        return [match for text in self.active_code for match in TRACKER_URL.findall(text)]

    @cached_property
    def script_urls(self) -> list[str]:
        return [
            request.url
            for request in self.page.requests
            if is_tracker_host(request.url, self.params)
            and re.search(self.params.script_pattern, urlsplit(request.url).path)
            and request.failure is None
            and (request.status is None or request.status < 400)
        ]

    @cached_property
    def hit_urls(self) -> list[str]:
        """Tracking hits sent to an EMC host carrying a well-formed site id."""
        pattern = re.compile(self.params.site_id_pattern)
        hits = []
        for request in self.page.requests:
            parts = urlsplit(request.url)
            if not is_tracker_host(request.url, self.params) or not parts.path.startswith(self.params.tracker_path):
                continue
            site = parse_qs(parts.query).get(self.params.hit_site_parameter, [""])[0]
            # A hit the tracker answered with an error was not recorded by EMC.
            answered = request.failure is None and (request.status is None or request.status < 400)
            if answered and pattern.match(site):
                hits.append(request.url)
        return hits

    @property
    def has_snippet(self) -> bool:
        return bool(self.active_snippets)

    @property
    def connected(self) -> bool:
        """The page carries a running snippet or really reported to EMC."""
        return self.has_snippet or bool(self.hit_urls)

    @cached_property
    def dvc_hit_urls(self) -> list[str]:
        wanted = self.params.track_dvc_hit.items()
        return [url for url in self.hit_urls if all(parse_qs(urlsplit(url).query).get(k) == [v] for k, v in wanted)]

    @property
    def pushes_track_dvc(self) -> bool:
        """trackDVC pushed by an inline script, or its hit seen leaving the page."""
        return any(TRACK_DVC.search(text) for text in self.active_code) or bool(self.dvc_hit_urls)


def is_tracker_host(url: str, params: EmcParams) -> bool:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.lower() in {name.lower() for name in params.tracker_hosts}


def read_page(page: PageArtifact, params: EmcParams) -> PageEmc:
    soup = soup_of(page)
    reading = PageEmc(page, params)
    for script in soup.find_all("script"):
        text = script.get_text()
        if params.queue_name in text:
            script_type = str(script.get("type") or "").strip()
            if not runs_as_javascript(script_type):  # e.g. text/plain, parked until a visitor accepts cookies
                reading.dormant_snippets.append((text.strip(), script_type))
            elif params.queue_name in JS_COMMENT.sub("", text):
                reading.active_snippets.append(text.strip())
            else:  # only named in a comment of the code ("TODO: add _govaq")
                reading.dormant_snippets.append((text.strip(), "javascript comment"))
    for comment in soup.find_all(string=lambda node: isinstance(node, Comment)):
        if params.queue_name in comment:
            reading.dormant_snippets.append((str(comment).strip(), "comment"))
    return reading


# A JavaScript comment: /* ... */, or // to the end of the line but not the // of a URL ("https://").
JS_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\\w\"'])//[^\n]*", re.DOTALL)

# The HTML standard's JavaScript MIME types: a <script> of any other type is data, never run.
JAVASCRIPT_TYPES = {"", "module", "text/javascript", "application/javascript", "application/ecmascript",
                    "application/x-ecmascript", "application/x-javascript", "text/ecmascript", "text/javascript1.0",
                    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
                    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
                    "text/x-javascript"}


def runs_as_javascript(script_type: str) -> bool:
    return script_type.split(";")[0].strip().lower() in JAVASCRIPT_TYPES


def readings(snapshot: Snapshot, params: EmcParams) -> list[PageEmc]:
    return [read_page(page, params) for page in html_pages(snapshot)]


def no_pages() -> Finding:
    return Finding.error(
        vi="Không có trang nào tải được để kiểm tra mã EMC.", en="No page loaded to look for the EMC code."
    )


def snippet_evidence(reading: PageEmc) -> Evidence:
    text = (reading.active_snippets or [text for text, _ in reading.dormant_snippets] or [""])[0]
    return Evidence(kind="code", label=Text(vi="Mã EMC", en="EMC code"), value=text[:1500], url=reading.page.final_url)


@check("emc.snippet")
def emc_snippet(snapshot: Snapshot, params: EmcParams) -> Finding:
    pages = readings(snapshot, params)
    if not pages:
        return no_pages()
    active = [reading for reading in pages if reading.has_snippet]
    if active:
        return Finding.passed(
            vi=f"Có mã theo dõi EMC ({params.queue_name}) trên {len(active)}/{len(pages)} trang.",
            en=f"EMC tracking code ({params.queue_name}) found on {len(active)}/{len(pages)} pages.",
            evidence=[snippet_evidence(active[0])],
        )
    reported = [reading for reading in pages if reading.hit_urls or reading.script_urls]
    if reported:
        return Finding.passed(
            vi="Không thấy đoạn mã trong HTML nhưng trình duyệt đã tải mã EMC (nạp từ tệp khác).",
            en="No snippet in the HTML, but the browser loaded the EMC script (included from another file).",
            evidence=[
                Evidence(
                    kind="url",
                    label=Text(vi="Mã EMC được tải", en="EMC script requested"),
                    url=(reported[0].script_urls or reported[0].hit_urls)[0],
                )
            ],
        )
    dormant = [reading for reading in pages if reading.dormant_snippets]
    if dormant:
        where = dormant[0].dormant_snippets[0][1]
        vi_where, en_where = {
            "comment": ("chú thích HTML (<!-- -->)", "an HTML comment (<!-- -->)"),
            "javascript comment": ("chú thích trong mã JavaScript", "a JavaScript comment"),
        }.get(where, (f'thẻ script type="{where}"', f'a script of type "{where}"'))
        return Finding.scored(
            params.commented_snippet_credit,
            vi=f"Mã EMC chỉ nằm trong {vi_where}: trình duyệt không chạy nó.",
            en=f"The EMC code is only inside {en_where}: the browser never runs it.",
            evidence=[snippet_evidence(dormant[0])],
        )
    return Finding.failed(
        vi=f"Không tìm thấy mã theo dõi EMC ({params.queue_name}) trên {len(pages)} trang đã thu thập.",
        en=f"No EMC tracking code ({params.queue_name}) on any of the {len(pages)} pages collected.",
        evidence=[Evidence(kind="value", label=Text(vi="Số trang đã kiểm tra", en="Pages checked"), value=len(pages))],
    )


@check("emc.configuration")
def emc_configuration(snapshot: Snapshot, params: EmcParams) -> Finding:
    pages = [reading for reading in readings(snapshot, params) if reading.has_snippet]
    if not pages:
        return Finding.failed(
            vi="Không có mã EMC đang chạy để kiểm tra cấu hình.",
            en="No running EMC code whose configuration could be checked.",
        )
    site_ids = sorted({site for reading in pages for site in reading.site_ids})
    trackers = sorted({url for reading in pages for url in reading.tracker_urls})
    good_ids = [site for site in site_ids if re.match(params.site_id_pattern, site)]
    good_trackers = [
        url
        for url in trackers
        if is_tracker_host(url, params)
        and urlsplit(url if "//" in url else f"//{url}").path.startswith(params.tracker_path)
    ]
    evidence = [
        Evidence(kind="value", label=Text(vi="Mã trang (site id)", en="Site id"), value=", ".join(site_ids) or "—"),
        Evidence(kind="value", label=Text(vi="Địa chỉ máy chủ theo dõi", en="Tracker URL"), value=", ".join(trackers) or "—"),
        Evidence(
            kind="value", label=Text(vi="Máy chủ EMC hợp lệ", en="Accepted tracker hosts"), value=", ".join(params.tracker_hosts)
        ),
    ]
    expected = f"{params.tracker_hosts[0]}{params.tracker_path}"
    problems: list[tuple[str, str]] = []
    if not good_ids:
        problems.append(("thiếu mã trang dạng số (setSiteId)", "no numeric site id (setSiteId)"))
    if not good_trackers:
        problems.append((f"địa chỉ máy chủ theo dõi không phải {expected}", f"tracker URL is not {expected}"))
    if any(url.startswith("http://") for url in good_trackers):
        evidence.append(Evidence(kind="note", label=Text(vi="Lưu ý: địa chỉ máy chủ theo dõi dùng http:// (được chấp nhận)",
                                                         en="Note: the tracker URL uses http:// (accepted)")))
    fraction = (0.5 if good_ids else 0.0) + (0.5 if good_trackers else 0.0)
    site, tracker = (good_ids or [""])[0], (good_trackers or [""])[0]
    passed = (
        f"Mã EMC có mã trang {site} và máy chủ theo dõi đúng ({tracker}).",
        f"The EMC code has site id {site} and the right tracker URL ({tracker}).",
    )
    lead = ("Cấu hình mã EMC chưa đúng: ", "EMC code misconfigured: ")
    return finding_from_problems(fraction, problems, passed, lead, evidence)


@check("emc.hits")
def emc_hits(snapshot: Snapshot, params: EmcParams) -> Finding:
    pages = readings(snapshot, params)
    if not pages:
        return no_pages()
    scripts = sorted({url for reading in pages for url in reading.script_urls})
    hits = [(reading.page.final_url, url) for reading in pages for url in reading.hit_urls]
    evidence = [
        Evidence(
            kind="table",
            label=Text(vi="Yêu cầu tới EMC", en="Requests to EMC"),
            value=[{"trang / page": page, "yêu cầu / request": url} for page, url in hits[:50]],
        ),
        Evidence(kind="value", label=Text(vi="Mã EMC được tải", en="EMC script loaded"), value=", ".join(scripts) or "—"),
        Evidence(kind="value", label=Text(vi="Số lượt gửi dữ liệu", en="Hits observed"), value=len(hits)),
    ]
    if scripts and hits:
        return Finding.passed(
            vi=f"Trình duyệt đã tải mã EMC và gửi {len(hits)} lượt dữ liệu theo dõi tới {params.tracker_hosts[0]}.",
            en=f"The browser loaded the EMC script and sent {len(hits)} tracking hits to {params.tracker_hosts[0]}.",
            evidence=evidence,
        )
    if scripts or hits:
        return Finding.scored(
            0.5,
            vi="Trình duyệt tải mã EMC nhưng không gửi được dữ liệu theo dõi hợp lệ tới máy chủ EMC."
            if scripts
            else "Có dữ liệu theo dõi gửi tới EMC nhưng không thấy tải mã EMC.",
            en="The browser loaded the EMC script but sent no valid tracking hit to the EMC host."
            if scripts
            else "Tracking hits reached EMC but the EMC script was not seen loading.",
            evidence=evidence,
        )
    return Finding.failed(
        vi="Trình duyệt không tải mã EMC và không gửi dữ liệu theo dõi nào.",
        en="The browser neither loaded the EMC script nor sent any tracking hit.",
        evidence=evidence,
    )


@check("emc.coverage")
def emc_coverage(snapshot: Snapshot, params: EmcParams) -> Finding:
    pages = readings(snapshot, params)
    if not pages:
        return no_pages()
    by_type: dict[str, list[PageEmc]] = {}
    for reading in pages:
        by_type.setdefault(page_type(reading.page, params.page_types), []).append(reading)
    shares = {kind: sum(r.connected for r in group) / len(group) for kind, group in by_type.items()}
    fraction = sum(shares.values()) / len(shares)
    missing = [reading.page.final_url for reading in pages if not reading.connected]
    evidence = [
        Evidence(
            kind="table",
            label=Text(vi="Theo loại trang", en="By page type"),
            value=[
                {
                    "loại / type": kind,
                    "có EMC / with EMC": sum(r.connected for r in group),
                    "số trang / pages": len(group),
                }
                for kind, group in sorted(by_type.items())
            ],
        ),
        Evidence(kind="table", label=Text(vi="Trang thiếu mã EMC", en="Pages without EMC"), value=[[url] for url in missing[:100]]),
    ]
    covered = sorted(kind for kind, share in shares.items() if share >= 1)
    return Finding.scored(
        fraction,
        vi=f"Mã EMC có trên {len(pages) - len(missing)}/{len(pages)} trang; đủ ở {len(covered)}/{len(shares)} loại trang.",
        en=f"EMC code on {len(pages) - len(missing)}/{len(pages)} pages; complete on {len(covered)}/{len(shares)} page types.",
        evidence=evidence,
    )


def badge_elements(page: PageArtifact, params: EmcParams) -> list[Tag]:
    soup = soup_of(page)
    found: list[Tag] = [element for selector in params.badge_selectors for element in soup.select(selector)]
    wanted = [fold(text) for text in params.badge_texts]
    for element in soup.find_all(True):
        label = " ".join(str(element.get(name, "")) for name in ("alt", "title", "aria-label"))
        own_text = " ".join(element.find_all(string=True, recursive=False))
        if any(word in fold(f"{label} {own_text}") for word in wanted):
            found.append(element)
    is_hidden = hidden_elements(page, soup)
    return [element for element in found if not is_hidden(element)]


@check("emc.badge")
def emc_badge(snapshot: Snapshot, params: EmcParams) -> Finding:
    pages = html_pages(snapshot)
    if not pages:
        return no_pages()
    with_badge = [page for page in pages if badge_elements(page, params)]
    if not with_badge:
        return Finding.failed(
            vi=f'Không thấy biểu tượng "{params.badge_texts[0]}".', en=f'No "{params.badge_texts[0]}" badge shown.'
        )
    first = badge_elements(with_badge[0], params)[0]
    evidence = [
        Evidence(kind="code", label=Text(vi="Biểu tượng EMC", en="EMC badge"), value=str(first)[:600], url=with_badge[0].final_url)
    ]
    if snapshot.home in with_badge:
        return Finding.passed(
            vi=f'Trang chủ hiển thị biểu tượng "{params.badge_texts[0]}".',
            en=f'The home page shows the "{params.badge_texts[0]}" badge.',
            evidence=evidence,
        )
    return Finding.scored(
        params.badge_inner_only_credit,
        vi="Biểu tượng EMC chỉ có ở trang trong, không có ở trang chủ.",
        en="The EMC badge is on inner pages only, not on the home page.",
        evidence=evidence,
    )


def sampled_procedure_pages(snapshot: Snapshot) -> list[PageArtifact]:
    """The procedure pages the functions gatherer opened besides the crawl, as pages: on a real
    portal they lie two clicks deep, where the crawl's budget often reaches none."""
    crawled = {page.final_url for page in snapshot.pages} | {page.url for page in snapshot.pages}
    sampled = snapshot.functions.procedures if snapshot.functions else []
    return [PageArtifact(url=page.url, final_url=page.final_url or page.url, status=page.status, html=page.html,
                         requests=page.requests, depth=1)
            for page in sampled if page.html and page.error is None and page.status is not None and page.status < 400
            and (page.final_url or page.url) not in crawled]  # as function.procedure_fields counts them


@check("emc.track_dvc")
def emc_track_dvc(snapshot: Snapshot, params: EmcParams) -> Finding:
    procedures = [
        reading for reading in readings(snapshot, params) if page_type(reading.page, params.page_types) == "procedure"
    ] + [read_page(page, params) for page in sampled_procedure_pages(snapshot)]
    if not procedures:
        return Finding.not_applicable(
            vi="Không thu thập được trang thủ tục nào để kiểm tra trackDVC.",
            en="No procedure page was collected to look for trackDVC.",
        )
    pushing = [reading for reading in procedures if reading.pushes_track_dvc]
    evidence = [
        Evidence(
            kind="table",
            label=Text(vi="Trang thủ tục", en="Procedure pages"),
            value=[
                {
                    "trang / page": reading.page.final_url,
                    "trackDVC": reading.pushes_track_dvc,  # yes or no in the reader's language
                    "lượt gửi trackDVC thấy được / trackDVC hits seen": len(reading.dvc_hit_urls),
                }
                for reading in procedures[:100]
            ],
        )
    ]
    # The push is in the page's code; its hit leaves once the tracker has loaded, often after the
    # page was recorded (the sampled procedure pages are read at their load event).
    seen = sum(1 for reading in pushing if reading.dvc_hit_urls)
    return Finding.scored(
        len(pushing) / len(procedures),
        vi=f"{len(pushing)}/{len(procedures)} trang thủ tục có lệnh gửi trackDVC tới EMC"
           + (f"; thấy lượt gửi rời trang trên {seen} trang." if pushing else "."),
        en=f"{len(pushing)}/{len(procedures)} procedure pages push trackDVC to EMC"
           + (f"; its hit was seen leaving {seen} of them." if pushing else "."),
        evidence=evidence,
    )
