"""Information security (An toàn thông tin): what a passive scanner can see.

HTTPS and its configuration (from the sslyze facts), cookies, mixed content, disclosure,
exposed files and vulnerable libraries. Security headers are scored in security_headers.py.
Documents (the approved level-3 plan) are manual criteria. Nothing here attacks the portal:
the probes behind these checks are a handful of GET requests made by collect/probes.py.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import cache
from http.cookies import SimpleCookie
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, Field

from assessor.artifacts.http import HttpProbe
from assessor.artifacts.page import PageArtifact, header_values
from assessor.artifacts.probes import HTTP_ROOT, listing_probe_name, path_probe_name
from assessor.artifacts.tls import CertificateFact, TlsFacts
from assessor.checks.common import Deductions, soup_of
from assessor.checks.registry import CheckParams, Regex, check
from assessor.checks.security_headers import single_value
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot

# Rows of "what was examined" a passing check shows: enough to defend it, not the whole crawl.
MAX_ROWS_CHECKED = 50


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def tls_not_collected(snapshot: Snapshot) -> Finding | None:
    """error when the TLS gatherer failed; fail when the portal has no HTTPS at all."""
    if "tls" in snapshot.gather_errors:
        return Finding.error(vi=f"Không quét được TLS: {snapshot.gather_errors['tls']}",
                             en=f"TLS scan failed: {snapshot.gather_errors['tls']}")
    served_over_https = any(url.startswith("https://") for url in
                            [snapshot.start_url] + ([snapshot.home.final_url] if snapshot.home else []))
    if snapshot.tls is None and served_over_https:
        return Finding.needs_review(vi="Chưa quét TLS cho lần thu thập này", en="TLS was not scanned in this collection")
    if snapshot.tls is None:
        return Finding.failed(vi="Cổng không dùng HTTPS nên không có cấu hình TLS",
                              en="The portal does not use HTTPS, so there is no TLS to judge",
                              evidence=[Evidence(kind="url", label=Text(vi="Địa chỉ bắt đầu", en="Start URL"), url=snapshot.start_url)])
    if snapshot.tls.error:
        return Finding.failed(vi=f"Không bắt tay TLS được với {snapshot.tls.host}:{snapshot.tls.port}: {snapshot.tls.error}",
                              en=f"No TLS handshake with {snapshot.tls.host}:{snapshot.tls.port}: {snapshot.tls.error}")
    return None


# --- security.https ----------------------------------------------------------------------------

class HttpsParams(CheckParams):
    # Share of the points kept when HTTPS works but plain HTTP does not lead there properly.
    redirect_missing_fraction: float = Field(default=0.5, ge=0, le=1)
    off_host_fraction: float = Field(default=0.75, ge=0, le=1)


@check("security.https")
def https(snapshot: Snapshot, params: HttpsParams) -> Finding:
    home = snapshot.home
    if home is None or home.status is None:
        return Finding.error(vi="Trang chủ không phản hồi", en="The home page did not respond")
    evidence = [Evidence(kind="url", label=Text(vi="Trang chủ", en="Home page"), url=home.final_url)]
    if not home.final_url.startswith("https://"):
        return Finding.failed(vi="Trang chủ không được phục vụ qua HTTPS", en="The home page is not served over HTTPS",
                              evidence=evidence)
    probe = snapshot.probe(HTTP_ROOT)
    if probe is None:
        if "probes" in snapshot.gather_errors:
            return Finding.error(vi=f"Không thăm dò được HTTP: {snapshot.gather_errors['probes']}",
                                 en=f"HTTP probe failed: {snapshot.gather_errors['probes']}")
        return Finding.needs_review(vi="Chưa thăm dò địa chỉ HTTP", en="The plain-HTTP address was not probed", evidence=evidence)
    hops = [f"{hop.status} {hop.url} → {hop.location}" for hop in probe.redirects]
    evidence.append(Evidence(kind="table", label=Text(vi="Chuỗi chuyển hướng", en="HTTP redirect chain"), value=hops or [probe.url]))
    if not probe.redirects:
        if probe.status is None:
            # Observatory: redirection-not-needed-no-http. Nothing is served in clear text.
            return Finding.passed(vi="Chỉ phục vụ HTTPS; cổng HTTP không mở", en="HTTPS only; nothing answers on plain HTTP",
                                  evidence=evidence + [Evidence(kind="value", label=Text(vi="Thăm dò HTTP", en="HTTP probe"), value=probe.error)])
        return Finding.scored(params.redirect_missing_fraction,
                              vi=f"HTTP trả về {probe.status} mà không chuyển sang HTTPS",
                              en=f"Plain HTTP answers {probe.status} without redirecting to HTTPS", evidence=evidence)
    first = probe.redirects[0]
    first_target = urlsplit(first.location or "")
    final = probe.redirects[-1].location or ""
    if not final.startswith("https://") and not (probe.final_url or "").startswith("https://"):
        return Finding.scored(params.redirect_missing_fraction, vi="Chuyển hướng từ HTTP không dẫn tới HTTPS",
                              en="The redirect from HTTP does not end on HTTPS", evidence=evidence)
    if first_target.scheme != "https" or (first_target.hostname or "").lower() != host_of(first.url):
        return Finding.scored(params.off_host_fraction,
                              vi="Lần chuyển hướng đầu tiên không tới HTTPS trên cùng tên miền (HSTS không áp dụng được)",
                              en="The first redirect is not to HTTPS on the same host (HSTS cannot take effect)",
                              evidence=evidence)
    return Finding.passed(vi="HTTP chuyển hướng sang HTTPS trên cùng tên miền", en="HTTP redirects to HTTPS on the same host",
                          evidence=evidence)


# --- security.tls_protocols --------------------------------------------------------------------

class TlsProtocolParams(CheckParams):
    failing_protocols: list[str] = Field(default_factory=lambda: ["SSL 2.0", "SSL 3.0"])
    legacy_protocols: list[str] = Field(default_factory=lambda: ["TLS 1.0", "TLS 1.1"])
    legacy_penalty: float = 0.5
    required_protocols: list[str] = Field(default_factory=lambda: ["TLS 1.2", "TLS 1.3"])
    # TLS 1.3 is a plus: without it the best score is 1 - this.
    no_tls13_penalty: float = 0.1
    weak_cipher_penalty: float = 0.3
    no_forward_secrecy_penalty: float = 0.2
    # Cipher-suite name fragments that make a suite weak, and the smallest symmetric key.
    weak_cipher_markers: list[str] = Field(default_factory=lambda: ["NULL", "EXPORT", "RC4", "_DES_", "3DES", "DES_CBC3", "MD5", "anon"])
    min_cipher_bits: int = 128


@check("security.tls_protocols")
def tls_protocols(snapshot: Snapshot, params: TlsProtocolParams) -> Finding:
    missing = tls_not_collected(snapshot)
    if missing:
        return missing
    tls: TlsFacts = snapshot.tls  # type: ignore[assignment]
    offered = [protocol.name for protocol in tls.offered]
    suites = [(protocol.name, suite) for protocol in tls.offered for suite in protocol.cipher_suites]
    weak = [f"{name} {suite.name}" for name, suite in suites
            if suite.anonymous or suite.key_size < params.min_cipher_bits
            or any(marker in suite.name for marker in params.weak_cipher_markers)]
    no_fs = [f"{name} {suite.name}" for name, suite in suites if not suite.forward_secrecy]
    evidence = [
        Evidence(kind="table", label=Text(vi="Giao thức", en="Protocols"), value=[
            {"protocol": p.name, "offered": p.offered, "cipher suites": len(p.cipher_suites), "error": p.error or ""}
            for p in tls.protocols]),
        Evidence(kind="note", label=Text(vi="Công cụ quét", en="Scanner"), value=f"{tls.scanner} {tls.host}:{tls.port}"),
    ]
    if weak:
        evidence.append(Evidence(kind="table", label=Text(vi="Bộ mã yếu", en="Weak cipher suites"), value=weak))
    if no_fs:
        evidence.append(Evidence(kind="table", label=Text(vi="Bộ mã không có forward secrecy", en="Suites without forward secrecy"), value=no_fs))
    broken = [name for name in offered if name in params.failing_protocols]
    if broken:
        return Finding.failed(vi=f"Máy chủ còn hỗ trợ giao thức đã bị phá vỡ: {', '.join(broken)}",
                              en=f"The server still offers broken protocols: {', '.join(broken)}", evidence=evidence)
    if not any(name in params.required_protocols for name in offered):
        return Finding.failed(vi="Máy chủ không hỗ trợ TLS 1.2 hoặc 1.3", en="The server offers neither TLS 1.2 nor TLS 1.3",
                              evidence=evidence)
    deductions = Deductions()
    legacy = [name for name in offered if name in params.legacy_protocols]
    if legacy:
        deductions.add(params.legacy_penalty, f"còn hỗ trợ {', '.join(legacy)}", f"still offers {', '.join(legacy)}")
    if weak:
        deductions.add(params.weak_cipher_penalty, f"{len(weak)} bộ mã yếu", f"{len(weak)} weak cipher suites")
    if no_fs:
        deductions.add(params.no_forward_secrecy_penalty, f"{len(no_fs)} bộ mã không có forward secrecy",
                       f"{len(no_fs)} suites without forward secrecy")
    if "TLS 1.3" not in offered:
        deductions.add(params.no_tls13_penalty, "chưa hỗ trợ TLS 1.3", "no TLS 1.3")
    return deductions.finding(
        passed=(f"Chỉ dùng giao thức an toàn ({', '.join(offered)}), bộ mã mạnh, có forward secrecy",
                f"Only safe protocols ({', '.join(offered)}), strong suites with forward secrecy"),
        prefix=("Cấu hình TLS chưa tốt: ", "TLS configuration weak: "), evidence=evidence)


# --- security.certificate ----------------------------------------------------------------------

class CertificateParams(CheckParams):
    expiry_warning_days: int = 30
    min_rsa_bits: int = 2048
    min_ec_bits: int = 256
    weak_signature_hashes: list[str] = Field(default_factory=lambda: ["md5", "sha1"])
    # Share of the points kept for a warning (expiring soon, chain out of order). A key shorter than
    # min_rsa_bits or min_ec_bits fails: no public authority may issue one, browsers refuse it.
    warning_fraction: float = Field(default=0.5, ge=0, le=1)


def name_matches(host: str, certificate: CertificateFact) -> bool:
    host = host.lower().rstrip(".")
    if host in certificate.ip_addresses:
        return True
    for name in (name.lower().rstrip(".") for name in certificate.dns_names):
        if name == host:
            return True
        # A wildcard covers exactly one left-most label.
        if name.startswith("*.") and "." in host and host.split(".", 1)[1] == name[2:]:
            return True
    return False


def certificate_rows(tls: TlsFacts) -> list[dict[str, Any]]:
    return [{"subject": c.subject, "issuer": c.issuer, "not after": c.not_after.isoformat(),
             "key": f"{c.public_key_type} {c.public_key_bits}", "signature": c.signature_hash or ""} for c in tls.chain]


def untrusted_reason(tls: TlsFacts, leaf: CertificateFact) -> tuple[str, str]:
    """Why no trust store vouches for the certificate, as far as the chain sent shows it."""
    if leaf.issuer == leaf.subject:
        return "chứng thư tự ký, không kho tin cậy nào công nhận", "self-signed, not trusted by any trust store"
    if len(tls.chain) == 1:
        return (("không được kho tin cậy nào công nhận: máy chủ không gửi chứng thư trung gian (chuỗi không đầy "
                 "đủ, hoặc tổ chức cấp không được biết)"),
                ("not trusted by any trust store: the server sends no intermediate certificate (an incomplete chain, "
                 "or an unknown authority)"))
    return "không được kho tin cậy nào công nhận", "not trusted by any trust store"


@check("security.certificate")
def certificate(snapshot: Snapshot, params: CertificateParams) -> Finding:
    browser_refused = snapshot.certificate_error
    if browser_refused and snapshot.tls is None:
        return Finding.failed(vi=f"Trình duyệt từ chối chứng thư số: {browser_refused}",
                              en=f"The browser refused the certificate: {browser_refused}")
    missing = tls_not_collected(snapshot)
    if missing:
        return missing
    tls: TlsFacts = snapshot.tls  # type: ignore[assignment]
    leaf = tls.leaf
    if leaf is None:
        return Finding.error(vi="Máy chủ không gửi chứng thư số", en="The server sent no certificate")
    evidence = [
        Evidence(kind="table", label=Text(vi="Chuỗi chứng thư", en="Certificate chain"), value=certificate_rows(tls)),
        Evidence(kind="table", label=Text(vi="Kho tin cậy", en="Trust stores"), value=[
            {"store": t.store, "trusted": t.trusted, "error": t.error or ""} for t in tls.trust]),
    ]
    if tls.ca_bundle:
        evidence.append(Evidence(kind="note", label="--ca-bundle", value=tls.ca_bundle))
    if browser_refused:
        evidence.append(Evidence(kind="value", label=Text(vi="Lỗi trình duyệt", en="Browser error"), value=browser_refused))
    days_left = (leaf.not_after - tls.scanned_at).total_seconds() / 86400
    evidence.append(Evidence(kind="value", label=Text(vi="Số ngày còn hiệu lực", en="Days left"), value=round(days_left, 1)))
    failures: list[tuple[str, str]] = []
    if days_left < 0:
        failures.append(("chứng thư đã hết hạn", "certificate expired"))
    elif leaf.not_before > tls.scanned_at:
        failures.append(("chứng thư chưa có hiệu lực", "certificate not yet valid"))
    if not name_matches(tls.host, leaf):
        failures.append((f"chứng thư không dành cho {tls.host}", f"certificate does not name {tls.host}"))
    if not tls.trusted_by:
        failures.append(untrusted_reason(tls, leaf))
    minimum = params.min_rsa_bits if leaf.public_key_type in ("RSA", "DSA") else params.min_ec_bits
    if leaf.public_key_bits < minimum:  # below the CA/Browser Forum's minimum: no public CA issues it
        failures.append((f"khóa {leaf.public_key_type} {leaf.public_key_bits} bit quá ngắn (tối thiểu {minimum})",
                         f"{leaf.public_key_type} key of {leaf.public_key_bits} bits is too short (at least {minimum})"))
    if any(c.signature_hash in params.weak_signature_hashes for c in tls.chain[:-1] or tls.chain):
        failures.append(("chữ ký dùng hàm băm yếu", "signed with a weak hash"))
    # With --ca-bundle the browser is told to trust only certificates that verify in full against
    # the bundle: whatever else is wrong comes back as "authority invalid", a code that is not the
    # reason. Without a bundle, or with nothing else wrong, the browser's refusal is one.
    if browser_refused and not (tls.ca_bundle and failures):
        failures.append(("trình duyệt từ chối", "refused by the browser"))
    if failures:
        return Finding.failed(vi="Chứng thư số không hợp lệ: " + "; ".join(vi for vi, _ in failures),
                              en="Invalid certificate: " + "; ".join(en for _, en in failures), evidence=evidence)
    warnings: list[tuple[str, str]] = []
    if days_left < params.expiry_warning_days:
        warnings.append((f"hết hạn sau {days_left:.0f} ngày", f"expires in {days_left:.0f} days"))
    if tls.chain_in_order is False:
        warnings.append(("chuỗi chứng thư sai thứ tự", "chain sent out of order"))
    if warnings:
        return Finding.scored(params.warning_fraction, vi="Chứng thư số hợp lệ nhưng: " + "; ".join(vi for vi, _ in warnings),
                              en="Certificate valid, but: " + "; ".join(en for _, en in warnings), evidence=evidence)
    return Finding.passed(vi=f"Chứng thư số hợp lệ, được tin cậy ({', '.join(tls.trusted_by)}), còn {days_left:.0f} ngày",
                          en=f"Valid certificate, trusted by {', '.join(tls.trusted_by)}, {days_left:.0f} days left",
                          evidence=evidence)


# --- security.cookies --------------------------------------------------------------------------

class CookiesParams(CheckParams):
    # A cookie whose name contains one of these is treated as a session cookie.
    session_name_words: list[str] = Field(default_factory=lambda: ["sess", "sid", "auth", "token", "login", "jwt"])
    # ...unless it contains one of these: an anti-forgery token (XSRF-TOKEN, csrftoken) that the
    # page's scripts must read to send back (double submit), so HttpOnly would break the forms.
    script_token_words: list[str] = Field(default_factory=lambda: ["csrf", "xsrf"])


class CookieFacts(BaseModel):
    name: str
    url: str
    set_cookie: str
    secure: bool
    http_only: bool
    same_site: str | None
    session: bool


def is_session_cookie(name: str, params: CookiesParams) -> bool:
    lowered = name.lower()
    return (any(word in lowered for word in params.session_name_words)
            and not any(word in lowered for word in params.script_token_words))


def parse_set_cookie(value: str, url: str, params: CookiesParams) -> CookieFacts | None:
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(value)
    except Exception:  # noqa: BLE001 - a cookie the stdlib cannot read is judged by its raw flags
        jar = SimpleCookie()
    name = next(iter(jar), value.split("=", 1)[0].strip())
    if not name:
        return None
    flags = {part.strip().split("=", 1)[0].lower(): part.strip() for part in value.split(";")[1:]}
    same_site = flags.get("samesite", "").split("=", 1)[1].strip() if "=" in flags.get("samesite", "") else None
    return CookieFacts(name=name, url=url, set_cookie=value, secure="secure" in flags, http_only="httponly" in flags,
                       same_site=same_site, session=is_session_cookie(name, params))


def deletes(line: str, at: datetime) -> bool:
    """A Set-Cookie that removes its cookie (Max-Age of 0 or less, or an expiry before `at`)."""
    for part in line.split(";")[1:]:
        key, _, value = part.strip().partition("=")
        if key.lower() == "max-age" and value.strip().lstrip("-").isdigit() and int(value) <= 0:
            return True
        if key.lower() == "expires":
            try:
                expires = parsedate_to_datetime(value.strip())
            except (TypeError, ValueError):
                continue
            if (expires if expires.tzinfo else expires.replace(tzinfo=UTC)) < at:
                return True
    return False


def cookies_set(snapshot: Snapshot, params: CookiesParams) -> list[CookieFacts]:
    """Every cookie the portal's responses set, redirects on the way included, each judged by the
    first line that sets it; a line that deletes a cookie (clear-then-set) sets nothing."""
    sources: list[tuple[str, list[str]]] = []
    for url, redirects, headers in [*((page.final_url, page.redirects, page.headers) for page in snapshot.pages),
                                    *((probe.final_url or probe.url, probe.redirects, probe.headers)
                                      for probe in snapshot.probes)]:
        sources += [(hop.url, hop.set_cookies) for hop in redirects]
        sources.append((url, header_values(headers, "set-cookie")))
    found: dict[str, CookieFacts] = {}
    for url, values in sources:
        for value in values:
            # Browsers may fold several Set-Cookie headers into one value separated by newlines.
            for line in (line.strip() for line in value.split("\n")):
                facts = parse_set_cookie(line, url, params) if line and not deletes(line, snapshot.started_at) else None
                if facts and facts.name not in found:
                    found[facts.name] = facts
    return list(found.values())


def missing_flags(cookie: CookieFacts) -> list[str]:
    """What a cookie lacks: Secure, a SameSite of Strict, Lax or None (None only with Secure)."""
    same_site = (cookie.same_site or "").lower()
    missing = [] if cookie.secure else ["Secure"]
    if same_site not in ("strict", "lax", "none") or (same_site == "none" and not cookie.secure):
        missing.append("SameSite")
    return missing


@check("security.cookies")
def cookies(snapshot: Snapshot, params: CookiesParams) -> Finding:
    jar = cookies_set(snapshot, params)
    if not jar:
        return Finding.not_applicable(
            vi="Các phản hồi của cổng không đặt cookie (Set-Cookie) trên các trang đã duyệt; cookie do script đặt "
               "không được đánh giá",
            en="The portal's responses set no cookies (Set-Cookie) on the crawled pages; cookies set by scripts "
               "are not judged")
    rows = [{"cookie": c.name, "session": c.session, "Secure": c.secure, "HttpOnly": c.http_only,
             "SameSite": c.same_site or "—", "url": c.url} for c in jar]
    evidence = [Evidence(kind="table", label=Text(vi="Cookie", en="Cookies"), value=rows)]
    evidence += [Evidence(kind="header", label=f"Set-Cookie {c.name}", value=c.set_cookie, url=c.url) for c in jar]
    unsafe_session = [c for c in jar if c.session and not (c.secure and c.http_only)]
    if unsafe_session:
        fixes = "\n".join(f"Set-Cookie: {c.name}=…; Secure; HttpOnly; SameSite=Lax; Path=/" for c in unsafe_session)
        evidence.append(Evidence(kind="code", label=Text(vi="Cờ cần thêm", en="Cookie flags to add"), value=fixes))
        names = ", ".join(c.name for c in unsafe_session)
        return Finding.failed(vi=f"Cookie phiên thiếu Secure hoặc HttpOnly: {names}",
                              en=f"Session cookies without Secure or HttpOnly: {names}", evidence=evidence)
    weak = [c for c in jar if missing_flags(c)]
    if weak:
        names = ", ".join(f"{c.name} ({', '.join(missing_flags(c))})" for c in weak)
        fixes = "\n".join(f"Set-Cookie: {c.name}=…; Secure; SameSite=Lax" for c in weak)
        evidence.append(Evidence(kind="code", label=Text(vi="Cờ cần thêm", en="Cookie flags to add"), value=fixes))
        return Finding.scored(0.5, vi=f"Cookie thiếu cờ: {names}", en=f"Cookies lacking flags: {names}",
                              evidence=evidence)
    return Finding.passed(vi="Mọi cookie có Secure và SameSite; cookie phiên có HttpOnly",
                          en="Every cookie has Secure and SameSite; session cookies are HttpOnly", evidence=evidence)


# --- security.mixed_content --------------------------------------------------------------------

class MixedContentParams(CheckParams):
    # Elements and attributes that load a sub-resource (or submit a form) from the HTML.
    attributes: dict[str, list[str]] = Field(default_factory=lambda: {
        "script": ["src"], "img": ["src"], "iframe": ["src"], "link": ["href"], "audio": ["src"],
        "video": ["src"], "source": ["src"], "embed": ["src"], "object": ["data"], "form": ["action"]})


def insecure_references(page: PageArtifact, params: MixedContentParams) -> list[str]:
    found = [request.url for request in page.requests
             if request.url.startswith("http://") and request.resource_type != "document"]
    if page.html:
        soup = soup_of(page)
        for tag, attributes in params.attributes.items():
            for element in soup.find_all(tag):
                if element.find_parent("noscript") is not None:
                    continue  # for browsers without scripts: the one that collected ran them, and loaded none
                for attribute in attributes:
                    value = str(element.get(attribute) or "")
                    if value.startswith("http://") and (tag != "link" or "stylesheet" in (element.get("rel") or [])):
                        found.append(value)
    return list(dict.fromkeys(found))


@check("security.mixed_content")
def mixed_content(snapshot: Snapshot, params: MixedContentParams) -> Finding:
    pages = [page for page in snapshot.loaded_pages if page.final_url.startswith("https://")]
    if not pages:
        return Finding.not_applicable(vi="Không có trang HTTPS nào để kiểm tra nội dung hỗn hợp",
                                      en="No HTTPS page to check for mixed content")
    rows = [{"page": page.final_url, "insecure": url} for page in pages for url in insecure_references(page, params)]
    checked = Evidence(kind="table", label=Text(vi="Trang HTTPS đã kiểm tra", en="HTTPS pages checked"),
                       value=[{"trang / page": page.final_url, "yêu cầu / requests": len(page.requests)}
                              for page in pages[:MAX_ROWS_CHECKED]])
    if rows:
        affected = len({row["page"] for row in rows})
        return Finding.scored(1 - affected / len(pages), vi=f"{affected}/{len(pages)} trang tải nội dung qua HTTP",
                              en=f"{affected}/{len(pages)} pages load content over plain HTTP",
                              evidence=[Evidence(kind="table", label=Text(vi="Nội dung hỗn hợp", en="Mixed content"), value=rows),
                                        checked])
    return Finding.passed(vi=f"Không có nội dung hỗn hợp trên {len(pages)} trang HTTPS",
                          en=f"No mixed content on {len(pages)} HTTPS pages", evidence=[checked])


# --- security.disclosure -----------------------------------------------------------------------

class DisclosureParams(CheckParams):
    # Headers that must not name software with its version (or at all, for X-Powered-By & co).
    version_headers: list[str] = Field(default_factory=lambda: ["Server", "X-Powered-By", "X-AspNet-Version",
                                                                   "X-AspNetMvc-Version", "X-Generator"])
    always_disclosing: list[str] = Field(default_factory=lambda: ["X-Powered-By", "X-AspNet-Version", "X-AspNetMvc-Version"])
    version_pattern: Regex = r"\d+\.\d+"
    stack_trace_patterns: list[Regex] = Field(default_factory=lambda: [
        r"Traceback \(most recent call last\)", r"\bat [\w$.]+\([\w$]+\.java:\d+\)", r"Exception in thread ",
        r"Server Error in '.*' Application", r"Stack trace:", r"Fatal error: .* on line \d+",
        r"Warning: .* on line \d+", r"SQLSTATE\[", r"File \"[^\"]+\.py\", line \d+", r"\bat .+\.cs:line \d+",
        r"Whoops, looks like something went wrong"])
    # Of those, the ones that are a framework's own error screen, never a page's content: they count
    # on a page that answered 200 too (an exception caught and rendered, PHP's display_errors).
    error_screen_patterns: list[Regex] = Field(default_factory=lambda: [
        r"Server Error in '.*' Application", r"Fatal error: .* on line \d+", r"Warning: .* on line \d+",
        r"SQLSTATE\[", r"Whoops, looks like something went wrong"])
    verbose_error_penalty: float = 0.6
    version_penalty: float = 0.4


def responses(snapshot: Snapshot) -> list[tuple[str, int | None, list[tuple[str, str]], str]]:
    """(url, status, headers, body) of every page and probe."""
    rows = [(page.final_url, page.status, page.headers, page.html) for page in snapshot.pages]
    rows += [(probe.final_url or probe.url, probe.status, probe.headers, probe.body_excerpt) for probe in snapshot.probes]
    return rows


@check("security.disclosure")
def disclosure(snapshot: Snapshot, params: DisclosureParams) -> Finding:
    if not snapshot.pages:
        return Finding.error(vi="Không có trang nào được thu thập", en="No page was collected")
    version = re.compile(params.version_pattern)
    traces = [re.compile(pattern) for pattern in params.stack_trace_patterns]
    screens = [re.compile(pattern) for pattern in params.error_screen_patterns]
    disclosed: dict[str, dict[str, str]] = {}
    seen: dict[str, dict[str, Any]] = {}
    verbose: list[dict[str, Any]] = []
    read = responses(snapshot)
    for url, status, headers, body in read:
        for name in params.version_headers:
            value = single_value(headers, name)
            discloses = bool(value) and (name in params.always_disclosing or version.search(value) is not None)
            if value:
                seen.setdefault(f"{name}: {value}", {"header": name, "value": value, "url": url,
                                                     "lộ phiên bản / discloses": discloses})
            if value and discloses:
                disclosed.setdefault(f"{name}: {value}", {"header": name, "value": value, "url": url})
        if body:
            match = next((m for pattern in (traces if (status or 0) >= 400 else screens) if (m := pattern.search(body))),
                         None)
            if match:
                start = max(0, match.start() - 80)
                verbose.append({"url": url, "status": status, "excerpt": body[start:match.end() + 200]})
    for page in snapshot.pages:
        if page.html:
            generator = soup_of(page).find("meta", attrs={"name": re.compile("^generator$", re.IGNORECASE)})
            content = str(generator.get("content") or "") if generator else ""
            if content and version.search(content):
                disclosed.setdefault(f"generator: {content}", {"header": "<meta name=generator>", "value": content,
                                                               "url": page.final_url})
    evidence: list[Evidence] = []
    deductions = Deductions()
    if disclosed:
        deductions.add(params.version_penalty, f"lộ {len(disclosed)} thông tin phiên bản",
                       f"{len(disclosed)} software versions disclosed")
        evidence.append(Evidence(kind="table", label=Text(vi="Lộ phiên bản", en="Software versions disclosed"),
                                 value=list(disclosed.values())))
        evidence.append(Evidence(kind="code", label=Text(vi="Cấu hình máy chủ", en="Server configuration"),
                                 value="# nginx: server_tokens off;  Apache: ServerTokens Prod; ServerSignature Off\n"
                                       "# PHP: expose_php = Off;  remove X-Powered-By and <meta name=\"generator\">"))
    if verbose:
        deductions.add(params.verbose_error_penalty, f"{len(verbose)} trang lỗi hiện chi tiết (stack trace)",
                       f"{len(verbose)} error pages show stack traces")
        evidence.append(Evidence(kind="table", label=Text(vi="Trang lỗi chi tiết", en="Verbose error pages"), value=verbose))
    evidence.append(Evidence(kind="table", label=Text(vi="Tiêu đề đã kiểm tra", en="Headers checked"),
                             value=list(seen.values())[:MAX_ROWS_CHECKED]))
    evidence.append(Evidence(kind="value", label=Text(vi="Phản hồi đã đọc tìm lỗi chi tiết", en="Responses read for error details"),
                             value=len(read)))
    return deductions.finding(passed=("Không lộ phiên bản phần mềm hay lỗi chi tiết",
                                      "No software versions or verbose errors disclosed"), evidence=evidence)


# --- security.exposed_files --------------------------------------------------------------------

class ExposedFilesParams(CheckParams):
    # Paths probed (a handful of GETs) and the body pattern proving each one is really exposed;
    # a path with no pattern counts when it answers 200 with something other than an HTML page.
    paths: list[str] = Field(default_factory=lambda: ["/.git/HEAD", "/.env", "/phpinfo.php", "/backup.zip"])
    signatures: dict[str, Regex] = Field(default_factory=lambda: {
        # On a branch, or detached (an object id: SHA-1, or SHA-256 in newer repositories).
        "/.git/HEAD": r"^(ref: refs/|[0-9a-f]{40}\s*$|[0-9a-f]{64}\s*$)", "/.env": r"(?m)^[A-Z][A-Z0-9_]*=", "/phpinfo.php": r"phpinfo\(\)|PHP Version"})
    # Folders probed for a directory listing, besides those the home page loads assets from.
    listing_paths: list[str] = Field(default_factory=lambda: ["/uploads/"])
    listing_patterns: list[Regex] = Field(default_factory=lambda: [
        r"<title>\s*Index of /", r"Directory listing for /", r"<h1>\s*Index of /", r"\[To Parent Directory\]"])


def exposed(probe: HttpProbe, pattern: str | None) -> bool:
    if probe.status != 200:
        return False
    if pattern:
        return re.search(pattern, probe.body_excerpt) is not None
    return "html" not in (probe.header("content-type") or "").lower()


@check("security.exposed_files")
def exposed_files(snapshot: Snapshot, params: ExposedFilesParams) -> Finding:
    probes = [probe for path in params.paths if (probe := snapshot.probe(path_probe_name(path)))]
    if not probes:
        if "probes" in snapshot.gather_errors:
            return Finding.error(vi=f"Không thăm dò được: {snapshot.gather_errors['probes']}",
                                 en=f"Probes failed: {snapshot.gather_errors['probes']}")
        return Finding.needs_review(vi="Chưa thăm dò các tệp nhạy cảm", en="Sensitive paths were not probed")
    found = [{"path": path, "status": probe.status, "url": probe.url, "excerpt": probe.body_excerpt[:200]}
             for path in params.paths if (probe := snapshot.probe(path_probe_name(path)))
             and exposed(probe, params.signatures.get(path))]
    listing_probes = [probe for probe in snapshot.probes if probe.name.startswith(listing_probe_name(""))]
    listings = [{"path": probe.name.split(":", 1)[1], "status": probe.status, "url": probe.url,
                 "excerpt": probe.body_excerpt[:200]} for probe in listing_probes
                if probe.status == 200 and any(re.search(p, probe.body_excerpt, re.IGNORECASE) for p in params.listing_patterns)]
    checked = [{"path": probe.name.split(":", 1)[1], "status": probe.status if probe.status is not None else probe.error}
               for probe in probes + listing_probes]
    evidence = [Evidence(kind="table", label=Text(vi="Đường dẫn đã thăm dò", en="Paths probed"), value=checked)]
    if found or listings:
        evidence.append(Evidence(kind="table", label=Text(vi="Bị lộ", en="Exposed"), value=found + listings))
        names = ", ".join(row["path"] for row in found + listings)
        return Finding.failed(vi=f"Lộ tệp nhạy cảm hoặc danh sách thư mục: {names}",
                              en=f"Sensitive files or directory listings exposed: {names}", evidence=evidence)
    return Finding.passed(vi=f"Không lộ tệp nhạy cảm ({len(checked)} đường dẫn đã thăm dò)",
                          en=f"No sensitive file exposed ({len(checked)} paths probed)", evidence=evidence)


# --- security.vulnerable_libraries -------------------------------------------------------------

class VulnerableRange(BaseModel):
    below: str
    advisory: str
    from_: str | None = Field(default=None, alias="from")


class LibrarySignature(BaseModel):
    name: str
    url: list[str] = Field(default_factory=list)
    html: list[str] = Field(default_factory=list)
    fixed_in: str
    vulnerable: list[VulnerableRange]


@cache
def library_signatures() -> list[LibrarySignature]:
    text = resources.files("assessor.checks").joinpath("data/js_libraries.yaml").read_text(encoding="utf-8")
    return [LibrarySignature.model_validate(item) for item in yaml.safe_load(text)["libraries"]]


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version)[:3])


class VulnerableLibrariesParams(CheckParams):
    vulnerable_penalty: float = 1.0
    missing_sri_penalty: float = 0.5
    # Hosts whose scripts need no SRI: the national EMC tracker is inserted by the official
    # snippet every portal must carry, which sets no integrity (and the file may change).
    sri_exempt_hosts: list[str] = Field(default_factory=lambda: ["f-emc.ngsp.gov.vn"])


def detected_libraries(page: PageArtifact) -> list[tuple[LibrarySignature, str, str]]:
    """(library, version, where) seen on one page."""
    found: list[tuple[LibrarySignature, str, str]] = []
    scripts = [request.url for request in page.requests if request.resource_type == "script"]
    for library in library_signatures():
        for url in scripts:
            match = next((m for pattern in library.url if (m := re.search(pattern, url, re.IGNORECASE))), None)
            if match:
                found.append((library, match.group(1), url))
        for pattern in library.html:
            for match in re.finditer(pattern, page.html or ""):
                found.append((library, match.group(1), page.final_url))
    return found


def advisory_for(library: LibrarySignature, version: str) -> str | None:
    current = version_tuple(version)
    for vulnerable in library.vulnerable:
        lower = version_tuple(vulnerable.from_) if vulnerable.from_ else ()
        if lower <= current < version_tuple(vulnerable.below):
            return vulnerable.advisory
    return None


def third_party_script_tags(page: PageArtifact, exempt_hosts: list[str]) -> list[tuple[str, bool]]:
    """(src, has an integrity attribute) of each <script src> from another host, but those exempt."""
    if not page.html:
        return []
    own = host_of(page.final_url)
    found = []
    for script in soup_of(page).find_all("script", src=True):
        src = str(script["src"])
        host = host_of(src if "//" in src else "")
        if host and host != own and host not in exempt_hosts:
            found.append((src, bool(script.get("integrity"))))
    return found


def third_party_scripts(page: PageArtifact, exempt_hosts: list[str]) -> list[str]:
    return [src for src, _ in third_party_script_tags(page, exempt_hosts)]


def scripts_without_sri(page: PageArtifact, exempt_hosts: list[str]) -> list[str]:
    """Third-party <script src> (another host) without an integrity attribute."""
    return [src for src, with_integrity in third_party_script_tags(page, exempt_hosts) if not with_integrity]


@check("security.vulnerable_libraries")
def vulnerable_libraries(snapshot: Snapshot, params: VulnerableLibrariesParams) -> Finding:
    pages = snapshot.loaded_pages
    if not pages:
        return Finding.error(vi="Không có trang nào tải được", en="No page loaded")
    vulnerable: dict[str, dict[str, str]] = {}
    recognised: dict[str, dict[str, str]] = {}
    for page in pages:
        for library, version, where in detected_libraries(page):
            advisory = advisory_for(library, version)
            recognised.setdefault(f"{library.name} {version}", {"library": library.name, "version": version,
                                                                "advisory": advisory or "", "seen at": where})
            if advisory:
                vulnerable.setdefault(f"{library.name} {version}", {
                    "library": library.name, "version": version, "advisory": advisory,
                    "fixed in": library.fixed_in, "seen at": where})
    no_sri = list(dict.fromkeys(src for page in pages for src in scripts_without_sri(page, params.sri_exempt_hosts)))
    third_party = list(dict.fromkeys(src for page in pages for src in third_party_scripts(page, params.sri_exempt_hosts)))
    evidence: list[Evidence] = []
    deductions = Deductions()
    if vulnerable:
        deductions.add(params.vulnerable_penalty, f"thư viện có lỗ hổng: {', '.join(vulnerable)}",
                       f"vulnerable libraries: {', '.join(vulnerable)}")
        evidence.append(Evidence(kind="table", label=Text(vi="Thư viện có lỗ hổng", en="Vulnerable libraries"), value=list(vulnerable.values())))
    if no_sri:
        deductions.add(params.missing_sri_penalty, f"{len(no_sri)} script bên thứ ba thiếu SRI",
                       f"{len(no_sri)} third-party scripts without SRI")
        evidence.append(Evidence(kind="table", label=Text(vi="Script bên thứ ba thiếu SRI", en="Third-party scripts without SRI"), value=no_sri))
        evidence.append(Evidence(kind="code", label=Text(vi="Thêm integrity", en="Add integrity"),
                                 value=f'<script src="{no_sri[0]}" integrity="sha384-…" crossorigin="anonymous"></script>'))
    evidence.append(Evidence(kind="table", label=Text(vi="Thư viện nhận ra", en="Libraries recognised"),
                             value=list(recognised.values())[:MAX_ROWS_CHECKED]))
    evidence.append(Evidence(kind="table", label=Text(vi="Script bên thứ ba", en="Third-party scripts"),
                             value=[{"script": src, "SRI": src not in no_sri} for src in third_party[:MAX_ROWS_CHECKED]]))
    return deductions.finding(passed=("Không phát hiện thư viện JavaScript có lỗ hổng; script bên thứ ba có SRI",
                                      "No vulnerable JavaScript library found; third-party scripts use SRI"),
                              evidence=evidence)
