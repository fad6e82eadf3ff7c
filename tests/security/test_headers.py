"""Security headers: each analyzer on each result, and the score against MDN's published table.

Expected scores are worked out by hand from the MDN HTTP Observatory table (base 100, penalties,
then bonuses only from 90 up); the modifiers used are written next to each case.
"""

from __future__ import annotations

import pytest

from assessor.checks.security_headers import (
    ANALYZERS,
    ResponseContext,
    parse_csp,
    score_headers,
    score_table,
    security_headers,
)
from assessor.model import Status, Text
from tests.builders import make_snapshot, page, params_of

STRONG_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
              "form-action 'self'; frame-ancestors 'none'")
GOOD_HEADERS = [
    ("Content-Security-Policy", STRONG_CSP),
    ("Strict-Transport-Security", "max-age=31536000; includeSubDomains"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), geolocation=(self \"https://map.gov.vn\")"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]


def response(headers: list[tuple[str, str]], https: bool = True, certificate_valid: bool = True) -> ResponseContext:
    return ResponseContext(headers=headers, https=https, certificate_valid=certificate_valid)


def replaced(name: str, value: str | None) -> list[tuple[str, str]]:
    """GOOD_HEADERS with one header changed (or removed when value is None)."""
    kept = [(key, val) for key, val in GOOD_HEADERS if key.lower() != name.lower()]
    return kept + ([(name, value)] if value is not None else [])


# (test, headers, https, certificate_valid, expected result)
CASES = [
    ("content-security-policy", replaced("Content-Security-Policy", STRONG_CSP), True, True,
     "csp-implemented-with-no-unsafe-default-src-none"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'"), True, True,
     "csp-implemented-with-no-unsafe"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'; style-src 'self' 'unsafe-inline'"),
     True, True, "csp-implemented-with-unsafe-inline-in-style-src-only"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'; img-src http://cdn.example"),
     True, True, "csp-implemented-with-insecure-scheme-in-passive-content-only"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'; script-src 'self' 'unsafe-eval'"),
     True, True, "csp-implemented-with-unsafe-eval"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'; script-src 'self' http://cdn.example"),
     True, True, "csp-implemented-with-insecure-scheme"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"),
     True, True, "csp-implemented-with-unsafe-inline"),
    # A nonce makes browsers ignore 'unsafe-inline' (CSP 2), as the Observatory also accepts.
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src 'none'; script-src 'nonce-abc' 'unsafe-inline'"),
     True, True, "csp-implemented-with-no-unsafe"),
    # object-src not restricted at all (no default-src): unsafe.
    ("content-security-policy", replaced("Content-Security-Policy", "script-src 'self'"), True, True,
     "csp-implemented-with-unsafe-inline"),
    # A repeated directive is ignored, as browsers do: the first one counts.
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'none'; default-src *"), True, True,
     "csp-implemented-with-no-unsafe-default-src-none"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; script-src 'strict-dynamic'"),
     True, True, "csp-header-invalid"),
    # 'strict-dynamic' with a nonce makes host, scheme and 'self' sources ignored (Observatory too).
    ("content-security-policy", replaced("Content-Security-Policy",
                                         "default-src 'self'; script-src 'nonce-r4nd' 'strict-dynamic' https: 'unsafe-inline'"),
     True, True, "csp-implemented-with-no-unsafe"),
    ("content-security-policy", replaced("Content-Security-Policy", "default-src 'self'; object-src data:"), True, True,
     "csp-implemented-with-no-unsafe"),
    ("content-security-policy", replaced("Content-Security-Policy", "default_src 'self'"), True, True, "csp-header-invalid"),
    ("content-security-policy", replaced("Content-Security-Policy", None), True, True, "csp-not-implemented"),
    ("strict-transport-security", GOOD_HEADERS, True, True, "hsts-implemented-max-age-at-least-six-months"),
    ("strict-transport-security", replaced("Strict-Transport-Security", "max-age=86400"), True, True,
     "hsts-implemented-max-age-less-than-six-months"),
    ("strict-transport-security", replaced("Strict-Transport-Security", None), True, True, "hsts-not-implemented"),
    ("strict-transport-security", replaced("Strict-Transport-Security", "max-age=abc; includeSubDomains"), True, True,
     "hsts-header-invalid"),
    ("strict-transport-security", replaced("Strict-Transport-Security", "includeSubDomains"), True, True, "hsts-header-invalid"),
    ("strict-transport-security", GOOD_HEADERS + [("Strict-Transport-Security", "max-age=600")], True, True,
     "hsts-header-invalid"),
    ("strict-transport-security", replaced("Strict-Transport-Security", "max-age=15552000"), True, True,
     "hsts-implemented-max-age-at-least-six-months"),
    ("strict-transport-security", GOOD_HEADERS, False, True, "hsts-not-implemented-no-https"),
    ("strict-transport-security", GOOD_HEADERS, True, False, "hsts-invalid-cert"),
    ("x-frame-options", GOOD_HEADERS, True, True, "x-frame-options-implemented-via-csp"),
    ("x-frame-options", replaced("Content-Security-Policy", None), True, True, "x-frame-options-sameorigin-or-deny"),
    ("x-frame-options", [("X-Frame-Options", "ALLOW-FROM https://a.gov.vn")], True, True, "x-frame-options-allow-from-origin"),
    ("x-frame-options", [("X-Frame-Options", "DENY, SAMEORIGIN")], True, True, "x-frame-options-header-invalid"),
    ("x-frame-options", [], True, True, "x-frame-options-not-implemented"),
    ("x-content-type-options", GOOD_HEADERS, True, True, "x-content-type-options-nosniff"),
    ("x-content-type-options", [], True, True, "x-content-type-options-not-implemented"),
    ("x-content-type-options", [("X-Content-Type-Options", "no-sniff")], True, True, "x-content-type-options-header-invalid"),
    ("referrer-policy", GOOD_HEADERS, True, True, "referrer-policy-private"),
    ("referrer-policy", [], True, True, "referrer-policy-not-implemented"),
    ("referrer-policy", [("Referrer-Policy", "no-referrer, unsafe-url")], True, True, "referrer-policy-unsafe"),
    ("referrer-policy", [("Referrer-Policy", "nobody-knows")], True, True, "referrer-policy-header-invalid"),
    ("cross-origin-resource-policy", GOOD_HEADERS, True, True, "corp-implemented-with-same-origin"),
    ("cross-origin-resource-policy", [("Cross-Origin-Resource-Policy", "same-site")], True, True, "corp-implemented-with-same-site"),
    ("cross-origin-resource-policy", [("Cross-Origin-Resource-Policy", "cross-origin")], True, True,
     "corp-implemented-with-cross-origin"),
    ("cross-origin-resource-policy", [], True, True, "corp-not-implemented"),
    ("cross-origin-resource-policy", [("Cross-Origin-Resource-Policy", "same")], True, True, "corp-header-invalid"),
    ("cross-origin-resource-sharing", [], True, True, "cross-origin-resource-sharing-not-implemented"),
    ("cross-origin-resource-sharing", [("Access-Control-Allow-Origin", "*")], True, True,
     "cross-origin-resource-sharing-implemented-with-public-access"),
    ("cross-origin-resource-sharing", [("Access-Control-Allow-Origin", "https://dichvucong.gov.vn")], True, True,
     "cross-origin-resource-sharing-implemented-with-restricted-access"),
    ("cross-origin-resource-sharing", [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")],
     True, True, "cross-origin-resource-sharing-implemented-with-universal-access"),
    ("permissions-policy", GOOD_HEADERS, True, True, "permissions-policy-implemented"),
    ("permissions-policy", [], True, True, "permissions-policy-not-implemented"),
    ("permissions-policy", [("Permissions-Policy", "geolocation 'self'")], True, True, "permissions-policy-header-invalid"),
    ("cross-origin-opener-policy", GOOD_HEADERS, True, True, "coop-implemented-with-same-origin"),
    ("cross-origin-opener-policy", [("Cross-Origin-Opener-Policy", "unsafe-none")], True, True, "coop-implemented-unsafe-none"),
    ("cross-origin-opener-policy", [], True, True, "coop-not-implemented"),
    ("cross-origin-opener-policy", [("Cross-Origin-Opener-Policy", "same")], True, True, "coop-header-invalid"),
]


@pytest.mark.parametrize(("test", "headers", "https", "valid", "expected"), CASES,
                         ids=[f"{case[0]}:{case[4]}" for case in CASES])
def test_analyzer_result(test: str, headers: list[tuple[str, str]], https: bool, valid: bool, expected: str) -> None:
    assert ANALYZERS[test](response(headers, https, valid)).result == expected


def test_every_result_in_the_table_is_reachable_and_every_analyzer_has_a_table_entry() -> None:
    table = score_table()
    assert set(ANALYZERS) == set(table.tests)
    produced = {case[4] for case in CASES}
    assert produced == {result for test in table.tests.values() for result in test.results}


# Worked from MDN's table. Bonuses count only when the penalised score is >= 90.
MDN_CASES = [
    # CSP default-src 'none' +10, XFO via CSP +5, Referrer private +5, CORP same-origin +10: 100 + 30.
    ("all good", GOOD_HEADERS, 130),
    # No header at all: CSP -25, HSTS -20, XFO -20, XCTO -5 -> 30 (grade D on the Observatory).
    ("nothing", [], 30),
    # Unsafe CSP -20, XFO then from X-Frame-Options DENY 0, no bonus below 90: 100 - 20 = 80.
    ("unsafe csp", replaced("Content-Security-Policy", "default-src 'self'; script-src 'self' 'unsafe-inline'"), 80),
    # HSTS under six months -10 -> 90, still an A, so the bonuses (+30) are added: 120.
    ("short hsts", replaced("Strict-Transport-Security", "max-age=600"), 120),
    # Universal CORS -50 with everything else good: 50, bonuses lost.
    ("universal cors", GOOD_HEADERS + [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], 50),
    # Score floors at 0: -25 -20 -20 -5 -50 = -120.
    ("floor", [("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")], 0),
]


@pytest.mark.parametrize(("name", "headers", "expected"), MDN_CASES, ids=[case[0] for case in MDN_CASES])
def test_observatory_score_agrees_with_the_mdn_table(name: str, headers: list[tuple[str, str]], expected: int) -> None:
    assert score_headers(response(headers)).observatory_score == expected


def test_assessor_extra_tests_are_added_after_the_mdn_score() -> None:
    without_extras = [(k, v) for k, v in GOOD_HEADERS if k not in ("Permissions-Policy", "Cross-Origin-Opener-Policy")]
    result = score_headers(response(without_extras))
    assert result.observatory_score == 130
    assert result.score == 120  # Permissions-Policy -5, COOP -5


def test_the_evidence_says_how_the_score_adds_up_and_which_tests_are_mdns() -> None:
    """A reviewer read 45/100 beside "MDN Observatory score 55" and modifiers adding up to -50:
    the bonus lost below 90 and the tests of our own were nowhere said."""
    without_extras = [(k, v) for k, v in replaced("Strict-Transport-Security", "max-age=abc")
                      if k not in ("Permissions-Policy", "Cross-Origin-Opener-Policy")]
    finding = check_headers(without_extras)
    arithmetic = next(e for e in finding.evidence if e.label_in("en") == "How it adds up").value
    assert arithmetic == ("MDN: 100 − 20 = 80 (+30 chưa cộng: chỉ cộng khi từ 90 / not added: bonuses count from 90); "
                          "assessor: −10 → 70/100")
    rows = next(e for e in finding.evidence if e.kind == "table").value
    sources = {row["header"]: row["nguồn / source"] for row in rows}
    assert sources["Strict-Transport-Security"] == "MDN" and sources["Permissions-Policy"] == "assessor"
    full = next(e for e in check_headers(GOOD_HEADERS).evidence if e.label_in("en") == "How it adds up").value
    assert full == "MDN: 100 − 0 + 30 = 130 → 130/100"


def test_the_suggested_policy_lets_the_emc_tracking_the_rubric_asks_for_run() -> None:
    """A portal copying the suggested line as it stood lost its EMC points: the official snippet
    is an inline script loading the tracker from f-emc.ngsp.gov.vn and sending hits there."""
    finding = check_headers([header for header in GOOD_HEADERS if header[0] != "Content-Security-Policy"])
    line = next(e for e in finding.evidence if e.kind == "code").value
    policy = parse_csp(line.removeprefix("Content-Security-Policy: "))
    for directive in ("script-src", "img-src", "connect-src"):
        assert "https://f-emc.ngsp.gov.vn" in policy[directive], directive
    assert any(source.startswith("'nonce-") for source in policy["script-src"])  # the inline snippet's
    assert "'unsafe-inline'" not in policy["script-src"]


def test_hsts_sent_twice_costs_what_the_observatory_takes_and_says_so() -> None:
    """Proxy and application both adding HSTS: the Observatory calls it malformed (-20), which
    stays; the problem said "max-age missing or malformed" of a header whose max-age is fine."""
    hsts = "max-age=31536000; includeSubDomains"
    twice = [*GOOD_HEADERS, ("Strict-Transport-Security", hsts)]
    assert [value for name, value in twice if name == "Strict-Transport-Security"] == [hsts, hsts]
    finding = check_headers(twice)
    row = next(row for row in table(finding) if row["header"] == "Strict-Transport-Security")
    assert (row["result"], row["modifier"]) == ("hsts-header-invalid", -20)
    assert row["problem / vấn đề"] == Text(
        vi="tiêu đề được gửi 2 lần (trình duyệt dùng lần đầu; MDN Observatory coi là sai dạng): chỉ gửi một lần",
        en="header sent 2 times (browsers use the first; the MDN Observatory counts it as malformed): send it once")
    assert not any(e.kind == "code" and "Strict-Transport-Security" in e.value for e in finding.evidence)


def test_frame_ancestors_open_to_any_site_is_said_to_protect_nothing() -> None:
    """`frame-ancestors *` counts as framing protection for the Observatory (its score stands);
    browsers then ignore X-Frame-Options, so any site can frame the portal."""
    open_csp = STRONG_CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
    headers = [(name, open_csp if name == "Content-Security-Policy" else value) for name, value in GOOD_HEADERS]
    finding = check_headers(headers)
    row = next(row for row in table(finding) if row["header"] == "X-Frame-Options")
    assert row["result"] == "x-frame-options-implemented-via-csp"
    assert row["problem / vấn đề"].en == ("frame-ancestors * lets any site frame the portal (browsers then ignore "
                                         "X-Frame-Options); the MDN Observatory still counts it")
    code = next(e for e in finding.evidence if e.kind == "code").value
    assert "frame-ancestors 'self'" in code and "X-Frame-Options" not in code
    assert "X-Frame-Options" in finding.message.en
    strict = next(row for row in table(check_headers(GOOD_HEADERS)) if row["header"] == "X-Frame-Options")
    assert strict["problem / vấn đề"] == ""


def test_pages_that_lack_the_headers_the_home_page_sends_are_named() -> None:
    """Headers set in the home page's template only: the login form could be framed and had no
    CSP, and the check said "complete". The score stays the home page's (as the Observatory's),
    the message and evidence name the pages."""
    login = page("https://dichvucong.lamha.gov.vn/dang-nhap", headers=[("X-Content-Type-Options", "nosniff")], depth=1)
    other_host = page("https://sso.gov.vn/login", headers=[], depth=1)
    failed = page("https://dichvucong.lamha.gov.vn/loi", status=500, headers=[], depth=1)
    finding = security_headers(make_snapshot(page(headers=GOOD_HEADERS), login, other_host, failed),
                               params_of("security.headers"))
    assert finding.fraction == 1.0
    assert finding.message.en.endswith("; 1/1 pages of the portal lack headers the home page sends (judged on the "
                                       "home page, as the MDN Observatory judges one URL)")
    lacking = next(e for e in finding.evidence if e.label_in("en") == "Pages lacking the home page's headers").value
    assert lacking == [{"trang / page": "https://dichvucong.lamha.gov.vn/dang-nhap",
                        "thiếu / missing": "Content-Security-Policy, Strict-Transport-Security, X-Frame-Options"}]


def check_headers(headers: list[tuple[str, str]]) -> object:
    snapshot = make_snapshot(page(headers=headers))
    return security_headers(snapshot, params_of("security.headers"))


def test_check_passes_with_every_header_right() -> None:
    finding = check_headers(GOOD_HEADERS)
    assert finding.status == Status.PASS
    assert finding.fraction == 1.0
    assert not [e for e in finding.evidence if e.kind == "code"]


def test_check_partial_shows_each_header_as_received_what_is_wrong_and_the_line_to_add() -> None:
    malformed = "max-age=abc; includeSubDomains"
    finding = check_headers(replaced("Strict-Transport-Security", malformed))
    assert finding.status == Status.PARTIAL
    assert finding.fraction == pytest.approx(0.8)  # -20, bonuses lost below 90
    received = [e for e in finding.evidence if e.kind == "header"]
    assert received and received[0].value == malformed
    assert "HSTS" in received[0].label_in("en")
    table = next(e for e in finding.evidence if e.kind == "table")
    hsts_row = next(row for row in table.value if row["header"] == "Strict-Transport-Security")
    assert hsts_row["result"] == "hsts-header-invalid" and hsts_row["received"] == malformed
    code = next(e for e in finding.evidence if e.kind == "code")
    assert code.value == "Strict-Transport-Security: max-age=31536000; includeSubDomains"
    assert any(e.kind == "note" and "Observatory" in str(e.value) for e in finding.evidence)


def test_full_marks_with_a_header_still_worth_adding_is_said_as_a_suggestion() -> None:
    finding = check_headers([header for header in GOOD_HEADERS if header[0] != "Permissions-Policy"])
    assert (finding.status, finding.fraction) == (Status.PASS, 1.0)
    assert finding.message.en == "Security headers score 125/100 (full marks); worth adding too: Permissions-Policy"
    assert "to fix" not in finding.message.en


def test_check_fails_when_the_score_reaches_zero() -> None:
    finding = check_headers([("Access-Control-Allow-Origin", "*"), ("Access-Control-Allow-Credentials", "true")])
    assert finding.status == Status.FAIL
    code = next(e for e in finding.evidence if e.kind == "code").value
    assert "Content-Security-Policy:" in code and "X-Content-Type-Options: nosniff" in code


def test_check_errors_without_a_home_response() -> None:
    snapshot = make_snapshot(page(status=200).model_copy(update={"status": None, "error": "timeout"}))
    assert security_headers(snapshot, params_of("security.headers")).status == Status.ERROR


def test_hsts_without_include_subdomains_is_noted_without_costing_points() -> None:
    result = score_headers(response(replaced("Strict-Transport-Security", "max-age=31536000")))
    hsts = next(v for v in result.verdicts if v.test == "strict-transport-security")
    assert hsts.modifier == 0 and hsts.problem is not None and "includeSubDomains" in hsts.problem.en
    assert hsts.add == "Strict-Transport-Security: max-age=31536000; includeSubDomains"


META_CSP = ("<html lang='vi'><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'; "
            "script-src 'self' {script}; object-src 'none'; frame-ancestors 'none'\"><title>Cổng</title></head>"
            "<body></body></html>")


def table(finding) -> list[dict]:
    return next(e for e in finding.evidence if e.kind == "table").value


@pytest.mark.parametrize(("script", "result"), [
    ("'unsafe-inline' https://f-emc.ngsp.gov.vn", "csp-implemented-with-unsafe-inline"),
    ("https://f-emc.ngsp.gov.vn", "csp-implemented-with-no-unsafe"),
])
def test_a_policy_in_a_meta_tag_is_judged_as_the_observatory_judges_it(script: str, result: str) -> None:
    """The browser enforces a <meta http-equiv> policy too, and the MDN Observatory reads it
    (all but frame-ancestors, which only a header can set)."""
    headers = [header for header in GOOD_HEADERS if header[0] != "Content-Security-Policy"]
    snapshot = make_snapshot(page(html=META_CSP.format(script=script), headers=headers))
    finding = security_headers(snapshot, params_of("security.headers"))
    row = next(row for row in table(finding) if row["header"] == "Content-Security-Policy")
    assert row["result"] == result
    assert row["received"].startswith("<meta> default-src 'self'; script-src 'self'")
    frame = next(row for row in table(finding) if row["header"] == "X-Frame-Options")
    assert frame["result"] != "x-frame-options-implemented-via-csp"
