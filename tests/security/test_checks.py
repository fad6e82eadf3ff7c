"""Security checks on snapshots built in code: every outcome of every check.

TLS outcomes a Python test server cannot produce (SSL 3.0 offered, no TLS 1.2, SHA-1 or short
keys) are tested here on recorded facts; test_tls_scan.py produces the rest for real.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assessor.artifacts.http import HttpProbe
from assessor.artifacts.page import Hop, NetworkRequest
from assessor.artifacts.probes import HTTP_ROOT, listing_probe_name, path_probe_name
from assessor.artifacts.tls import CertificateFact, CipherSuiteFact, ProtocolFact, TlsFacts, TrustFact
from assessor.checks import security
from assessor.model import Finding, Status
from tests.builders import BASE_URL, make_snapshot, page, params_of

SCANNED = datetime(2026, 11, 23, tzinfo=UTC)
HOST = "dichvucong.lamha.gov.vn"
STRONG = CipherSuiteFact(name="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", key_size=128, forward_secrecy=True)
TLS13 = CipherSuiteFact(name="TLS_AES_128_GCM_SHA256", key_size=128, forward_secrecy=True)
RSA_KX = CipherSuiteFact(name="TLS_RSA_WITH_AES_128_CBC_SHA", key_size=128)
TRIPLE_DES = CipherSuiteFact(name="TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", key_size=112, forward_secrecy=True)


def leaf(**changes: object) -> CertificateFact:
    fields: dict[str, object] = {
        "subject": f"CN={HOST}", "issuer": "CN=Test CA", "not_before": SCANNED - timedelta(days=30),
        "not_after": SCANNED + timedelta(days=300), "dns_names": [HOST], "public_key_type": "RSA", "public_key_bits": 2048,
        "signature_hash": "sha256", "sha256_fingerprint": "ab" * 32}
    fields.update(changes)
    return CertificateFact(**fields)  # type: ignore[arg-type]


def tls_facts(offered: dict[str, list[CipherSuiteFact]] | None = None, **changes: object) -> TlsFacts:
    offered = offered if offered is not None else {"TLS 1.2": [STRONG], "TLS 1.3": [TLS13]}
    names = ("SSL 2.0", "SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2", "TLS 1.3")
    fields: dict[str, object] = {
        "host": HOST, "port": 443, "scanned_at": SCANNED, "scanner": "sslyze test",
        "protocols": [ProtocolFact(name=name, offered=name in offered, cipher_suites=offered.get(name, [])) for name in names],
        "chain": [leaf(), leaf(subject="CN=Test CA", dns_names=[])], "chain_in_order": True,
        "trust": [TrustFact(store="Mozilla", trusted=True)]}
    fields.update(changes)
    return TlsFacts(**fields)  # type: ignore[arg-type]


def run(check_id: str, snapshot: object) -> object:
    function = getattr(security, check_id.split(".")[1])
    return function(snapshot, params_of(check_id))


# --- https ---------------------------------------------------------------------------------------

def http_probe(*hops: tuple[str, int, str], status: int | None = 200, error: str | None = None) -> HttpProbe:
    return HttpProbe(name=HTTP_ROOT, url=f"http://{HOST}/", status=status, error=error,
                     redirects=[Hop(url=url, status=code, location=location) for url, code, location in hops])


@pytest.mark.parametrize(("probe", "expected", "fraction"), [
    (http_probe((f"http://{HOST}/", 301, f"https://{HOST}/")), Status.PASS, 1.0),
    (http_probe(status=None, error="ConnectError: refused"), Status.PASS, 1.0),
    (http_probe(), Status.PARTIAL, 0.5),
    (http_probe((f"http://{HOST}/", 301, "https://dichvucong.gov.vn/")), Status.PARTIAL, 0.75),
    (http_probe((f"http://{HOST}/", 302, f"http://{HOST}/home")), Status.PARTIAL, 0.5),
])
def test_https_redirect_outcomes(probe: HttpProbe, expected: Status, fraction: float) -> None:
    finding = run("security.https", make_snapshot(page(), probes=[probe]))
    assert (finding.status, finding.fraction) == (expected, fraction)


def test_https_fails_on_a_plain_http_portal() -> None:
    url = "http://dichvucong.lamha.gov.vn/"
    finding = run("security.https", make_snapshot(page(url), url=url, probes=[http_probe()]))
    assert finding.status == Status.FAIL


def test_https_error_and_needs_review_when_probes_are_missing() -> None:
    assert run("security.https", make_snapshot(page(), gather_errors={"probes": "boom"})).status == Status.ERROR
    assert run("security.https", make_snapshot(page())).status == Status.NEEDS_REVIEW
    unreachable = page().model_copy(update={"status": None})
    assert run("security.https", make_snapshot(unreachable)).status == Status.ERROR


# --- tls_protocols -------------------------------------------------------------------------------

@pytest.mark.parametrize(("offered", "expected", "fraction"), [
    ({"TLS 1.2": [STRONG], "TLS 1.3": [TLS13]}, Status.PASS, 1.0),
    ({"TLS 1.2": [STRONG]}, Status.PARTIAL, 0.9),
    ({"TLS 1.0": [STRONG], "TLS 1.2": [STRONG], "TLS 1.3": [TLS13]}, Status.PARTIAL, 0.5),
    ({"TLS 1.2": [STRONG, RSA_KX], "TLS 1.3": [TLS13]}, Status.PARTIAL, 0.8),
    ({"TLS 1.2": [STRONG, TRIPLE_DES], "TLS 1.3": [TLS13]}, Status.PARTIAL, 0.7),
    # Recorded: OpenSSL 3 cannot serve SSL 3.0 in a test, so this outcome is built from facts.
    ({"SSL 3.0": [RSA_KX], "TLS 1.2": [STRONG]}, Status.FAIL, 0.0),
    ({"TLS 1.0": [STRONG], "TLS 1.1": [STRONG]}, Status.FAIL, 0.0),
])
def test_tls_protocol_outcomes(offered: dict[str, list[CipherSuiteFact]], expected: Status, fraction: float) -> None:
    finding = run("security.tls_protocols", make_snapshot(page(), tls=tls_facts(offered)))
    assert finding.status == expected
    assert finding.fraction == pytest.approx(fraction)


def test_tls_protocols_fail_without_https_and_error_when_the_scan_failed() -> None:
    url = "http://dichvucong.lamha.gov.vn/"
    assert run("security.tls_protocols", make_snapshot(page(url), url=url)).status == Status.FAIL
    assert run("security.tls_protocols", make_snapshot(page(), gather_errors={"tls": "boom"})).status == Status.ERROR
    assert run("security.tls_protocols", make_snapshot(page())).status == Status.NEEDS_REVIEW
    no_handshake = tls_facts({}, error="handshake failure")
    assert run("security.tls_protocols", make_snapshot(page(), tls=no_handshake)).status == Status.FAIL


# --- certificate ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("facts", "expected", "words"), [
    (tls_facts(), Status.PASS, "trusted by Mozilla"),
    (tls_facts(chain=[leaf(not_after=SCANNED + timedelta(days=10))]), Status.PARTIAL, "expires in 10 days"),
    # Below the CA/Browser Forum's 2048 bits: no public authority may issue it, browsers refuse it.
    (tls_facts(chain=[leaf(public_key_bits=1024)]), Status.FAIL, "RSA key of 1024 bits is too short (at least 2048)"),
    (tls_facts(chain_in_order=False), Status.PARTIAL, "out of order"),
    (tls_facts(chain=[leaf(not_after=SCANNED - timedelta(days=1))]), Status.FAIL, "expired"),
    (tls_facts(chain=[leaf(dns_names=["other.gov.vn"])]), Status.FAIL, "does not name"),
    (tls_facts(chain=[leaf(dns_names=["*.lamha.gov.vn"])]), Status.PASS, "trusted"),
    (tls_facts(trust=[TrustFact(store="Mozilla", trusted=False, error="unknown issuer")]), Status.FAIL, "not trusted"),
    # Recorded: a SHA-1 signed leaf.
    (tls_facts(chain=[leaf(signature_hash="sha1"), leaf(subject="CN=CA")]), Status.FAIL, "weak hash"),
])
def test_certificate_outcomes(facts: TlsFacts, expected: Status, words: str) -> None:
    finding = run("security.certificate", make_snapshot(page(), tls=facts))
    assert finding.status == expected
    assert words in finding.message.en


UNTRUSTED = [TrustFact(store="Mozilla", trusted=False, error="candidates exhausted")]


@pytest.mark.parametrize(("chain", "said"), [
    ([leaf()], "the server sends no intermediate certificate (an incomplete chain, or an unknown authority)"),
    ([leaf(issuer=f"CN={HOST}")], "self-signed"),
    ([leaf(), leaf(subject="CN=Test CA", dns_names=[])], "not trusted by any trust store"),
])
def test_an_untrusted_certificate_says_why_it_may_be(chain: list[CertificateFact], said: str) -> None:
    """"Not trusted by any trust store" and "candidates exhausted" for a server that sends its
    leaf alone: the operator needs to hear that the intermediate is missing."""
    finding = run("security.certificate", make_snapshot(page(), tls=tls_facts(chain=chain, trust=UNTRUSTED)))
    assert finding.status == Status.FAIL
    assert said in finding.message.en


def test_with_a_ca_bundle_the_browsers_refusal_is_not_given_as_the_reason() -> None:
    """With --ca-bundle the browser trusts only certificates that verify in full against it: an
    expired one comes back as ERR_CERT_AUTHORITY_INVALID, which is not what is wrong with it."""
    expired = tls_facts(chain=[leaf(not_after=SCANNED - timedelta(days=1))], ca_bundle="/ca.pem",
                        trust=[TrustFact(store="Supplied CA file", trusted=True)])
    finding = run("security.certificate", make_snapshot(page(), tls=expired,
                                                        certificate_error="net::ERR_CERT_AUTHORITY_INVALID"))
    assert finding.status == Status.FAIL
    assert finding.message.en == "Invalid certificate: certificate expired"
    # Without a bundle, the browser's refusal is a reason of its own.
    alone = run("security.certificate", make_snapshot(page(), tls=tls_facts(chain=[leaf(
        not_after=SCANNED - timedelta(days=1))]), certificate_error="net::ERR_CERT_DATE_INVALID"))
    assert alone.message.en == "Invalid certificate: certificate expired; refused by the browser"


def test_certificate_fails_when_the_browser_refused_it() -> None:
    refused = "net::ERR_CERT_AUTHORITY_INVALID"
    finding = run("security.certificate", make_snapshot(page(), tls=tls_facts(), certificate_error=refused))
    assert finding.status == Status.FAIL and "refused by the browser" in finding.message.en
    assert run("security.certificate", make_snapshot(page(), certificate_error=refused)).status == Status.FAIL


def test_certificate_error_when_no_certificate_or_scan() -> None:
    assert run("security.certificate", make_snapshot(page(), tls=tls_facts(chain=[]))).status == Status.ERROR
    assert run("security.certificate", make_snapshot(page(), gather_errors={"tls": "x"})).status == Status.ERROR
    assert run("security.certificate", make_snapshot(page())).status == Status.NEEDS_REVIEW


# --- cookies -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("set_cookie", "expected"), [
    (["DVCSESSID=abc; Path=/; Secure; HttpOnly; SameSite=Lax", "lang=vi; Secure; SameSite=Strict"], Status.PASS),
    (["DVCSESSID=abc; Path=/"], Status.FAIL),
    (["DVCSESSID=abc; Secure"], Status.FAIL),
    (["DVCSESSID=abc; Secure; HttpOnly; SameSite=Lax", "lang=vi; Path=/"], Status.PARTIAL),
    (["lang=vi; Secure; SameSite=Bogus"], Status.PARTIAL),
    # A double-submit anti-forgery token is read by the page's scripts: no HttpOnly, and no session cookie.
    (["XSRF-TOKEN=abc; Path=/; Secure; SameSite=Lax", "csrftoken=d; Secure; SameSite=Strict",
      "ASP.NET_SessionId=xyz; path=/; secure; HttpOnly; SameSite=Lax"], Status.PASS),
    (["XSRF-TOKEN=abc; Path=/"], Status.PARTIAL),
    ([], Status.NOT_APPLICABLE),
])
def test_cookie_outcomes(set_cookie: list[str], expected: Status) -> None:
    snapshot = make_snapshot(page(headers=[("Set-Cookie", value) for value in set_cookie]))
    finding = run("security.cookies", snapshot)
    assert finding.status == expected
    if expected == Status.FAIL:
        assert "Secure; HttpOnly" in next(e for e in finding.evidence if e.kind == "code").value


def test_a_cookie_deleted_then_set_again_is_judged_by_the_cookie_the_browser_keeps() -> None:
    """Clear-then-set (session fixation protection, PHP's session_regenerate_id): the deletion
    line came first and was judged, its flags missing."""
    cleared = ["JSESSIONID=deleted; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
               "JSESSIONID=abc; Path=/; Secure; HttpOnly; SameSite=Lax", "old=; Max-Age=0"]
    finding = run("security.cookies", make_snapshot(page(headers=[("Set-Cookie", value) for value in cleared])))
    assert finding.status == Status.PASS, finding.message.en
    assert [row["cookie"] for row in finding.evidence[0].value] == ["JSESSIONID"]
    # A cookie only ever deleted is no cookie set.
    only_deleted = [("Set-Cookie", "JSESSIONID=; Path=/; Max-Age=0")]
    assert run("security.cookies", make_snapshot(page(headers=only_deleted))).status == Status.NOT_APPLICABLE


def test_a_cookie_set_on_a_redirect_is_judged() -> None:
    """Java portals set JSESSIONID on the first answer, a redirect to the portal's own page: the
    browser keeps it, and the check said the portal set no cookies."""
    hop = Hop(url=BASE_URL, status=302, location="/trang-chu", set_cookies=["JSESSIONID=abc123; Path=/"])
    home = page(BASE_URL + "trang-chu", redirects=[hop])
    finding = run("security.cookies", make_snapshot(home))
    assert finding.status == Status.FAIL and "JSESSIONID" in finding.message.en
    assert finding.evidence[0].value[0]["url"] == BASE_URL
    probe = HttpProbe(name="root", url=BASE_URL, status=200, redirects=[hop])
    assert run("security.cookies", make_snapshot(page(), probes=[probe])).status == Status.FAIL


def test_a_weak_cookie_is_named_with_the_flags_it_lacks() -> None:
    headers = [("Set-Cookie", "JSESSIONID=abc; Path=/; Secure; HttpOnly"), ("Set-Cookie", "lang=vi; SameSite=Lax")]
    finding = run("security.cookies", make_snapshot(page(headers=headers)))
    assert finding.status == Status.PARTIAL
    assert finding.message.en == "Cookies lacking flags: JSESSIONID (SameSite), lang (Secure)"
    assert finding.message.vi == "Cookie thiếu cờ: JSESSIONID (SameSite), lang (Secure)"


# --- mixed content -------------------------------------------------------------------------------

def test_mixed_content_outcomes() -> None:
    clean = page(html="<html><body><img src='/a.png'></body></html>")
    from_network = page(BASE_URL + "a", requests=[NetworkRequest(url="http://cdn.example/x.js", resource_type="script")])
    from_html = page(BASE_URL + "b", html="<html><body><img src='http://cdn.example/a.png'></body></html>")
    assert run("security.mixed_content", make_snapshot(clean)).status == Status.PASS
    partial = run("security.mixed_content", make_snapshot(clean, from_network, from_html))
    assert partial.status == Status.PARTIAL and partial.fraction == pytest.approx(1 / 3)
    assert run("security.mixed_content", make_snapshot(from_html)).status == Status.FAIL
    url = "http://dichvucong.lamha.gov.vn/"
    assert run("security.mixed_content", make_snapshot(page(url), url=url)).status == Status.NOT_APPLICABLE
    # An analytics fallback for browsers without scripts is never loaded by one that runs them.
    fallback = page(html="<html><body><noscript><img src='http://stats.lamha.gov.vn/matomo.php?idsite=1'>"
                         "</noscript></body></html>")
    assert run("security.mixed_content", make_snapshot(fallback)).status == Status.PASS


# --- disclosure ----------------------------------------------------------------------------------

TRACE = "<pre>Traceback (most recent call last):\n  File \"/srv/app/views.py\", line 3, in view</pre>"


@pytest.mark.parametrize(("pages", "expected", "fraction"), [
    ([page(headers={"Server": "nginx"})], Status.PASS, 1.0),
    ([page(headers={"Server": "Apache/2.4.29 (Ubuntu)"})], Status.PARTIAL, 0.6),
    ([page(headers={"X-Powered-By": "ASP.NET"})], Status.PARTIAL, 0.6),
    ([page(html="<html><head><meta name='generator' content='Joomla! 3.9'></head></html>")], Status.PARTIAL, 0.6),
    ([page(), page(BASE_URL + "x", html=TRACE, status=500)], Status.PARTIAL, 0.4),
    ([page(headers={"Server": "Apache/2.4.29"}), page(BASE_URL + "x", html=TRACE, status=404)], Status.FAIL, 0.0),
    # A stack trace on a page that answered 200 is content, not an error page...
    ([page(html=TRACE)], Status.PASS, 1.0),
    # ...but a framework's own error screen is one, whatever the status it came with (portals that
    # catch an exception and render it, or PHP printing its warnings into the page).
    ([page(), page(BASE_URL + "thanh-toan", html="<h1>Server Error in '/' Application.</h1><pre>at ThanhToanController"
                   ".Index() in C:\\web\\ThanhToanController.cs:line 42</pre>")], Status.PARTIAL, 0.4),
    ([page(html="<b>Warning</b>: Undefined index: id in /var/www/dvc/index.php on line 12 <p>Trang chủ</p>"
           .replace("<b>Warning</b>", "Warning"))], Status.PARTIAL, 0.4),
])
def test_disclosure_outcomes(pages: list[object], expected: Status, fraction: float) -> None:
    finding = run("security.disclosure", make_snapshot(*pages))
    assert (finding.status, finding.fraction) == (expected, pytest.approx(fraction))


def test_disclosure_reads_probe_error_pages_and_errors_without_pages() -> None:
    probe = HttpProbe(name="not_found", url=BASE_URL + "nope", status=404, body_excerpt=TRACE)
    assert run("security.disclosure", make_snapshot(page(), probes=[probe])).status == Status.PARTIAL
    assert run("security.disclosure", make_snapshot()).status == Status.ERROR


# --- exposed files -------------------------------------------------------------------------------

def path_probe(path: str, status: int, body: str = "", content_type: str = "text/html") -> HttpProbe:
    return HttpProbe(name=path_probe_name(path), url=BASE_URL.rstrip("/") + path, status=status, body_excerpt=body,
                     headers=[("Content-Type", content_type)])


def test_exposed_files_outcomes() -> None:
    quiet = [path_probe("/.git/HEAD", 404), path_probe("/.env", 200, "<html>Trang chủ</html>"),
             path_probe("/backup.zip", 404)]
    assert run("security.exposed_files", make_snapshot(page(), probes=quiet)).status == Status.PASS
    leaking = [path_probe("/.git/HEAD", 200, "ref: refs/heads/main\n")] + quiet[1:]
    failed = run("security.exposed_files", make_snapshot(page(), probes=leaking))
    assert failed.status == Status.FAIL and "/.git/HEAD" in failed.message.en
    # A detached HEAD (a deployment made with `git checkout TAG`, or by CI) holds an object id.
    for head in ("3f786850e387550fdab836ed7e6dc881de23001b\n", "a" * 64 + "\n"):
        detached = run("security.exposed_files", make_snapshot(page(), probes=[path_probe("/.git/HEAD", 200, head)]))
        assert detached.status == Status.FAIL, head
    backup = [path_probe("/backup.zip", 200, "PK\x03\x04", "application/zip")]
    assert run("security.exposed_files", make_snapshot(page(), probes=backup)).status == Status.FAIL
    listing = quiet + [HttpProbe(name=listing_probe_name("/uploads/"), url=BASE_URL + "uploads/", status=200,
                                 body_excerpt="<html><title>Index of /uploads</title></html>")]
    assert run("security.exposed_files", make_snapshot(page(), probes=listing)).status == Status.FAIL
    assert run("security.exposed_files", make_snapshot(page())).status == Status.NEEDS_REVIEW
    assert run("security.exposed_files", make_snapshot(page(), gather_errors={"probes": "x"})).status == Status.ERROR


# --- vulnerable libraries and SRI ----------------------------------------------------------------

def scripts_page(*urls: str, html: str = "<html><body></body></html>") -> object:
    return page(html=html, requests=[NetworkRequest(url=url, resource_type="script") for url in urls])


@pytest.mark.parametrize(("snapshot_page", "expected", "library"), [
    (scripts_page(BASE_URL + "static/js/jquery-3.7.1.min.js"), Status.PASS, None),
    (scripts_page(BASE_URL + "static/js/jquery-1.12.4.min.js"), Status.FAIL, "jQuery 1.12.4"),
    (scripts_page("https://cdnjs.cloudflare.com/ajax/libs/lodash.js/4.17.15/lodash.min.js"), Status.FAIL, "lodash 4.17.15"),
    (scripts_page(BASE_URL + "js/bootstrap-4.1.0.min.js"), Status.FAIL, "Bootstrap 4.1.0"),
    (scripts_page(BASE_URL + "js/bootstrap-4.6.2.min.js"), Status.PASS, None),
    (scripts_page(BASE_URL + "js/angular-1.8.2.min.js"), Status.FAIL, "AngularJS 1.8.2"),
    (scripts_page(html="<script>//! moment.js\n//! version : 2.24.0\n</script>"), Status.FAIL, "Moment.js 2.24.0"),
])
def test_vulnerable_library_outcomes(snapshot_page: object, expected: Status, library: str | None) -> None:
    finding = run("security.vulnerable_libraries", make_snapshot(snapshot_page))
    assert finding.status == expected
    if library:
        assert library in finding.message.en


def test_third_party_scripts_need_subresource_integrity() -> None:
    html = "<html><head><script src='https://cdn.example.vn/app.js'></script><script src='/own.js'></script></head></html>"
    partial = run("security.vulnerable_libraries", make_snapshot(page(html=html)))
    assert partial.status == Status.PARTIAL and partial.fraction == 0.5
    assert 'integrity="sha384-' in next(e for e in partial.evidence if e.kind == "code").value
    with_sri = html.replace("></script><script src='/own.js'", " integrity='sha384-abc' crossorigin></script><script src='/own.js'")
    assert run("security.vulnerable_libraries", make_snapshot(page(html=with_sri))).status == Status.PASS
    emc = "<html><head><script src='https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js'></script></head></html>"
    assert run("security.vulnerable_libraries", make_snapshot(page(html=emc))).status == Status.PASS
    assert run("security.vulnerable_libraries", make_snapshot()).status == Status.ERROR


# --- what a passing check shows ------------------------------------------------------------------

def evidence_labelled(finding: Finding, label: str) -> object:
    return next(e for e in finding.evidence if e.label_in("en") == label).value


def test_a_passing_security_check_shows_what_it_examined() -> None:
    """"No mixed content on 20 HTTPS pages" and two other passes came with no evidence at all: a
    reviewer could not show what was checked."""
    home = page(headers={"Server": "nginx"}, requests=[NetworkRequest(url=BASE_URL + "static/js/jquery-3.7.1.min.js",
                                                                      resource_type="script")],
                html="<html><head><script src='https://cdn.example.vn/app.js' integrity='sha384-abc'></script></head></html>")
    inner = page(BASE_URL + "thu-tuc", requests=[NetworkRequest(url=BASE_URL + "a.png", resource_type="image")])
    probe = HttpProbe(name="not_found", url=BASE_URL + "nope", status=404, body_excerpt="<h1>Không tìm thấy</h1>")
    snapshot = make_snapshot(home, inner, probes=[probe])

    mixed = run("security.mixed_content", snapshot)
    assert mixed.status == Status.PASS
    assert evidence_labelled(mixed, "HTTPS pages checked") == [
        {"trang / page": BASE_URL, "yêu cầu / requests": 1}, {"trang / page": BASE_URL + "thu-tuc", "yêu cầu / requests": 1}]

    disclosed = run("security.disclosure", snapshot)
    assert disclosed.status == Status.PASS
    assert evidence_labelled(disclosed, "Headers checked") == [
        {"header": "Server", "value": "nginx", "url": BASE_URL, "lộ phiên bản / discloses": False}]
    assert evidence_labelled(disclosed, "Responses read for error details") == 3

    libraries = run("security.vulnerable_libraries", snapshot)
    assert libraries.status == Status.PASS
    assert evidence_labelled(libraries, "Libraries recognised") == [
        {"library": "jQuery", "version": "3.7.1", "advisory": "", "seen at": BASE_URL + "static/js/jquery-3.7.1.min.js"}]
    assert evidence_labelled(libraries, "Third-party scripts") == [
        {"script": "https://cdn.example.vn/app.js", "SRI": True}]
