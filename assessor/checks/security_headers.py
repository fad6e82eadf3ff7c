"""Security headers, scored like the MDN HTTP Observatory.

One analyzer per header, each a pure function of the response headers that names a *result*
(the Observatory's result ids, e.g. `csp-implemented-with-unsafe-inline`). What a result is worth
lives apart from the analyzers, in data/observatory.yaml, with the algorithm version stamped on
every finding. Scoring: start at the base (100), subtract the penalties, add the bonuses only when
the score is still at least 90, never below 0 (MDN's two rounds); our own extra tests (source
`assessor`) are added after that, so the MDN part stays equal to the Observatory's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import yaml
from bs4 import Tag
from pydantic import BaseModel, Field

from assessor.artifacts.page import HeaderList, PageArtifact, header_values
from assessor.checks.common import soup_of
from assessor.checks.registry import CheckParams, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot


class ResultEntry(BaseModel):
    modifier: int
    vi: str = ""
    en: str = ""


class HeaderTest(BaseModel):
    header: str
    source: str
    add: str
    results: dict[str, ResultEntry]


class ScoreTable(BaseModel):
    algorithm: str
    base: int
    bonus_threshold: int
    tests: dict[str, HeaderTest]


@cache
def score_table() -> ScoreTable:
    text = resources.files("assessor.checks").joinpath("data/observatory.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    for test in data["tests"].values():
        test["results"] = {
            name: entry if isinstance(entry, dict) else {"modifier": entry} for name, entry in test["results"].items()
        }
    return ScoreTable.model_validate(data)


@dataclass(frozen=True)
class ResponseContext:
    """What the analyzers need besides the headers."""

    headers: HeaderList
    https: bool
    certificate_valid: bool
    # Policies the page sets in <meta http-equiv="Content-Security-Policy">: the browser enforces
    # them too, and the Observatory reads them.
    meta_policies: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outcome:
    result: str
    # Something worth fixing that costs no points (e.g. HSTS without includeSubDomains).
    note: Text | None = None
    # What is wrong, when the result's own words in the table do not fit the case.
    reason: Text | None = None
    # The header line that fixes it, when it is not the table's for this header ("": no line to
    # add, the fix is to send one fewer).
    fix: str | None = None


Analyzer = Callable[[ResponseContext], Outcome]
ANALYZERS: dict[str, Analyzer] = {}


def analyzer(test: str) -> Callable[[Analyzer], Analyzer]:
    def register(function: Analyzer) -> Analyzer:
        ANALYZERS[test] = function
        return function

    return register


# --- Content-Security-Policy -------------------------------------------------------------------

DIRECTIVE_NAME = re.compile(r"^[a-z0-9-]+$")
SOURCE_TOKEN = re.compile(r"^[\x21-\x7e]+$")
# The Observatory's source classes (mdn-http-observatory src/analyzer/tests/csp.js).
DANGEROUSLY_BROAD = {"ftp:", "http:", "https:", "*", "http://*", "http://*.*", "https://*", "https://*.*"}
UNSAFE_INLINE = {"'unsafe-inline'", "data:"}
PASSIVE_DIRECTIVES = ("img-src", "media-src")
NONCES_HASHES = ("'nonce-", "'sha256-", "'sha384-", "'sha512-")


class MalformedHeader(ValueError):
    pass


def parse_csp(value: str) -> dict[str, list[str]]:
    """One serialized policy -> directive name -> source tokens (lower-cased). A repeated
    directive is ignored, as browsers do; a directive that is not a directive is malformed."""
    policy: dict[str, list[str]] = {}
    for part in value.split(";"):
        tokens = part.strip().split()
        if not tokens:
            continue
        name = tokens[0].lower()
        if not DIRECTIVE_NAME.match(name) or any(not SOURCE_TOKEN.match(token) for token in tokens[1:]):
            raise MalformedHeader(f"bad directive: {part.strip()!r}")
        policy.setdefault(name, [token.lower() for token in tokens[1:]])
    if not policy:
        raise MalformedHeader("empty policy")
    return policy


def csp_policies(headers: HeaderList) -> list[dict[str, list[str]]]:
    """Every policy sent (several headers, or comma-joined policies); raises on a malformed one."""
    return [parse_csp(policy) for value in header_values(headers, "content-security-policy")
            for policy in value.split(",") if policy.strip()]


# What a <meta> policy cannot do, so browsers (and the Observatory's parseCspMeta) leave it out.
HEADER_ONLY_DIRECTIVES = ("frame-ancestors", "report-uri", "sandbox")


def meta_csp_policies(meta_policies: tuple[str, ...]) -> list[dict[str, list[str]]]:
    policies = []
    for value in meta_policies:
        for text in value.split(","):
            if text.strip():
                policy = {name: sources for name, sources in parse_csp(text).items()
                          if name not in HEADER_ONLY_DIRECTIVES}
                if policy:
                    policies.append(policy)
    return policies


def meta_policies_of(html: Tag) -> tuple[str, ...]:
    return tuple(str(meta.get("content") or "") for meta in html.find_all("meta", attrs={"http-equiv": True})
                 if str(meta["http-equiv"]).strip().lower() == "content-security-policy" and meta.get("content"))


def effective(policy: dict[str, list[str]], directive: str) -> set[str]:
    """The sources that apply: the directive's, else default-src's, else anything (*)."""
    return set(policy.get(directive, policy.get("default-src", ["*"])))


def without_neutralised_sources(sources: set[str], script: bool) -> set[str]:
    """A nonce or hash makes browsers ignore 'unsafe-inline'; with 'strict-dynamic' also scheme,
    host and 'self' sources (CSP level 3)."""
    if not any(source.startswith(NONCES_HASHES) for source in sources):
        if script and "'strict-dynamic'" in sources:
            raise MalformedHeader("'strict-dynamic' without a nonce or hash")
        return sources
    kept = sources - {"'unsafe-inline'"}
    if script and "'strict-dynamic'" in kept:
        kept = {s for s in kept if s != "'self'" and not any(s.startswith(broad) for broad in DANGEROUSLY_BROAD)}
    return kept


def _insecure(sources: set[str]) -> bool:
    return any(source.startswith(("http:", "ftp:")) for source in sources)


def csp_result(policy: dict[str, list[str]]) -> str:
    """The Observatory's CSP verdict for one policy (an https page), worst first."""
    script = without_neutralised_sources(effective(policy, "script-src"), script=True)
    style = without_neutralised_sources(effective(policy, "style-src"), script=False)
    objects = effective(policy, "object-src")
    active = {source for name, sources in policy.items() if name not in PASSIVE_DIRECTIVES + ("script-src",)
              for source in sources} | script
    passive = {source for name in PASSIVE_DIRECTIVES for source in policy.get(name, policy.get("default-src", []))}
    if script & (DANGEROUSLY_BROAD | UNSAFE_INLINE) or objects & DANGEROUSLY_BROAD:
        return "csp-implemented-with-unsafe-inline"
    if _insecure(active):
        return "csp-implemented-with-insecure-scheme"
    if "'unsafe-eval'" in script | style:
        return "csp-implemented-with-unsafe-eval"
    if _insecure(passive):
        return "csp-implemented-with-insecure-scheme-in-passive-content-only"
    if style & (DANGEROUSLY_BROAD | UNSAFE_INLINE):
        return "csp-implemented-with-unsafe-inline-in-style-src-only"
    if policy.get("default-src") == ["'none'"]:
        return "csp-implemented-with-no-unsafe-default-src-none"
    return "csp-implemented-with-no-unsafe"


@analyzer("content-security-policy")
def content_security_policy(response: ResponseContext) -> Outcome:
    try:
        policies = csp_policies(response.headers)
        frame_policies = list(policies)  # frame-ancestors: from a header only
        policies += meta_csp_policies(response.meta_policies)
        if not policies:
            return Outcome("csp-not-implemented")
        # Browsers enforce every policy sent, so the strictest one decides.
        modifiers = score_table().tests["content-security-policy"].results
        best = max((csp_result(policy) for policy in policies), key=lambda result: modifiers[result].modifier)
    except MalformedHeader:
        return Outcome("csp-header-invalid")
    note = None
    if not any("frame-ancestors" in policy for policy in frame_policies):
        note = Text(vi="CSP chưa có frame-ancestors", en="CSP has no frame-ancestors directive")
    return Outcome(best, note)


# --- Strict-Transport-Security -----------------------------------------------------------------

# MDN's table says 15768000 s; its analyzer accepts 15552000 (180 days), which many sites send.
SIX_MONTHS_S = 15552000
HSTS_DIRECTIVE = re.compile(r'^([A-Za-z][A-Za-z0-9-]*)\s*(?:=\s*("?)([^";]*)\2)?$')


def parse_hsts(value: str) -> dict[str, str | None]:
    directives: dict[str, str | None] = {}
    for part in value.split(";"):
        part = part.strip()
        if not part:
            continue
        match = HSTS_DIRECTIVE.match(part)
        if not match or match.group(1).lower() in directives:
            raise MalformedHeader(f"bad directive: {part!r}")
        directives[match.group(1).lower()] = match.group(3) if "=" in part else None
    max_age = directives.get("max-age")
    if max_age is None or not max_age.isdigit():
        raise MalformedHeader("max-age missing or not a number")
    return directives


@analyzer("strict-transport-security")
def strict_transport_security(response: ResponseContext) -> Outcome:
    if not response.https:
        return Outcome("hsts-not-implemented-no-https")
    if not response.certificate_valid:
        return Outcome("hsts-invalid-cert")
    values = header_values(response.headers, "strict-transport-security")
    if not values:
        return Outcome("hsts-not-implemented")
    # Sent twice (or comma-joined) is malformed for the Observatory, whatever browsers make of it
    # (they use the first): its penalty stands, and the reason is said as it is.
    times = sum(1 + value.count(",") for value in values)
    if times > 1:
        return Outcome("hsts-header-invalid", reason=Text(
            vi=f"tiêu đề được gửi {times} lần (trình duyệt dùng lần đầu; MDN Observatory coi là sai dạng): chỉ gửi một lần",
            en=f"header sent {times} times (browsers use the first; the MDN Observatory counts it as malformed): "
               "send it once"), fix="")
    try:
        directives = parse_hsts(values[0])
    except MalformedHeader:
        return Outcome("hsts-header-invalid")
    note = None
    if "includesubdomains" not in directives:
        note = Text(vi="HSTS chưa có includeSubDomains", en="HSTS lacks includeSubDomains")
    if int(directives["max-age"] or 0) < SIX_MONTHS_S:
        return Outcome("hsts-implemented-max-age-less-than-six-months", note)
    return Outcome("hsts-implemented-max-age-at-least-six-months", note)


# --- Framing, sniffing, referrer, CORP, CORS, Permissions-Policy, COOP --------------------------

def single_value(headers: HeaderList, name: str) -> str | None:
    """The header's value, with identical repeats (`DENY, DENY`) folded into one."""
    values = [part.strip() for value in header_values(headers, name) for part in value.split(",")]
    values = [value for value in values if value]
    if not values:
        return None if not header_values(headers, name) else ""
    return values[0] if len({value.lower() for value in values}) == 1 else ", ".join(values)


def keyword_outcome(response: ResponseContext, header: str, keywords: dict[str, str], missing: str, invalid: str) -> Outcome:
    """For headers whose value is one keyword (parameters after ';' ignored)."""
    value = single_value(response.headers, header)
    if value is None:
        return Outcome(missing)
    return Outcome(keywords.get(value.split(";")[0].strip().lower(), invalid))


# frame-ancestors sources that let any site frame the page.
ANY_ANCESTOR = {"*", "https:", "http:", "https://*", "http://*", "data:", "blob:"}


@analyzer("x-frame-options")
def x_frame_options(response: ResponseContext) -> Outcome:
    try:
        ancestors = [policy["frame-ancestors"] for policy in csp_policies(response.headers) if "frame-ancestors" in policy]
    except MalformedHeader:
        ancestors = []
    if ancestors:
        if all(set(sources) & ANY_ANCESTOR for sources in ancestors):  # every policy lets any site frame it
            return Outcome("x-frame-options-implemented-via-csp", note=Text(
                vi="frame-ancestors * cho phép mọi trang web nhúng cổng (khi đó trình duyệt bỏ qua X-Frame-Options); "
                   "MDN Observatory vẫn tính là có bảo vệ",
                en="frame-ancestors * lets any site frame the portal (browsers then ignore X-Frame-Options); the "
                   "MDN Observatory still counts it"),
                fix="Content-Security-Policy: ...; frame-ancestors 'self'")
        return Outcome("x-frame-options-implemented-via-csp")
    if re.match(r"^ALLOW-FROM\s+\S+$", single_value(response.headers, "x-frame-options") or "", re.IGNORECASE):
        return Outcome("x-frame-options-allow-from-origin")
    return keyword_outcome(response, "x-frame-options",
                           dict.fromkeys(("deny", "sameorigin"), "x-frame-options-sameorigin-or-deny"),
                           "x-frame-options-not-implemented", "x-frame-options-header-invalid")


@analyzer("x-content-type-options")
def x_content_type_options(response: ResponseContext) -> Outcome:
    return keyword_outcome(response, "x-content-type-options", {"nosniff": "x-content-type-options-nosniff"},
                           "x-content-type-options-not-implemented", "x-content-type-options-header-invalid")


PRIVATE_REFERRER = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}
UNSAFE_REFERRER = {"origin", "origin-when-cross-origin", "unsafe-url", "no-referrer-when-downgrade"}


@analyzer("referrer-policy")
def referrer_policy(response: ResponseContext) -> Outcome:
    values = header_values(response.headers, "referrer-policy")
    if not values:
        return Outcome("referrer-policy-not-implemented")
    tokens = [token.strip().lower() for value in values for token in value.split(",")]
    # Browsers use the last token they recognise.
    known = [token for token in tokens if token in PRIVATE_REFERRER | UNSAFE_REFERRER]
    if not known:
        return Outcome("referrer-policy-header-invalid")
    return Outcome("referrer-policy-private" if known[-1] in PRIVATE_REFERRER else "referrer-policy-unsafe")


@analyzer("cross-origin-resource-policy")
def cross_origin_resource_policy(response: ResponseContext) -> Outcome:
    keywords = {"same-origin": "corp-implemented-with-same-origin", "same-site": "corp-implemented-with-same-site",
                "cross-origin": "corp-implemented-with-cross-origin"}
    return keyword_outcome(response, "cross-origin-resource-policy", keywords, "corp-not-implemented", "corp-header-invalid")


@analyzer("cross-origin-resource-sharing")
def cross_origin_resource_sharing(response: ResponseContext) -> Outcome:
    origin = single_value(response.headers, "access-control-allow-origin")
    credentials = (single_value(response.headers, "access-control-allow-credentials") or "").lower() == "true"
    if origin is None:
        return Outcome("cross-origin-resource-sharing-not-implemented")
    if origin == "*":
        return Outcome("cross-origin-resource-sharing-implemented-with-universal-access" if credentials
                       else "cross-origin-resource-sharing-implemented-with-public-access")
    return Outcome("cross-origin-resource-sharing-implemented-with-restricted-access")


# A structured-field dictionary member: feature=(allowlist) | feature=* | feature=self
PERMISSION_ITEM = re.compile(r'^[a-z][a-z0-9-]*=(\*|self|\(\s*((self|src|\*|"[^"]*")\s*)*\))$')


@analyzer("permissions-policy")
def permissions_policy(response: ResponseContext) -> Outcome:
    values = header_values(response.headers, "permissions-policy")
    if not values:
        return Outcome("permissions-policy-not-implemented")
    items = [item.strip() for value in values for item in value.split(",")]
    if not items or any(not PERMISSION_ITEM.match(item) for item in items):
        return Outcome("permissions-policy-header-invalid")
    return Outcome("permissions-policy-implemented")


@analyzer("cross-origin-opener-policy")
def cross_origin_opener_policy(response: ResponseContext) -> Outcome:
    keywords = {**dict.fromkeys(("same-origin", "same-origin-allow-popups", "noopener-allow-popups"),
                                "coop-implemented-with-same-origin"), "unsafe-none": "coop-implemented-unsafe-none"}
    outcome = keyword_outcome(response, "cross-origin-opener-policy", keywords, "coop-not-implemented", "coop-header-invalid")
    if outcome.result == "coop-implemented-unsafe-none":
        return Outcome(outcome.result, Text(vi="COOP unsafe-none không cô lập cửa sổ", en="COOP unsafe-none isolates nothing"))
    return outcome


# --- Scoring -----------------------------------------------------------------------------------

class HeaderVerdict(BaseModel):
    test: str
    header: str
    received: str | None
    result: str
    modifier: int
    source: str
    problem: Text | None = None
    add: str | None = None


class HeaderScore(BaseModel):
    algorithm: str
    # The MDN Observatory's score for the same headers (MDN tests only, two rounds).
    observatory_score: int
    score: int
    verdicts: list[HeaderVerdict] = Field(default_factory=list)


def observatory_rounds(modifiers: list[int], base: int, threshold: int) -> int:
    score = base + sum(modifier for modifier in modifiers if modifier < 0)
    if score >= threshold:
        score += sum(modifier for modifier in modifiers if modifier > 0)
    return max(0, score)


def score_headers(response: ResponseContext, skip: list[str] | None = None) -> HeaderScore:
    table = score_table()
    verdicts: list[HeaderVerdict] = []
    for test, spec in table.tests.items():
        if test in (skip or []):
            continue
        outcome = ANALYZERS[test](response)
        entry = spec.results[outcome.result]
        problem = outcome.reason or (Text(vi=entry.vi, en=entry.en) if entry.modifier < 0 and entry.en else outcome.note)
        received = ", ".join(header_values(response.headers, spec.header))
        if test == "content-security-policy" and response.meta_policies:
            received = "; ".join(filter(None, [received, *(f"<meta> {value}" for value in response.meta_policies)]))
        verdicts.append(HeaderVerdict(
            test=test, header=spec.header, received=received or None,
            result=outcome.result, modifier=entry.modifier, source=spec.source, problem=problem,
            add=(spec.add if outcome.fix is None else outcome.fix or None) if problem is not None else None,
        ))
    mdn = observatory_rounds([v.modifier for v in verdicts if v.source == "mdn"], table.base, table.bonus_threshold)
    extra = sum(v.modifier for v in verdicts if v.source != "mdn")
    return HeaderScore(algorithm=table.algorithm, observatory_score=mdn, score=max(0, mdn + extra), verdicts=verdicts)


def score_arithmetic(result: HeaderScore) -> str:
    """`MDN: 100 − 45 = 55 (+5 not added ...); assessor: −10 → 45/100`: the Observatory's two
    rounds, then our own tests, so that the score can be checked against the table."""
    table = score_table()
    mdn = [verdict.modifier for verdict in result.verdicts if verdict.source == "mdn"]
    penalties, bonuses = -sum(m for m in mdn if m < 0), sum(m for m in mdn if m > 0)
    said = f"MDN: {table.base} − {penalties}"
    if bonuses and table.base - penalties >= table.bonus_threshold:
        said += f" + {bonuses}"
    said += f" = {result.observatory_score}"
    if bonuses and table.base - penalties < table.bonus_threshold:
        said += (f" (+{bonuses} chưa cộng: chỉ cộng khi từ {table.bonus_threshold} / not added: bonuses count from "
                 f"{table.bonus_threshold})")
    extra = sum(verdict.modifier for verdict in result.verdicts if verdict.source != "mdn")
    if extra:
        said += f"; assessor: {extra:+d}".replace("-", "−")
    return f"{said} → {result.score}/100"


class HeadersParams(CheckParams):
    # The header score that earns every point; the fraction is score / full_score.
    full_score: int = 100
    # Observatory tests to leave out (by test id, e.g. "cross-origin-resource-policy").
    skip_tests: list[str] = Field(default_factory=list)


def header_evidence(result: HeaderScore, url: str) -> list[Evidence]:
    rows: list[dict[str, Any]] = [
        {"header": v.header, "received": v.received or "—", "result": v.result, "modifier": v.modifier,
         "nguồn / source": "MDN" if v.source == "mdn" else v.source,
         "problem / vấn đề": v.problem or ""}
        for v in result.verdicts
    ]
    evidence = [
        Evidence(kind="value", label=Text(vi="Điểm tiêu đề", en="Header score"), value=f"{result.score}/100",
                 url=url),
        Evidence(kind="value", label="MDN Observatory score", value=result.observatory_score),
        Evidence(kind="value", label=Text(vi="Cách tính", en="How it adds up"), value=score_arithmetic(result)),
        Evidence(kind="table", label=Text(vi="Tiêu đề nhận được", en="Headers as received"), value=rows),
    ]
    for verdict in result.verdicts:
        if verdict.received is not None and verdict.problem is not None:
            evidence.append(Evidence(kind="header", label=Text(vi=f"{verdict.header}: {verdict.problem.vi}", en=f"{verdict.header}: {verdict.problem.en}"),
                                     value=verdict.received, url=url))
    lines = [v.add for v in result.verdicts if v.add]
    if lines:
        evidence.append(Evidence(kind="code", label=Text(vi="Tiêu đề cần thêm", en="Header lines to add"), value="\n".join(lines)))
    evidence.append(Evidence(kind="note", label=Text(vi="Thuật toán", en="Algorithm"), value=result.algorithm))
    return evidence


# Headers that protect each page on its own (framing, scripts, sniffing, transport): a page of the
# portal without one the home page sends is a gap the home page's score does not show.
PAGE_HEADERS = ("Content-Security-Policy", "Strict-Transport-Security", "X-Frame-Options", "X-Content-Type-Options")


def pages_lacking_home_headers(snapshot: Snapshot, home: PageArtifact) -> tuple[list[dict[str, str]], int]:
    """The portal's other pages (on the home page's host, answered without error) that lack a
    protective header the home page sends, with what they lack; and how many pages were compared."""
    sent = [name for name in PAGE_HEADERS if header_values(home.headers, name)]
    host = urlsplit(home.final_url).hostname
    others = [page for page in snapshot.pages
              if page is not home and page.ok and urlsplit(page.final_url).hostname == host]
    rows = []
    for page in others:
        missing = [name for name in sent if not header_values(page.headers, name)]
        if missing:
            rows.append({"trang / page": page.final_url, "thiếu / missing": ", ".join(missing)})
    return rows, len(others)


@check("security.headers")
def security_headers(snapshot: Snapshot, params: HeadersParams) -> Finding:
    home = snapshot.home
    if home is None or home.status is None:
        return Finding.error(vi="Không nhận được phản hồi của trang chủ để đọc tiêu đề",
                             en="No response from the home page to read headers from")
    response = ResponseContext(headers=home.headers, https=home.final_url.startswith("https://"),
                               certificate_valid=snapshot.certificate_error is None,
                               meta_policies=meta_policies_of(soup_of(home)) if home.html else ())
    result = score_headers(response, params.skip_tests)
    fraction = min(result.score, params.full_score) / params.full_score
    problems = [v for v in result.verdicts if v.problem is not None]
    evidence = header_evidence(result, home.final_url)
    lacking, compared = pages_lacking_home_headers(snapshot, home)
    elsewhere_vi = elsewhere_en = ""
    if lacking:
        evidence.append(Evidence(kind="table", label=Text(vi="Trang thiếu tiêu đề trang chủ có",
                                                          en="Pages lacking the home page's headers"), value=lacking))
        elsewhere_vi = (f"; {len(lacking)}/{compared} trang khác của cổng thiếu tiêu đề mà trang chủ có (chấm theo "
                        "trang chủ, như MDN Observatory chấm một URL)")
        elsewhere_en = (f"; {len(lacking)}/{compared} pages of the portal lack headers the home page sends (judged on "
                        "the home page, as the MDN Observatory judges one URL)")
    if not problems:
        return Finding.scored(fraction, vi=f"Tiêu đề bảo mật đầy đủ ({result.score} điểm){elsewhere_vi}",
                              en=f"Security headers complete (score {result.score}){elsewhere_en}", evidence=evidence)
    names = ", ".join(dict.fromkeys(v.header for v in problems))
    if fraction >= 1:  # the bonuses cover what is missing: nothing is wrong, something could be better
        return Finding.scored(fraction, vi=f"Tiêu đề bảo mật {result.score}/100 (đủ điểm); nên thêm: {names}{elsewhere_vi}",
                              en=f"Security headers score {result.score}/100 (full marks); worth adding too: "
                                 f"{names}{elsewhere_en}", evidence=evidence)
    return Finding.scored(fraction, vi=f"Tiêu đề bảo mật {result.score}/100; cần sửa: {names}{elsewhere_vi}",
                          en=f"Security headers score {result.score}/100; to fix: {names}{elsewhere_en}",
                          evidence=evidence)
