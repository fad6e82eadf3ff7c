"""Accessibility checks on snapshots built in code: every outcome of every check."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from assessor.artifacts.accessibility import (
    AccessFacts,
    AddressFacts,
    AxeNode,
    AxeResult,
    AxeRule,
    FocusStop,
    OverflowTest,
    SkipLink,
    ViewportFacts,
)
from assessor.checks.accessibility import rule_help, vietnamese_help_texts
from assessor.checks.registry import get_check
from assessor.collect.axe import axe_source
from assessor.collect.context import CollectContext
from assessor.collect.viewport import find_controls, look_up_addresses
from assessor.criteria import load_rubric
from assessor.model import Finding, Status, Text
from assessor.snapshot import CollectSettings
from tests.builders import BASE_URL, make_snapshot, page, params_of


def run(check_id: str, snapshot) -> Finding:
    return get_check(check_id).function(snapshot, params_of(check_id))


def rule(rule_id: str, impact: str, target: str = "img.logo") -> AxeRule:
    return AxeRule(
        id=rule_id,
        impact=impact,
        help=f"{rule_id} help",
        help_url=f"https://dequeuniversity.com/rules/axe/4.12/{rule_id}",
        nodes=[AxeNode(target=[target], html=f"<{target}>", summary="Fix this")],
    )


def audited(url: str, violations: list[AxeRule] = (), incomplete: list[AxeRule] = (), depth: int = 0):
    return page(
        url,
        depth=depth,
        axe=AxeResult(version="4.12.0", violations=list(violations), incomplete=list(incomplete), passes=30),
    )


# ----------------------------------------------------------------------------- axe
def test_axe_passes_without_violations_and_keeps_incomplete_as_needs_review() -> None:
    finding = run("accessibility.axe", make_snapshot(audited(BASE_URL, incomplete=[rule("color-contrast", "serious")])))
    assert finding.status == Status.PASS and finding.fraction == 1.0
    review = finding.evidence[1].value
    assert review[0]["quy tắc / rule"] == "color-contrast"
    assert "tương phản" in review[0]["mô tả / help"]
    # What was tested, so that a pass can be shown: each page with its counts.
    tested = next(e for e in finding.evidence if e.label_in("en") == "Pages tested").value
    assert tested == [{"trang / page": BASE_URL, "vi phạm / violations": 0, "cần xem / needs review": 1,
                       "quy tắc đạt / rules passed": 30, "điểm trang / page score": 1.0}]


def test_axe_weights_violations_by_impact_and_averages_over_pages() -> None:
    home = audited(BASE_URL, [rule("image-alt", "critical"), rule("color-contrast", "serious")])
    inner = audited(f"{BASE_URL}gioi-thieu", [rule("image-alt", "critical")], depth=1)
    finding = run("accessibility.axe", make_snapshot(home, inner))
    # home loses 0.25 + 0.15, inner 0.25 -> mean of 0.60 and 0.75
    assert finding.status == Status.PARTIAL
    assert finding.fraction == pytest.approx(0.675)
    rows = finding.evidence[0].value
    assert [row["quy tắc / rule"] for row in rows] == ["image-alt", "color-contrast"]
    assert rows[0]["số trang / pages"] == 2
    assert rows[0]["mô tả / help"] == vietnamese_help_texts()["image-alt"]
    assert "img.logo" in rows[0]["phần tử lỗi / failing elements"]


def test_axe_fails_when_violations_exhaust_a_page() -> None:
    many = [rule(f"rule-{n}", "critical") for n in range(4)]
    finding = run("accessibility.axe", make_snapshot(audited(BASE_URL, many)))
    assert finding.status == Status.FAIL
    assert rule_help(many[0]) == "rule-0 help"  # no Vietnamese text: English shown


def test_axe_error_and_needs_review() -> None:
    broken = page(BASE_URL, axe=AxeResult(error="EvalError: CSP blocks eval"))
    assert run("accessibility.axe", make_snapshot(broken)).status == Status.ERROR
    assert run("accessibility.axe", make_snapshot(page(BASE_URL))).status == Status.NEEDS_REVIEW


def test_vietnamese_help_covers_25_real_axe_rules() -> None:
    texts = vietnamese_help_texts()
    source = axe_source()
    real = [rule_id for rule_id in texts if re.search(r'id:\s*"%s"' % re.escape(rule_id), source)]
    assert len(real) >= 25, sorted(set(texts) - set(real))
    assert all(re.search("[ạảãàáâậầấẩẫăắằặẳẵđêếềệểễôốồộổỗơớờợởỡưứừựửữ]", text) for text in texts.values())


# ----------------------------------------------------------------------------- lang
def test_lang_vi_everywhere_passes_and_english_page_must_say_en() -> None:
    english = page(f"{BASE_URL}en", "<html lang='en'><head><title>English</title></head></html>", depth=1)
    assert run("accessibility.lang", make_snapshot(page(BASE_URL), english)).status == Status.PASS
    wrong = page(f"{BASE_URL}gioi-thieu", "<html lang='en'><head><title>Giới thiệu</title></head></html>", depth=1)
    missing = page(f"{BASE_URL}tin-tuc", "<html><head><title>Tin tức</title></head></html>", depth=1)
    finding = run("accessibility.lang", make_snapshot(page(BASE_URL), wrong, missing))
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(1 / 3)
    assert run("accessibility.lang", make_snapshot(missing)).status == Status.FAIL
    assert run("accessibility.lang", make_snapshot()).status == Status.ERROR


# ----------------------------------------------------------------------------- reflow
def viewport_snapshot(facts: ViewportFacts | None, **fields):
    return make_snapshot(page(BASE_URL), access=AccessFacts(viewport=facts) if facts else None, **fields)


def overflow(condition: str, scroll: int, client: int, clipped: list[str] = ()) -> OverflowTest:
    return OverflowTest(
        url=BASE_URL,
        condition=condition,
        viewport_width=client,
        scroll_width=scroll,
        client_width=client,
        clipped_text=list(clipped),
        widest=["div.container (1100px)"] if scroll > client else [],
    )


def test_reflow_outcomes() -> None:
    fits = ViewportFacts(overflow_tests=[overflow("width 320px", 320, 320), overflow("text 200%", 1280, 1280)])
    assert run("accessibility.responsive", viewport_snapshot(fits)).status == Status.PASS
    narrow_fails = ViewportFacts(overflow_tests=[overflow("width 320px", 1100, 320), overflow("text 200%", 1280, 1280)])
    finding = run("accessibility.responsive", viewport_snapshot(narrow_fails))
    assert finding.status == Status.PARTIAL and finding.fraction == 0.5
    assert finding.evidence[0].value[0]["phần tử rộng nhất / widest"] == "div.container (1100px)"
    both = ViewportFacts(
        overflow_tests=[overflow("width 320px", 1100, 320), overflow("text 200%", 1280, 1280, ["nav a: Trang chủ"])]
    )
    assert run("accessibility.responsive", viewport_snapshot(both)).status == Status.FAIL


def test_reflow_not_measured_or_failed() -> None:
    assert run("accessibility.responsive", viewport_snapshot(None)).status == Status.NEEDS_REVIEW
    errored = viewport_snapshot(None, gather_errors={"viewport": "TimeoutError: page.goto"})
    assert run("accessibility.responsive", errored).status == Status.ERROR
    unloadable = ViewportFacts(
        overflow_tests=[OverflowTest(url=BASE_URL, condition="width 320px", viewport_width=0, error="net::ERR")]
    )
    assert run("accessibility.responsive", viewport_snapshot(unloadable)).status == Status.ERROR


# ----------------------------------------------------------------------------- keyboard
def stop(order: int, region: str, visible: bool) -> FocusStop:
    return FocusStop(
        url=BASE_URL,
        order=order,
        selector=f"a#s{order}",
        tag="a",
        region=region,
        visible=visible,
        changes=["outline-style"] if visible else [],
    )


SKIP = SkipLink(url=BASE_URL, text="Bỏ qua điều hướng", href="#noi-dung", target_exists=True, first_focus=True)


def test_keyboard_outcomes() -> None:
    good = ViewportFacts(
        tabbed_pages=[BASE_URL],
        focus_stops=[stop(1, "other", True), stop(2, "nav", True), stop(3, "form", True)],
        skip_link=SKIP,
    )
    passed = run("accessibility.keyboard", viewport_snapshot(good))
    assert passed.status == Status.PASS
    # The table lists every Tab stop; it says which count (those in the navigation and forms),
    # so that "2 elements" beside three rows adds up.
    assert [row["được tính / counted"] for row in passed.evidence[0].value] == [False, True, True]
    assert "on 2 navigation and form elements (of 3 Tab stops)" in passed.message.en
    skip = next(e for e in passed.evidence if e.label_in("en") == "Skip link").value
    assert skip == Text(vi="Bỏ qua điều hướng → #noi-dung (đích tồn tại: có; tiêu điểm đầu tiên: có)",
                        en="Bỏ qua điều hướng → #noi-dung (target exists: yes; first focus: yes)")
    half = ViewportFacts(
        tabbed_pages=[BASE_URL],
        focus_stops=[stop(1, "nav", True), stop(2, "form", False)],
        skip_link=SKIP.model_copy(update={"first_focus": False}),
    )
    finding = run("accessibility.keyboard", viewport_snapshot(half))
    # focus 0.6 x 1/2 + skip link found but not first 0.4 x 0.5
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(0.5)
    assert "1/2" in finding.message.en and "skip link is not the first stop" in finding.message.en
    bad = ViewportFacts(tabbed_pages=[BASE_URL], focus_stops=[stop(1, "nav", False), stop(2, "form", False)])
    assert run("accessibility.keyboard", viewport_snapshot(bad)).status == Status.FAIL
    assert run("accessibility.keyboard", viewport_snapshot(None)).status == Status.NEEDS_REVIEW


# ----------------------------------------------------------------------------- domain and IPv6
def address_snapshot(url: str, addresses: AddressFacts | None, **fields):
    return make_snapshot(page(url), url=url, access=AccessFacts(addresses=addresses), **fields)


def test_network_access_outcomes() -> None:
    gov = "https://dichvucong.lamha.gov.vn/"
    with_v6 = address_snapshot(gov, AddressFacts(host="dichvucong.lamha.gov.vn", ipv6=["2001:db8::1"]))
    finding = run("accessibility.network_access", with_v6)
    assert finding.status == Status.PASS and "2001:db8::1" in finding.message.en
    no_v6 = address_snapshot(
        gov, AddressFacts(host="dichvucong.lamha.gov.vn", error="gaierror: No address associated with hostname")
    )
    assert run("accessibility.network_access", no_v6).fraction == 0.5
    other_domain = address_snapshot("https://dvc.lamha.vn/", AddressFacts(host="dvc.lamha.vn", ipv6=["2001:db8::2"]))
    assert run("accessibility.network_access", other_domain).fraction == 0.5
    by_ip = address_snapshot("https://127.0.0.1:8443/", AddressFacts(host="127.0.0.1", not_looked_up="an IP address"))
    finding = run("accessibility.network_access", by_ip)
    note = next(e for e in finding.evidence if e.kind == "note")
    assert finding.status == Status.FAIL and "địa chỉ IP" in note.label_in("vi") and "IP address" in note.label_in("en")
    failed = make_snapshot(page(gov), url=gov, gather_errors={"addresses": "TimeoutError"})
    assert run("accessibility.network_access", failed).status == Status.ERROR
    # Each language its own half of the reason (both halves were in both messages).
    none = run("accessibility.network_access", address_snapshot(gov, AddressFacts(host="dichvucong.lamha.gov.vn")))
    assert none.message.en.endswith("no IPv6 (no AAAA record).") and none.message.vi.endswith(
        "không có IPv6 (không có bản ghi AAAA).")


@pytest.mark.parametrize(("url", "ipv6", "fraction"), [("https://[::1]:8443/", ["::1"], 0.5),
                                                     ("https://127.0.0.1:8443/", [], 0.0)])
def test_a_portal_reached_at_an_ip_address_is_not_looked_up_and_an_ipv6_one_counts_as_ipv6(
        url: str, ipv6: list[str], fraction: float, tmp_path: Path) -> None:
    snapshot = make_snapshot(page(url), url=url)
    ctx = CollectContext(settings=CollectSettings(), session=None, folder=tmp_path, rubric=load_rubric())
    asyncio.run(look_up_addresses(snapshot, ctx))
    addresses = snapshot.access.addresses
    assert addresses.ipv6 == ipv6 and (addresses.not_looked_up is None) == bool(ipv6)
    assert run("accessibility.network_access", snapshot).fraction == fraction  # no .gov.vn name either way


def test_text_size_and_contrast_controls_are_recognised() -> None:
    candidates = [
        ["button#tang-co-chu", "A+ Tăng cỡ chữ"],
        ["a.font-small", "A-"],
        ["button#tuong-phan", "Chế độ tương phản cao"],
        ["a#nav-1", "Trang chủ"],
        ["a#nav-2", "Tra cứu hồ sơ"],
    ]
    controls = find_controls(candidates, params_of("accessibility.keyboard"))
    assert [(control.kind, control.selector) for control in controls] == [
        ("text_size", "button#tang-co-chu"),
        ("text_size", "a.font-small"),
        ("contrast", "button#tuong-phan"),
    ]
