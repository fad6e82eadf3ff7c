"""EMC checks on snapshots built in code: every outcome of every check, and the snippet variants
of DOMAIN.md (https or http, minified, comment-wrapped, commented out)."""

from __future__ import annotations

import pytest

from assessor.artifacts.function import FunctionFacts, SampledPage
from assessor.artifacts.page import NetworkRequest
from assessor.checks.registry import get_check
from assessor.model import Finding, Status
from tests.builders import BASE_URL, make_snapshot, page, params_of

TRACKER = "https://f-emc.ngsp.gov.vn/tracking"
SCRIPT = "https://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js"


def snippet(site_id: str | None = "1234", tracker: str = TRACKER, script: str = SCRIPT, extra: str = "") -> str:
    site = f"_govaq.push(['setSiteId', '{site_id}']);" if site_id is not None else ""
    return f"""<script>
var _govaq = window._govaq || [];
_govaq.push(['trackPageView']);
_govaq.push(['enableLinkTracking']);
(function () {{
  _govaq.push(['setTrackerUrl', '{tracker}']);
  {site}
  var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];
  g.src = '{script}'; s.parentNode.insertBefore(g, s);
}})();{extra}
</script>"""


MINIFIED = (
    '<script>var _govaq=window._govaq||[];_govaq.push(["trackPageView"]);_govaq.push(["enableLinkTracking"]);'
    '(function(){_govaq.push(["setTrackerUrl","http://f-emc.ngsp.gov.vn/tracking"]);_govaq.push(["setSiteId",987]);'
    'var d=document,g=d.createElement("script");g.src="http://f-emc.ngsp.gov.vn/embed/gov-tracking.min.js";})();</script>'
)
BADGE = '<a id="btnEMC" href="https://f-emc.ngsp.gov.vn/"><img src="/emc.svg" alt="Đã kết nối EMC"></a>'
PROCEDURE_BODY = (
    "<h2>Trình tự thực hiện</h2><h2>Thành phần hồ sơ</h2><h2>Thời hạn giải quyết</h2><h2>Căn cứ pháp lý</h2>"
)


def html(head: str = "", body: str = "") -> str:
    return f"<html lang='vi'><head><title>Cổng DVC</title>{head}</head><body>{body}</body></html>"


def hits(url: str, site_id: str = "1234", tracker: str = TRACKER, script: str = SCRIPT) -> list[NetworkRequest]:
    return [
        NetworkRequest(url=url, resource_type="document", status=200),
        NetworkRequest(url=script, resource_type="script", status=200),
        NetworkRequest(url=f"{tracker}?idsite={site_id}&action=pageview&url={url}", resource_type="image", status=204),
    ]


def run(check_id: str, snapshot) -> Finding:
    return get_check(check_id).function(snapshot, params_of(check_id))


def connected_page(url: str = BASE_URL, body: str = BADGE, depth: int = 0, **kwargs) -> object:
    return page(url, html(snippet(**kwargs), body), requests=hits(url), depth=depth)


# ----------------------------------------------------------------------------- emc.snippet
@pytest.mark.parametrize(
    "head", [snippet(), MINIFIED, f"<!-- Begin EMC Tracking Code -->{snippet()}<!-- End EMC Tracking Code -->"]
)
def test_snippet_found_in_every_accepted_form(head: str) -> None:
    finding = run("emc.snippet", make_snapshot(page(BASE_URL, html(head))))
    assert finding.status == Status.PASS
    assert "_govaq" in finding.evidence[0].value


def test_snippet_loaded_from_another_file_counts_from_the_network_log() -> None:
    finding = run("emc.snippet", make_snapshot(page(BASE_URL, html(), requests=hits(BASE_URL))))
    assert finding.status == Status.PASS
    assert finding.evidence[0].url == SCRIPT


def test_commented_out_snippet_earns_partial_credit() -> None:
    finding = run("emc.snippet", make_snapshot(page(BASE_URL, html(f"<!--\n{snippet()}\n-->"))))
    assert finding.status == Status.PARTIAL
    assert finding.fraction == pytest.approx(0.25)


@pytest.mark.parametrize("script_type", ["text/plain", "text/x-template"])
def test_a_snippet_the_browser_does_not_run_earns_the_same_partial_credit(script_type: str) -> None:
    """Parked as a script of another type (a cookie-consent manager's, run only once a visitor
    accepts): no hit is sent, as with a snippet in a comment; and no page counts as covered."""
    parked = snippet().replace("<script>", f'<script type="{script_type}" data-category="analytics">')
    snapshot = make_snapshot(page(BASE_URL, html(parked)))
    finding = run("emc.snippet", snapshot)
    assert (finding.status, finding.fraction) == (Status.PARTIAL, pytest.approx(0.25))
    assert script_type in finding.message.en
    assert run("emc.configuration", snapshot).status == Status.FAIL
    modules = make_snapshot(page(BASE_URL, html(snippet().replace("<script>", '<script type="text/javascript">'))))
    assert run("emc.snippet", modules).status == Status.PASS


def test_a_mention_in_a_javascript_comment_is_no_snippet() -> None:
    todo = "<script>/* TODO: gắn mã EMC (_govaq) khi có site id */ var a = 1; // _govaq sau\n</script>"
    finding = run("emc.snippet", make_snapshot(page(BASE_URL, html(todo))))
    assert (finding.status, finding.fraction) == (Status.PARTIAL, pytest.approx(0.25))
    assert "comment" in finding.message.en


def test_no_snippet_fails_and_no_page_is_an_error() -> None:
    assert run("emc.snippet", make_snapshot(page(BASE_URL, html("<script>var ga = 1;</script>")))).status == Status.FAIL
    assert run("emc.snippet", make_snapshot()).status == Status.ERROR


# ----------------------------------------------------------------------------- emc.configuration
def test_configuration_passes_with_numeric_site_id_and_the_emc_tracker() -> None:
    finding = run("emc.configuration", make_snapshot(page(BASE_URL, html(snippet()))))
    assert finding.status == Status.PASS
    assert finding.evidence[0].value == "1234"


def test_minified_http_variant_is_accepted_with_a_note() -> None:
    finding = run("emc.configuration", make_snapshot(page(BASE_URL, html(MINIFIED))))
    assert finding.status == Status.PASS
    assert finding.evidence[0].value == "987"
    assert any(e.kind == "note" and "http://" in e.label_in("vi") and "http://" in e.label_in("en") for e in finding.evidence)


@pytest.mark.parametrize(
    "kwargs, missing",
    [
        ({"site_id": None}, "site id"),
        ({"site_id": "abc"}, "site id"),
        ({"tracker": "https://cdn.sample.test/tracking"}, "tracker URL"),
    ],
)
def test_configuration_is_partial_when_one_half_is_wrong(kwargs: dict, missing: str) -> None:
    finding = run("emc.configuration", make_snapshot(page(BASE_URL, html(snippet(**kwargs)))))
    assert finding.status == Status.PARTIAL and finding.fraction == 0.5
    assert missing in finding.message.en


def test_configuration_fails_without_a_running_snippet() -> None:
    finding = run("emc.configuration", make_snapshot(page(BASE_URL, html(f"<!-- {snippet()} -->"))))
    assert finding.status == Status.FAIL
    both_wrong = run(
        "emc.configuration", make_snapshot(page(BASE_URL, html(snippet(site_id=None, tracker="https://x.test/t"))))
    )
    assert both_wrong.status == Status.FAIL


# ----------------------------------------------------------------------------- emc.hits
def test_hits_pass_when_script_loaded_and_hit_sent() -> None:
    finding = run("emc.hits", make_snapshot(connected_page()))
    assert finding.status == Status.PASS
    assert finding.evidence[2].value == 1
    assert finding.evidence[0].value[0]["yêu cầu / request"].startswith(TRACKER)


def test_hits_to_another_host_or_without_site_id_do_not_count() -> None:
    wrong_host = page(BASE_URL, html(snippet()), requests=hits(BASE_URL, tracker="https://cdn.sample.test/tracking"))
    no_site = page(BASE_URL, html(snippet()), requests=hits(BASE_URL, site_id=""))
    for snapshot in (make_snapshot(wrong_host), make_snapshot(no_site)):
        finding = run("emc.hits", snapshot)
        assert finding.status == Status.PARTIAL and finding.fraction == 0.5
        assert "no valid tracking hit" in finding.message.en


def test_failed_requests_are_not_hits() -> None:
    requests = [
        NetworkRequest(url=SCRIPT, status=None, failure="net::ERR_BLOCKED_BY_CLIENT"),
        NetworkRequest(url=f"{TRACKER}?idsite=1234", failure="net::ERR_CONNECTION_REFUSED"),
    ]
    finding = run("emc.hits", make_snapshot(page(BASE_URL, html(snippet()), requests=requests)))
    assert finding.status == Status.FAIL
    assert run("emc.hits", make_snapshot()).status == Status.ERROR


def test_hits_the_tracker_answered_with_an_error_are_not_hits() -> None:
    """Every hit answered 500 by the tracker: EMC recorded nothing, and the check said 12 were sent."""
    refused = [request.model_copy(update={"status": 500}) if request.url.startswith(TRACKER) else request
               for request in hits(BASE_URL)]
    finding = run("emc.hits", make_snapshot(page(BASE_URL, html(snippet()), requests=refused)))
    assert (finding.status, finding.fraction) == (Status.PARTIAL, 0.5)
    assert "no valid tracking hit" in finding.message.en


# ----------------------------------------------------------------------------- emc.coverage
def test_coverage_lists_pages_without_emc_by_page_type() -> None:
    home = connected_page()
    procedure = page(f"{BASE_URL}thu-tuc/1", html(body=PROCEDURE_BODY), depth=1)
    lookup = connected_page(f"{BASE_URL}tra-cuu-ho-so", depth=1)
    lookup2 = page(f"{BASE_URL}tra-cuu-ho-so?ma=1", html(), depth=1)
    finding = run("emc.coverage", make_snapshot(home, procedure, lookup, lookup2))
    assert finding.status == Status.PARTIAL
    # home 1, procedure 0, lookup 1/2 -> (1 + 0 + 0.5) / 3
    assert finding.fraction == pytest.approx(0.5)
    missing = [row[0] for row in finding.evidence[1].value]
    assert missing == [procedure.final_url, lookup2.final_url]


def test_coverage_passes_on_every_page_and_fails_on_none() -> None:
    everywhere = make_snapshot(connected_page(), connected_page(f"{BASE_URL}tra-cuu-ho-so", depth=1))
    assert run("emc.coverage", everywhere).status == Status.PASS
    nowhere = make_snapshot(page(BASE_URL, html()), page(f"{BASE_URL}en", html(), depth=1))
    assert run("emc.coverage", nowhere).status == Status.FAIL
    assert run("emc.coverage", make_snapshot()).status == Status.ERROR


# ----------------------------------------------------------------------------- emc.badge
def test_badge_on_home_passes_inner_only_partial_hidden_or_absent_fails() -> None:
    assert run("emc.badge", make_snapshot(page(BASE_URL, html(body=BADGE)))).status == Status.PASS
    by_text = page(BASE_URL, html(body="<span>Đã kết nối EMC</span>"))
    assert run("emc.badge", make_snapshot(by_text)).status == Status.PASS
    inner = make_snapshot(page(BASE_URL, html()), page(f"{BASE_URL}gioi-thieu", html(body=BADGE), depth=1))
    finding = run("emc.badge", inner)
    assert finding.status == Status.PARTIAL and finding.fraction == 0.5
    hidden = page(BASE_URL, html(body=f'<div style="display: none">{BADGE}</div>'))
    assert run("emc.badge", make_snapshot(hidden)).status == Status.FAIL
    assert run("emc.badge", make_snapshot()).status == Status.ERROR


def test_a_badge_the_pages_css_hides_is_not_shown() -> None:
    """Hidden by a class (`d-none`) the badge is in the HTML like a shown one: the browser's list
    of what it did not render says otherwise."""
    body = f'<main><p>Xin chào</p></main><footer><div class="d-none">{BADGE}</div><p>Liên hệ</p></footer>'
    hidden = page(BASE_URL, html(body=body), hidden_roots=["html > body:nth-child(2) > footer:nth-child(2) > div:nth-child(1)"])
    finding = run("emc.badge", make_snapshot(hidden))
    assert finding.status == Status.FAIL
    # A path that leads to another element (the paragraph beside it) hides only that one.
    beside = page(BASE_URL, html(body=body), hidden_roots=["html > body:nth-child(2) > footer:nth-child(2) > p:nth-child(2)"])
    assert run("emc.badge", make_snapshot(beside)).status == Status.PASS
    # A path that does not parse, or leads nowhere (the page changed after its HTML was read), hides nothing.
    astray = page(BASE_URL, html(body=body), hidden_roots=["html > body:nth-child(9) > div:nth-child(1)", "html >> ("])
    assert run("emc.badge", make_snapshot(astray)).status == Status.PASS


# ----------------------------------------------------------------------------- emc.track_dvc
def test_track_dvc_on_procedure_pages() -> None:
    dvc = "<script>_govaq.push(['trackDVC', '1.001193', 'Đăng ký khai sinh', 'xem']);</script>"
    with_dvc = page(f"{BASE_URL}thu-tuc/1", html(snippet(), PROCEDURE_BODY + dvc), depth=1)
    without = page(f"{BASE_URL}thu-tuc/2", html(snippet(), PROCEDURE_BODY), depth=1)
    commented = page(f"{BASE_URL}thu-tuc/3", html(snippet(), PROCEDURE_BODY + f"<!-- {dvc} -->"), depth=1)
    assert run("emc.track_dvc", make_snapshot(page(), with_dvc)).status == Status.PASS
    partial = run("emc.track_dvc", make_snapshot(page(), with_dvc, without, commented))
    assert partial.status == Status.PARTIAL and partial.fraction == pytest.approx(1 / 3)
    # Whether each page pushes it: a yes or no the report says in its reader's language.
    assert [row["trackDVC"] for row in partial.evidence[0].value] == [True, False, False]
    assert run("emc.track_dvc", make_snapshot(page(), without)).status == Status.FAIL
    assert run("emc.track_dvc", make_snapshot(page())).status == Status.NOT_APPLICABLE


def test_code_in_a_comment_of_a_running_snippet_does_nothing() -> None:
    """A trackDVC line commented out in a snippet that runs was counted as pushing it."""
    commented = ("<script>var _govaq = window._govaq || []; _govaq.push(['trackPageView']);\n"
                 "// _govaq.push(['trackDVC', '1.001193', 'Đăng ký khai sinh', 'xem']);\n"
                 "/* _govaq.push(['setSiteId', '9999']); */</script>")
    procedure = page(f"{BASE_URL}thu-tuc/1", html(snippet(), PROCEDURE_BODY + commented), depth=1)
    assert run("emc.track_dvc", make_snapshot(page(), procedure)).status == Status.FAIL
    configuration = run("emc.configuration", make_snapshot(page(BASE_URL, html(snippet() + commented))))
    assert "9999" not in str([e.value for e in configuration.evidence])


def test_track_dvc_is_judged_on_procedure_pages_the_functions_gatherer_opened() -> None:
    """On a real portal procedure pages lie two clicks deep: the crawl's budget often reaches none,
    and the gatherer opens a sample of them to read their fields. Those count here too; a sample
    recorded before the pages' HTML was kept (no html) does not."""
    dvc = "<script>_govaq.push(['trackDVC', '1.001193', 'Đăng ký khai sinh', 'xem']);</script>"

    def sampled(number: int, body: str) -> SampledPage:
        url = f"{BASE_URL}thu-tuc/{number}"
        return SampledPage(url=url, final_url=url, status=200, html=html(snippet(), PROCEDURE_BODY + body))

    opened = make_snapshot(page(), functions=FunctionFacts(procedures=[sampled(1, dvc), sampled(2, "")]))
    finding = run("emc.track_dvc", opened)
    assert (finding.status, finding.fraction) == (Status.PARTIAL, 0.5)
    assert "1/2 procedure pages" in finding.message.en


def test_track_dvc_says_whether_its_hits_were_seen_leaving_the_pages() -> None:
    """"7/7 pages send trackDVC to EMC" above a table of 0 hits on 5 of them: the pages push the
    event in their code; its hit, sent once the tracker has loaded, was seen leaving 2."""
    url = f"{BASE_URL}thu-tuc/1"
    dvc = "<script>_govaq.push(['trackDVC', '1.001193', 'Đăng ký khai sinh', 'xem']);</script>"
    dvc_hit = NetworkRequest(url=f"{TRACKER}?idsite=1234&action=dvc&code=1.001193", resource_type="image", status=204)
    seen = page(url, html(snippet(), PROCEDURE_BODY + dvc), requests=[*hits(url), dvc_hit], depth=1)
    unseen = page(f"{BASE_URL}thu-tuc/2", html(snippet(), PROCEDURE_BODY + dvc), depth=1)
    finding = run("emc.track_dvc", make_snapshot(page(), seen, unseen))
    assert finding.status == Status.PASS
    assert finding.message.vi == "2/2 trang thủ tục có lệnh gửi trackDVC tới EMC; thấy lượt gửi rời trang trên 1 trang."
    assert finding.message.en == "2/2 procedure pages push trackDVC to EMC; its hit was seen leaving 1 of them."
    older = make_snapshot(page(), functions=FunctionFacts(procedures=[SampledPage(url=f"{BASE_URL}thu-tuc/1")]))
    assert run("emc.track_dvc", older).status == Status.NOT_APPLICABLE


def test_track_dvc_pushed_by_a_bundled_script_is_seen_in_its_hit() -> None:
    url = f"{BASE_URL}thu-tuc/1"
    dvc_hit = NetworkRequest(url=f"{TRACKER}?idsite=1234&action=dvc&code=1.001193", resource_type="image", status=204)
    bundled = page(url, html(snippet(), PROCEDURE_BODY), requests=[*hits(url), dvc_hit], depth=1)
    finding = run("emc.track_dvc", make_snapshot(page(), bundled))
    assert finding.status == Status.PASS
    assert finding.evidence[0].value[0]["lượt gửi trackDVC thấy được / trackDVC hits seen"] == 1
    pageviews_only = page(url, html(snippet(), PROCEDURE_BODY), requests=hits(url), depth=1)
    assert run("emc.track_dvc", make_snapshot(page(), pageviews_only)).status == Status.FAIL
