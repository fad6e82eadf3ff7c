"""Each defect flag changes what it should: the check passes on a portal with the flag and fails on the good one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from bs4 import BeautifulSoup

from assessor.sample_portal.server import SamplePortal

from .support import KNOWN_DOSSIER, PROCEDURE_CODE, client, running

Check = Callable[[SamplePortal, httpx.Client], None]
CASES: list[Any] = []


def case(**overrides: Any) -> Callable[[Check], Check]:
    def register(check: Check) -> Check:
        CASES.append(pytest.param(overrides, check, id=check.__name__))
        return check
    return register


def soup(http: httpx.Client, path: str, **kwargs: Any) -> BeautifulSoup:
    return BeautifulSoup(http.get(path, **kwargs).text, "html.parser")


def hrefs(page: BeautifulSoup) -> set[str]:
    return {a["href"] for a in page.find_all("a", href=True)}


# ------------------------------------------------------------------------------------------- function
@case(search_broken=True)
def search_finds_nothing(portal: SamplePortal, http: httpx.Client) -> None:
    page = soup(http, "/thu-tuc-hanh-chinh", params={"q": "khai sinh"})
    assert page.find(id="no-results") is not None and not page.select("table a")


@case(search_delay_ms=1000)
def search_answers_late(portal: SamplePortal, http: httpx.Client) -> None:
    http.get("/thu-tuc-hanh-chinh")  # open the connection first
    start = time.perf_counter()
    listing = soup(http, "/thu-tuc-hanh-chinh")
    unsearched = time.perf_counter() - start
    start = time.perf_counter()
    found = soup(http, "/thu-tuc-hanh-chinh", params={"q": "khai sinh"})
    assert time.perf_counter() - start >= 1.0 > unsearched
    assert listing.select("table a") and found.select("table a")  # late, not broken


@case(lookup_crashes=True)
def lookup_answers_500(portal: SamplePortal, http: httpx.Client) -> None:
    assert http.get("/tra-cuu-ho-so").status_code == 200
    response = http.get("/tra-cuu-ho-so", params={"ma_ho_so": KNOWN_DOSSIER})
    assert response.status_code == 500 and "Hệ thống đang gặp sự cố" in response.text


@case(missing_functions={"payment", "faq", "vneid"})
def missing_functions_are_unlinked_and_404(portal: SamplePortal, http: httpx.Client) -> None:
    links = hrefs(soup(http, "/"))
    assert "/thanh-toan-truc-tuyen" not in links and "/cau-hoi-thuong-gap" not in links
    for path in ("/thanh-toan-truc-tuyen", "/cau-hoi-thuong-gap", "/dang-nhap/vneid"):
        assert http.get(path).status_code == 404
    assert "Đăng nhập bằng VNeID" not in soup(http, "/dang-nhap").get_text()


@case(broken_entries={"lookup"})
def broken_entry_is_linked_but_404(portal: SamplePortal, http: httpx.Client) -> None:
    assert "/tra-cuu-ho-so" in hrefs(soup(http, "/"))
    assert http.get("/tra-cuu-ho-so").status_code == 404


@case(sparse_procedures=True)
def procedure_pages_lack_half_the_fields(portal: SamplePortal, http: httpx.Client) -> None:
    headings = {h.get_text() for h in soup(http, f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}").find_all("h2")}
    assert "Tên thủ tục" in headings
    missing = {"Trình tự thực hiện", "Thành phần hồ sơ", "Đối tượng thực hiện", "Kết quả thực hiện", "Phí, lệ phí",
               "Căn cứ pháp lý", "Biểu mẫu"}
    assert not headings & missing


@case(no_service_levels=True)
def no_service_level_labels(portal: SamplePortal, http: httpx.Client) -> None:
    text = soup(http, "/thu-tuc-hanh-chinh").get_text() + soup(http, f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}").get_text()
    for label in ("Toàn trình", "Một phần", "Mức độ 3", "Mức độ 4"):
        assert label not in text


@case(deep_navigation=True)
def functions_are_four_clicks_deep(portal: SamplePortal, http: httpx.Client) -> None:
    page, path = soup(http, "/"), "/"
    assert "/thu-tuc-hanh-chinh" not in hrefs(page) and "/tra-cuu-ho-so" not in hrefs(page)
    for step in ("/gioi-thieu", "/gioi-thieu/co-cau-to-chuc", "/gioi-thieu/co-cau-to-chuc/van-phong",
                 "/gioi-thieu/co-cau-to-chuc/van-phong/tien-ich"):
        assert step in hrefs(page), (path, step)
        page, path = soup(http, step), step
    assert {"/thu-tuc-hanh-chinh", "/tra-cuu-ho-so"} <= hrefs(page)


@case(broken_links=True)
def several_internal_links_are_broken(portal: SamplePortal, http: httpx.Client) -> None:
    internal = [h for h in hrefs(soup(http, "/")) if h.startswith("/")]
    broken = [h for h in internal if http.get(h).status_code == 404]
    assert len(broken) >= 4


@case(broken_images=True)
def some_images_are_broken(portal: SamplePortal, http: httpx.Client) -> None:
    sources = [img["src"] for img in soup(http, "/").find_all("img") if img["src"].startswith("/")]
    assert sum(http.get(src).status_code == 404 for src in sources) >= 2


@case(closed=True)
def every_page_redirects_to_the_national_portal(portal: SamplePortal, http: httpx.Client) -> None:
    for path in ("/", "/thu-tuc-hanh-chinh", "/static/css/site.css"):
        response = http.get(path)
        assert response.status_code == 302 and response.headers["location"] == "https://dichvucong.gov.vn/"


@case(closure_notice=True)
def home_shows_the_closure_notice(portal: SamplePortal, http: httpx.Client) -> None:
    assert "Cổng dịch vụ công tỉnh đã dừng hoạt động, mời truy cập Cổng Dịch vụ công quốc gia" in \
        soup(http, "/").get_text()


# --------------------------------------------------------------------------------------------- layout
@case(no_agency_header=True)
def header_without_agency(portal: SamplePortal, http: httpx.Client) -> None:
    header = soup(http, "/").find("header")
    assert header.find("img") is None and "LÂM HÀ" not in header.get_text()


@case(no_footer_contacts=True)
def footer_without_contacts(portal: SamplePortal, http: httpx.Client) -> None:
    footer = soup(http, "/").find("footer").get_text()
    assert "(0263) 3 822 123" not in footer and "vanphong@lamha.gov.vn" not in footer and "Số 1 đường" not in footer


@case(no_search_box=True)
def no_search_box(portal: SamplePortal, http: httpx.Client) -> None:
    page = soup(http, "/")
    assert page.find("input", {"type": "search"}) is None and page.find(attrs={"role": "search"}) is None


@case(no_breadcrumbs=True)
def no_breadcrumbs(portal: SamplePortal, http: httpx.Client) -> None:
    page = soup(http, f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}")
    assert page.find("nav", attrs={"aria-label": "Đường dẫn"}) is None and not page.select(".breadcrumbs")


@case(no_sitemap=True)
def no_sitemap(portal: SamplePortal, http: httpx.Client) -> None:
    assert "/so-do-cong" not in hrefs(soup(http, "/"))
    assert http.get("/so-do-cong").status_code == 404 and http.get("/sitemap.xml").status_code == 404


@case(no_english=True)
def no_english(portal: SamplePortal, http: httpx.Client) -> None:
    assert "/en" not in hrefs(soup(http, "/")) and http.get("/en").status_code == 404


@case(no_national_portal_link=True)
def no_national_portal_link(portal: SamplePortal, http: httpx.Client) -> None:
    assert not [h for h in hrefs(soup(http, "/")) if "dichvucong.gov.vn" in h]


@case(inconsistent_header=True)
def inner_pages_use_another_header(portal: SamplePortal, http: httpx.Client) -> None:
    assert soup(http, "/").select_one("header.site-header") is not None
    inner = soup(http, "/tra-cuu-ho-so")
    assert inner.select_one("header.site-header") is None and inner.select_one("header.alt-header") is not None


# ---------------------------------------------------------------------------------------- performance
@case(server_delay_ms=400)
def pages_are_delayed(portal: SamplePortal, http: httpx.Client) -> None:
    http.get("/static/css/site.css")  # open the connection first
    start = time.perf_counter()
    http.get("/static/css/site.css")
    static = time.perf_counter() - start
    start = time.perf_counter()
    http.get("/tra-cuu-ho-so")
    assert time.perf_counter() - start >= 0.4 > static


@case(theme="spa", api_delay_ms=1000)
def single_page_app_data_answers_late(portal: SamplePortal, http: httpx.Client) -> None:
    http.get("/static/css/site.css")  # open the connection first
    start = time.perf_counter()
    shell = http.get("/")
    shell_s = time.perf_counter() - start
    start = time.perf_counter()
    site = http.get("/api/site")
    assert time.perf_counter() - start >= 1.0 > shell_s
    assert 'id="app"' in shell.text and site.json()["nav"]  # late, not broken


@case(theme="spa", hash_routes=True)
def pages_live_in_the_fragment(portal: SamplePortal, http: httpx.Client) -> None:
    home = http.get("/")
    assert home.status_code == 200 and 'id="app"' in home.text
    # Its pages live in the fragment, which no server sees: a page's path is nothing here.
    assert http.get("/thu-tuc-hanh-chinh").status_code == 404
    assert http.get("/api/site").json()["hash_routes"] is True
    assert f"<loc>{portal.url}#/thu-tuc-hanh-chinh</loc>" in http.get("/sitemap.xml").text


@case(heavy_images=True)
def home_carries_megabytes_of_images(portal: SamplePortal, http: httpx.Client) -> None:
    sources = [img["src"] for img in soup(http, "/").find_all("img") if img["src"].startswith("/")]
    assert sum(len(http.get(src).content) for src in sources) > 3_000_000


@case(long_task_ms=500)
def page_runs_a_long_task(portal: SamplePortal, http: httpx.Client) -> None:
    assert soup(http, "/").body["data-long-task"] == "500"
    assert "while (Date.now() < end)" in http.get("/static/js/site.js").text


@case(layout_shift=True)
def page_inserts_a_late_banner(portal: SamplePortal, http: httpx.Client) -> None:
    assert soup(http, "/").body["data-layout-shift"] == "1"


@case(errors_under_load=2, server_delay_ms=300)
def overload_answers_503(portal: SamplePortal, http: httpx.Client) -> None:
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: client(portal).get("/thong-ke").status_code, range(8)))
    assert 503 in statuses and 200 in statuses


# ------------------------------------------------------------------------------------------- security
@case(http_redirect=False)
def plain_http_serves_the_site(portal: SamplePortal, http: httpx.Client) -> None:
    response = httpx.get(portal.http_url)
    assert response.status_code == 200 and "Lâm Hà" in response.text
    assert "strict-transport-security" not in response.headers


@case(weak_headers=True)
def no_security_headers(portal: SamplePortal, http: httpx.Client) -> None:
    headers = http.get("/").headers
    for name in ("strict-transport-security", "content-security-policy", "x-frame-options",
                 "x-content-type-options", "referrer-policy", "permissions-policy", "cross-origin-opener-policy",
                 "cross-origin-resource-policy"):
        assert name not in headers, name


@case(unsafe_csp=True)
def csp_allows_inline_and_eval(portal: SamplePortal, http: httpx.Client) -> None:
    csp = http.get("/").headers["content-security-policy"]
    assert "'unsafe-inline'" in csp and "'unsafe-eval'" in csp


@case(insecure_cookies=True)
def session_cookie_without_flags(portal: SamplePortal, http: httpx.Client) -> None:
    cookie = http.get("/").headers["set-cookie"]
    assert cookie.startswith("DVCSESSID=")
    assert "Secure" not in cookie and "HttpOnly" not in cookie and "SameSite" not in cookie


@case(version_disclosure=True)
def versions_are_disclosed(portal: SamplePortal, http: httpx.Client) -> None:
    response = http.get("/")
    assert response.headers["server"] == "Apache/2.4.29 (Ubuntu)"
    assert response.headers["x-powered-by"] == "PHP/5.6.40"
    assert BeautifulSoup(response.text, "html.parser").find("meta", attrs={"name": "generator"})["content"] == \
        "Joomla! 3.4"


@case(exposed_files=True)
def sensitive_files_are_served(portal: SamplePortal, http: httpx.Client) -> None:
    assert http.get("/.git/HEAD").text.startswith("ref: refs/heads/")
    assert "DB_PASSWORD=" in http.get("/.env").text
    assert http.get("/backup.zip").content[:2] == b"PK"
    assert "PHP Version 5.6.40" in http.get("/phpinfo.php").text


@case(directory_listing=True)
def uploads_are_listed(portal: SamplePortal, http: httpx.Client) -> None:
    response = http.get("/uploads/")
    assert response.status_code == 200 and "Index of /uploads" in response.text


@case(verbose_errors=True, lookup_crashes=True)
def errors_show_a_stack_trace(portal: SamplePortal, http: httpx.Client) -> None:
    missing = http.get("/khong-ton-tai")
    assert missing.status_code == 404 and "Traceback (most recent call last)" in missing.text
    crash = http.get("/tra-cuu-ho-so", params={"ma_ho_so": "X"})
    assert crash.status_code == 500 and "psycopg2.OperationalError" in crash.text


@case(outdated_js=True)
def outdated_jquery_is_included(portal: SamplePortal, http: httpx.Client) -> None:
    src = "/static/js/jquery-1.12.4.min.js"
    assert soup(http, "/").find("script", src=src) is not None
    body = http.get(src).text
    assert body.startswith("/*! jQuery v1.12.4") and 'jQuery.fn.jquery="1.12.4"' in body


@case(no_sri=True)
def third_party_script_without_integrity(portal: SamplePortal, http: httpx.Client) -> None:
    tag = soup(http, "/").find("script", src="https://cdn.sample.test/libs/lamha-widgets.js")
    assert tag is not None and not tag.has_attr("integrity")


@case(mixed_content=True)
def image_over_plain_http(portal: SamplePortal, http: httpx.Client) -> None:
    assert [img for img in soup(http, "/").find_all("img") if img["src"].startswith("http://")]


# -------------------------------------------------------------------------------------- accessibility
@case(missing_alt=True)
def images_without_alt(portal: SamplePortal, http: httpx.Client) -> None:
    images = soup(http, "/").find_all("img")
    assert images and all(not img.has_attr("alt") for img in images)


@case(low_contrast=True)
def low_contrast_text(portal: SamplePortal, http: httpx.Client) -> None:
    assert "d-low-contrast" in soup(http, "/").body["class"]
    assert ".d-low-contrast p" in http.get("/static/css/site.css").text


@case(no_lang=True)
def no_lang_attribute(portal: SamplePortal, http: httpx.Client) -> None:
    assert not soup(http, "/").html.has_attr("lang")


@case(no_skip_link=True)
def no_skip_link(portal: SamplePortal, http: httpx.Client) -> None:
    assert not [a for a in soup(http, "/").find_all("a", href=True) if a["href"].startswith("#")]


@case(unlabeled_inputs=True)
def inputs_without_labels(portal: SamplePortal, http: httpx.Client) -> None:
    page = soup(http, "/tra-cuu-ho-so")
    assert page.find("input", attrs={"name": "ma_ho_so"}) is not None and page.find("label") is None


@case(no_focus_style=True)
def focus_outline_removed(portal: SamplePortal, http: httpx.Client) -> None:
    assert "d-no-focus" in soup(http, "/").body["class"]


@case(fixed_width=True)
def fixed_page_width(portal: SamplePortal, http: httpx.Client) -> None:
    assert "d-fixed-width" in soup(http, "/").body["class"]
    assert ".d-fixed-width { min-width: 1200px; }" in http.get("/static/css/site.css").text


@case(clipped_on_zoom=True)
def menu_links_of_a_fixed_height(portal: SamplePortal, http: httpx.Client) -> None:
    assert "d-clipped-on-zoom" in soup(http, "/").body["class"]
    assert ".d-clipped-on-zoom .main-nav a { box-sizing: content-box; height: 24px;" in http.get("/static/css/site.css").text


# ------------------------------------------------------------------------------------------------ emc
@case(emc="absent")
def emc_snippet_absent(portal: SamplePortal, http: httpx.Client) -> None:
    assert "_govaq" not in http.get("/").text


@case(emc="no_site_id")
def emc_without_site_id(portal: SamplePortal, http: httpx.Client) -> None:
    text = http.get("/").text
    assert "https://f-emc.ngsp.gov.vn/tracking" in text and "setSiteId" not in text


@case(emc="wrong_host")
def emc_tracker_on_wrong_host(portal: SamplePortal, http: httpx.Client) -> None:
    text = http.get("/").text
    assert "'https://cdn.sample.test/tracking'" in text and "f-emc.ngsp.gov.vn/tracking" not in text


@case(emc="home_only")
def emc_only_on_home(portal: SamplePortal, http: httpx.Client) -> None:
    assert "_govaq" in http.get("/").text
    assert "_govaq" not in http.get(f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}").text


@case(emc_variant="http")
def emc_over_http(portal: SamplePortal, http: httpx.Client) -> None:
    text = http.get("/").text
    assert "'http://f-emc.ngsp.gov.vn/tracking'" in text and "'http://f-emc.ngsp.gov.vn/embed/" in text


@case(emc_variant="minified")
def emc_minified(portal: SamplePortal, http: httpx.Client) -> None:
    script = next(s.string for s in soup(http, "/").find_all("script") if s.string and "_govaq" in s.string)
    assert "\n" not in script.strip() and "var _govaq=window._govaq||[];" in script


@case(emc_variant="commented")
def emc_commented_out(portal: SamplePortal, http: httpx.Client) -> None:
    text = http.get("/").text
    assert "setTrackerUrl" in text
    assert not [s for s in BeautifulSoup(text, "html.parser").find_all("script") if "_govaq" in (s.string or "")]


@case(emc_badge=False)
def no_emc_badge(portal: SamplePortal, http: httpx.Client) -> None:
    page = soup(http, "/")
    assert page.find(id="btnEMC") is None and "Đã kết nối EMC" not in page.get_text()


@case(emc_track_dvc=False)
def no_track_dvc(portal: SamplePortal, http: httpx.Client) -> None:
    text = http.get(f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}").text
    assert "_govaq" in text and "trackDVC" not in text


# ---------------------------------------------------------------------------------------------- tests
@pytest.fixture(scope="module")
def good_portal() -> Iterator[SamplePortal]:
    with running("good") as (portal, _):
        yield portal


@pytest.mark.parametrize("overrides, check", CASES)
def test_flag_changes_behaviour(overrides: dict[str, Any], check: Check, good_portal: SamplePortal,
                                start_portal, portal_client) -> None:
    portal = start_portal("good", **overrides)
    check(portal, portal_client(portal))
    with client(good_portal) as http, pytest.raises((AssertionError, KeyError, TypeError, StopIteration)):
        check(good_portal, http)


def test_every_flag_has_a_case() -> None:
    from assessor.sample_portal.profile import FLAGS
    covered = {name for param in CASES for name in param.values[0]}
    assert set(FLAGS) - covered - {"theme"} == set()  # themes have their own tests
