"""Convenient access (khả năng truy cập thông tin thuận tiện): axe-core results, language,
reflow at 320 px and 200 % text, keyboard use, and how the portal is reached (.gov.vn, IPv6)."""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import Field, NonNegativeFloat

from assessor.artifacts.accessibility import AxeRule, OverflowTest, ViewportFacts
from assessor.checks.common import PageTypeRules, finding_from_problems, html_pages, page_type, soup_of
from assessor.checks.registry import CheckParams, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot

VIETNAMESE_HELP = Path(__file__).parent / "data" / "axe_vi.yaml"
VIEWPORT_GATHERER = "viewport"
ADDRESS_GATHERER = "addresses"


@cache
def vietnamese_help_texts() -> dict[str, str]:
    return yaml.safe_load(VIETNAMESE_HELP.read_text(encoding="utf-8"))


def rule_help(rule: AxeRule, lang: str = "vi") -> str:
    """The rule's help in Vietnamese when we have it, axe's English otherwise."""
    return vietnamese_help_texts().get(rule.id, rule.help) if lang == "vi" else rule.help


def viewport_facts(snapshot: Snapshot) -> ViewportFacts | None:
    return snapshot.access.viewport if snapshot.access else None


def overflow_tests(snapshot: Snapshot, *conditions: str) -> list[OverflowTest]:
    """The viewport gatherer's overflow tests made under any of `conditions`."""
    facts = viewport_facts(snapshot)
    return [test for test in (facts.overflow_tests if facts else []) if test.condition in conditions]


def not_measured(snapshot: Snapshot, gatherer: str, what_vi: str, what_en: str) -> Finding:
    """The artifact a check needs is missing: an error if its gatherer failed, else not collected."""
    reason = snapshot.gather_errors.get(gatherer)
    if reason:
        return Finding.error(vi=f"Không đo được {what_vi}: {reason}", en=f"Could not measure {what_en}: {reason}")
    return Finding.needs_review(
        vi=f"Chưa đo {what_vi} (không có dữ liệu thu thập).",
        en=f"{what_en.capitalize()} not measured (nothing collected).",
    )


# ----------------------------------------------------------------------------- axe-core
class AxeParams(CheckParams):
    # Deducted from a page's score for each rule it violates, by the rule's impact.
    impact_weights: dict[str, NonNegativeFloat] = Field(
        default_factory=lambda: {"critical": 0.25, "serious": 0.15, "moderate": 0.05, "minor": 0.02}
    )
    max_nodes_shown: int = 5


@check("accessibility.axe")
def axe_violations(snapshot: Snapshot, params: AxeParams) -> Finding:
    """Each page starts at 1 and loses the weight of every rule it violates; the fraction is the
    mean over pages, so a header defect repeated on every page costs its full weight once."""
    audited = [page for page in snapshot.loaded_pages if page.axe is not None and page.axe.error is None]
    failed_runs = [page for page in snapshot.loaded_pages if page.axe is not None and page.axe.error]
    if not audited:
        if failed_runs:
            return Finding.error(
                vi=f"axe-core không chạy được: {failed_runs[0].axe.error}",
                en=f"axe-core failed: {failed_runs[0].axe.error}",
            )
        return Finding.needs_review(vi="Chưa có kết quả axe-core cho trang nào.", en="No axe-core result for any page.")
    page_scores = []
    by_rule: dict[str, tuple[AxeRule, list[str]]] = {}
    review: dict[str, tuple[AxeRule, list[str]]] = {}
    for page in audited:
        lost = sum(params.impact_weights.get(rule.impact or "minor", 0.0) for rule in page.axe.violations)
        page_scores.append(max(0.0, 1.0 - lost))
        for rule in page.axe.violations:
            by_rule.setdefault(rule.id, (rule, []))[1].append(page.final_url)
        for rule in page.axe.incomplete:
            review.setdefault(rule.id, (rule, []))[1].append(page.final_url)
    fraction = sum(page_scores) / len(page_scores)
    order = list(params.impact_weights)
    ranked = sorted(
        by_rule.values(),
        key=lambda item: (order.index(item[0].impact) if item[0].impact in order else 9, -len(item[1])),
    )
    evidence = [
        Evidence(
            kind="table",
            label=Text(vi="Vi phạm WCAG 2.1 A/AA (axe-core)", en="WCAG 2.1 A/AA violations (axe-core)"),
            value=[
                {
                    "quy tắc / rule": rule.id,
                    "mức độ / impact": rule.impact or "",
                    "mô tả / help": rule_help(rule),
                    "help (axe)": rule.help,
                    "số trang / pages": len(urls),
                    "phần tử lỗi / failing elements": "; ".join(
                        f"{' '.join(node.target)} {node.html}" for node in rule.nodes[: params.max_nodes_shown]
                    ),
                    "ví dụ trang / example page": urls[0],
                    "tham khảo / reference": rule.help_url,
                }
                for rule, urls in ranked
            ],
        ),
        Evidence(
            kind="table",
            label=Text(vi="Cần người kiểm tra (axe incomplete, không tính là lỗi)", en="Needs a person to check (axe incomplete, not counted as failures)"),
            value=[
                {
                    "quy tắc / rule": rule.id,
                    "mô tả / help": rule_help(rule),
                    "số trang / pages": len(urls),
                    "phần tử / elements": "; ".join(
                        " ".join(node.target) for node in rule.nodes[: params.max_nodes_shown]
                    ),
                }
                for rule, urls in review.values()
            ],
        ),
        Evidence(kind="value", label=Text(vi="Phiên bản axe-core", en="axe-core version"), value=audited[0].axe.version),
        Evidence(kind="table", label=Text(vi="Trang đã kiểm tra", en="Pages tested"), value=[
            {"trang / page": page.final_url, "vi phạm / violations": len(page.axe.violations),
             "cần xem / needs review": len(page.axe.incomplete), "quy tắc đạt / rules passed": page.axe.passes,
             "điểm trang / page score": round(page_score, 3)}
            for page, page_score in zip(audited, page_scores, strict=True)]),
    ]
    if failed_runs:
        evidence.append(
            Evidence(
                kind="table",
                label=Text(vi="axe-core không chạy được", en="axe-core could not run on"),
                value=[[page.final_url, page.axe.error] for page in failed_runs],
            )
        )
    counts = {impact: sum(1 for rule, _ in ranked if rule.impact == impact) for impact in order}
    summary = ", ".join(f"{count} {impact}" for impact, count in counts.items() if count)
    if by_rule:
        vi = f"{len(by_rule)} quy tắc WCAG bị vi phạm trên {len(audited)} trang ({summary})."
        en = f"{len(by_rule)} WCAG rules violated across {len(audited)} pages ({summary})."
    else:
        vi = f"Không có vi phạm WCAG 2.1 A/AA trên {len(audited)} trang; {len(review)} quy tắc cần người kiểm tra."
        en = f"No WCAG 2.1 A/AA violations on {len(audited)} pages; {len(review)} rules need review."
    return Finding.scored(fraction, vi, en, evidence)


# ----------------------------------------------------------------------------- language
class LangParams(CheckParams):
    expected: str = "vi"
    # Pages in another language (the English page) must declare theirs instead.
    page_languages: dict[str, str] = Field(default_factory=lambda: {"english": "en"})
    page_types: PageTypeRules = Field(default_factory=PageTypeRules)


@check("accessibility.lang")
def vietnamese_declared(snapshot: Snapshot, params: LangParams) -> Finding:
    pages = html_pages(snapshot)
    if not pages:
        return Finding.error(vi="Không có trang nào để kiểm tra.", en="No page to check.")
    rows, good = [], 0
    for page in pages:
        html = soup_of(page).find("html")
        declared = str(html.get("lang", "")).strip() if html is not None else ""
        wanted = params.page_languages.get(page_type(page, params.page_types), params.expected)
        ok = declared.lower().split("-")[0] == wanted
        good += ok
        rows.append({"trang / page": page.final_url, "lang": declared or "—", "cần / expected": wanted, "đạt / ok": ok})
    evidence = [Evidence(kind="table", label=Text(vi="Thuộc tính lang", en="Lang attribute"), value=rows)]
    return Finding.scored(
        good / len(pages),
        vi=f'{good}/{len(pages)} trang khai báo đúng ngôn ngữ (lang="{params.expected}").',
        en=f'{good}/{len(pages)} pages declare the right language (lang="{params.expected}").',
        evidence=evidence,
    )


# ----------------------------------------------------------------------------- reflow
class ResponsiveParams(CheckParams):
    narrow_width_px: int = 320
    text_zoom_percent: int = 200
    # Share of the score for reflow at the narrow width; the rest is for the text zoom.
    narrow_share: float = Field(default=0.5, ge=0, le=1)


@check("accessibility.responsive")
def reflow(snapshot: Snapshot, params: ResponsiveParams) -> Finding:
    narrow_label, zoom_label = f"width {params.narrow_width_px}px", f"text {params.text_zoom_percent}%"
    tests = overflow_tests(snapshot, narrow_label, zoom_label)
    if not tests:
        return not_measured(
            snapshot, VIEWPORT_GATHERER, "khả năng hiển thị ở 320 px và chữ 200%", "reflow at 320 px and 200% text"
        )
    measured = [test for test in tests if test.error is None]
    if not measured:
        return Finding.error(vi=f"Không đo được: {tests[0].error}", en=f"Could not measure: {tests[0].error}")

    def passes(condition: str) -> float:
        runs = [test for test in measured if test.condition == condition]
        return sum(not test.overflows and not test.clipped_text for test in runs) / len(runs) if runs else 0.0

    fraction = params.narrow_share * passes(narrow_label) + (1 - params.narrow_share) * passes(zoom_label)
    rows = [
        {
            "điều kiện / condition": test.condition,
            "trang / page": test.url,
            "bề rộng cuộn / scroll width": test.scroll_width,
            "bề rộng khung / viewport": test.client_width,
            "cuộn ngang / scrolls": test.overflows,
            "chữ bị cắt / clipped text": "; ".join(test.clipped_text[:5]),
            "phần tử rộng nhất / widest": "; ".join(test.widest[:5]),
        }
        for test in measured
    ]
    evidence = [Evidence(kind="table", label=Text(vi="Kiểm tra hiển thị", en="Reflow tests"), value=rows)]
    problems = [
        (
            f"{test.condition} {'cuộn ngang' if test.overflows else 'cắt chữ'} ({test.url})",
            f"{test.condition} {'scrolls horizontally' if test.overflows else 'clips text'} ({test.url})",
        )
        for test in measured
        if test.overflows or test.clipped_text
    ]
    conditions = f"{params.narrow_width_px} px, {params.text_zoom_percent}%"
    passed = (
        f"Không phải cuộn ngang, không bị cắt chữ ({conditions}).",
        f"No horizontal scrolling and no clipped text ({conditions}).",
    )
    lead = (f"{len(problems)}/{len(measured)} phép thử không đạt: ", f"{len(problems)}/{len(measured)} tests fail: ")
    return finding_from_problems(fraction, problems, passed, lead, evidence)


# ----------------------------------------------------------------------------- keyboard
class KeyboardParams(CheckParams):
    focus_share: float = Field(default=0.6, ge=0, le=1)
    skip_link_share: float = Field(default=0.4, ge=0, le=1)
    # Collector settings: how many Tab presses per page, and what a skip link or a text-size /
    # contrast control says (matched without diacritics).
    max_tab_stops: int = 40
    skip_link_words: list[str] = Field(
        default_factory=lambda: ["bỏ qua", "đến nội dung", "tới nội dung", "nội dung chính", "skip"]
    )
    text_size_words: list[str] = Field(
        default_factory=lambda: [
            "cỡ chữ",
            "kích thước chữ",
            "phóng to chữ",
            "thu nhỏ chữ",
            "a+",
            "a-",
            "font size",
            "text size",
        ]
    )
    contrast_words: list[str] = Field(default_factory=lambda: ["tương phản", "contrast", "chế độ tối", "dark mode"])


@check("accessibility.keyboard")
def keyboard_use(snapshot: Snapshot, params: KeyboardParams) -> Finding:
    facts = viewport_facts(snapshot)
    if facts is None or not facts.tabbed_pages:
        return not_measured(snapshot, VIEWPORT_GATHERER, "khả năng dùng bàn phím", "keyboard use")
    stops = [stop for stop in facts.focus_stops if stop.region in ("nav", "form")]
    visible = [stop for stop in stops if stop.visible]
    focus_fraction = len(visible) / len(stops) if stops else 0.0
    skip = facts.skip_link
    skip_ok = skip is not None and skip.target_exists and skip.first_focus
    fraction = params.focus_share * focus_fraction + params.skip_link_share * (1.0 if skip_ok else 0.5 if skip else 0.0)
    evidence = [
        Evidence(
            kind="table",
            label=Text(vi="Điểm dừng khi bấm Tab", en="Tab stops"),
            value=[
                {
                    "#": stop.order,
                    "vùng / region": stop.region,
                    "phần tử / element": stop.selector,
                    "chữ / text": stop.text,
                    "thấy tiêu điểm / focus visible": stop.visible,
                    "được tính / counted": stop.region in ("nav", "form"),
                    "thay đổi / changes": ", ".join(stop.changes),
                    "trang / page": stop.url,
                }
                for stop in facts.focus_stops
            ],
        ),
        Evidence(
            kind="value",
            label=Text(vi="Liên kết bỏ qua", en="Skip link"),
            value=Text(
                vi=f"{skip.text} → {skip.href} (đích tồn tại: {'có' if skip.target_exists else 'không'}; "
                   f"tiêu điểm đầu tiên: {'có' if skip.first_focus else 'không'})",
                en=f"{skip.text} → {skip.href} (target exists: {'yes' if skip.target_exists else 'no'}; "
                   f"first focus: {'yes' if skip.first_focus else 'no'})",
            ) if skip else "—",
        ),
        Evidence(
            kind="table",
            label=Text(vi="Nút cỡ chữ, tương phản của cổng", en="Text-size and contrast controls"),
            value=[
                {"loại / kind": control.kind, "phần tử / element": control.selector, "chữ / text": control.text}
                for control in facts.controls
            ],
        ),
    ]
    problems: list[tuple[str, str]] = []
    if not stops:
        problems.append(
            (
                "không tới được thanh điều hướng hay biểu mẫu bằng phím Tab",
                "Tab reaches neither the navigation nor a form",
            )
        )
    elif len(visible) < len(stops):
        hidden = f"{len(stops) - len(visible)}/{len(stops)}"
        problems.append((f"{hidden} phần tử không hiện tiêu điểm", f"{hidden} elements show no focus"))
    if skip is None:
        problems.append(("không có liên kết bỏ qua", "no skip link"))
    elif not skip_ok:
        problems.append(
            (
                "liên kết bỏ qua không phải điểm dừng đầu tiên hoặc đích không tồn tại",
                "the skip link is not the first stop or its target is missing",
            )
        )
    of_all = len(facts.focus_stops)
    passed = (
        (f"Tiêu điểm bàn phím hiển thị ở {len(stops)} phần tử điều hướng và biểu mẫu (trên {of_all} điểm dừng "
         "Tab); có liên kết bỏ qua."),
        (f"Keyboard focus visible on {len(stops)} navigation and form elements (of {of_all} Tab stops); skip "
         "link present."),
    )
    return finding_from_problems(fraction, problems, passed, ("Dùng bàn phím: ", "Keyboard: "), evidence)


# ----------------------------------------------------------------------------- domain and IPv6
class NetworkAccessParams(CheckParams):
    domain_suffixes: list[str] = Field(default_factory=lambda: [".gov.vn"])
    domain_share: float = Field(default=0.5, ge=0, le=1)


@check("accessibility.network_access")
def network_access(snapshot: Snapshot, params: NetworkAccessParams) -> Finding:
    host = (urlsplit(snapshot.home.final_url if snapshot.home else snapshot.start_url).hostname or "").lower()
    gov_domain = any(host.endswith(suffix) for suffix in params.domain_suffixes)
    addresses = snapshot.access.addresses if snapshot.access else None
    evidence = [Evidence(kind="value", label=Text(vi="Tên miền", en="Host"), value=host)]
    if addresses is None:
        if ADDRESS_GATHERER in snapshot.gather_errors:
            return not_measured(snapshot, ADDRESS_GATHERER, "bản ghi AAAA", "the AAAA record")
        ipv6_vi, ipv6_en, has_ipv6 = "chưa tra cứu IPv6", "IPv6 not looked up", False
    elif addresses.ipv6:
        ipv6_vi, ipv6_en, has_ipv6 = (
            f"có IPv6 ({', '.join(addresses.ipv6[:3])})",
            f"IPv6 ({', '.join(addresses.ipv6[:3])})",
            True,
        )
        evidence.append(Evidence(kind="value", label=Text(vi="Bản ghi AAAA", en="AAAA records"), value=", ".join(addresses.ipv6)))
    else:
        reason = addresses.not_looked_up or addresses.error or "không có bản ghi AAAA / no AAAA record"
        # Our own reasons carry both languages ("vi / en"): each message takes its half.
        reason_vi, separator, reason_en = reason.partition(" / ")
        if not separator:
            reason_vi = reason_en = reason
        ipv6_vi, ipv6_en, has_ipv6 = f"không có IPv6 ({reason_vi})", f"no IPv6 ({reason_en})", False
        evidence.append(Evidence(kind="value", label=Text(vi="Bản ghi AAAA", en="AAAA records"), value=reason))
    if ip_version(host) is not None:
        evidence.append(Evidence(kind="note", label=Text(vi="Lưu ý: cổng được truy cập bằng địa chỉ IP",
                                                         en="Note: the portal was reached by its IP address")))
    fraction = params.domain_share * gov_domain + (1 - params.domain_share) * has_ipv6
    domain_vi = f"tên miền {'đúng' if gov_domain else 'không phải'} {params.domain_suffixes[0]}"
    domain_en = f"domain {'is' if gov_domain else 'is not'} under {params.domain_suffixes[0]}"
    return Finding.scored(
        fraction, vi=f"{host}: {domain_vi}; {ipv6_vi}.", en=f"{host}: {domain_en}; {ipv6_en}.", evidence=evidence
    )


def ip_version(host: str) -> int | None:
    """4 or 6 for a host given as an IP address, None for a name."""
    try:
        return ipaddress.ip_address(host.strip("[]")).version
    except ValueError:
        return None
