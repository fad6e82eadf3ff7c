"""The good profile over real HTTPS: pages, headers, functions, login, host routing."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from bs4 import BeautifulSoup

from assessor.sample_portal.profile import PROFILES, resolve_profile
from assessor.sample_portal.server import TEST_PASSWORD, TEST_USERNAME, SamplePortal

from .support import KNOWN_DOSSIER, PROCEDURE_CODE, client, running


@pytest.fixture(scope="module")
def good() -> Iterator[tuple[SamplePortal, httpx.Client]]:
    with running("good") as pair:
        yield pair


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_named_profile_starts_and_serves_home(name: str, start_portal, portal_client) -> None:
    portal = start_portal(name, server_delay_ms=0)
    response = portal_client(portal).get("/")
    if name == "closed":
        assert response.status_code == 302
        assert response.headers["location"] == "https://dichvucong.gov.vn/"
    else:
        assert response.status_code == 200
        assert "Lâm Hà" in response.text
    assert portal.url.startswith("https://127.0.0.1:")
    assert portal.http_url.startswith("http://127.0.0.1:")
    port = portal.url.rstrip("/").rsplit(":", 1)[1]
    assert portal.resolve == {h: f"127.0.0.1:{port}" for h in ("f-emc.ngsp.gov.vn", "dichvucong.gov.vn",
                                                                 "cdn.sample.test")}
    assert portal.ca_cert_path.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert portal.requests_seen == 1


def test_home_has_the_expected_layout(good) -> None:
    _, http = good
    page = soup(http.get("/"))
    assert page.html["lang"] == "vi"
    assert page.find("img", alt="Quốc huy") is not None
    assert "Văn phòng UBND tỉnh Lâm Hà".upper() in page.get_text()
    assert page.find("nav") is not None
    assert page.find("input", {"type": "search"}) is not None
    assert page.select_one("a.skip-link")["href"] == "#noi-dung"
    footer = page.find("footer").get_text(" ")
    assert "(0263) 3 822 123" in footer and "vanphong@lamha.gov.vn" in footer and "tỉnh Lâm Hà" in footer
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert {"https://dichvucong.gov.vn", "/en", "/so-do-cong", "/thu-tuc-hanh-chinh", "/tra-cuu-ho-so"} <= hrefs
    badge = page.find("a", id="btnEMC")
    assert badge is not None and "Đã kết nối EMC" in badge.get_text()
    assert "<!-- Begin EMC Tracking Code -->" in str(page)


def test_every_internal_link_and_image_of_key_pages_resolves(good) -> None:
    _, http = good
    seen: set[str] = set()
    for path in ("/", "/thu-tuc-hanh-chinh", f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}", "/so-do-cong"):
        page = soup(http.get(path))
        targets = [a["href"] for a in page.find_all("a", href=True)] + [i["src"] for i in page.find_all("img")]
        for target in targets:
            if target.startswith("/") and not target.startswith("//") and target not in seen:
                seen.add(target)
                assert http.get(target).status_code in (200, 302, 303), target
    assert len(seen) > 30


def test_good_security_headers_and_cookie(good) -> None:
    portal, _ = good
    with client(portal) as fresh:  # no session cookie yet, so the portal sets one
        response = fresh.get("/")
    h = response.headers
    assert h["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    csp = h["content-security-policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "https://f-emc.ngsp.gov.vn" in csp and "'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    scripts = soup(response).find_all("script", src=False)
    assert scripts and all(s.get("nonce") == nonce for s in scripts)  # every inline script is allowed by the CSP
    assert h["x-frame-options"] == "DENY"
    assert h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in h["permissions-policy"]
    assert h["cross-origin-opener-policy"] == "same-origin"
    assert h["cross-origin-resource-policy"] == "same-origin"
    assert "server" not in h and "x-powered-by" not in h
    assert soup(response).find("meta", attrs={"name": "generator"}) is None
    cookie = h["set-cookie"]
    assert cookie.startswith("DVCSESSID=") and "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_http_listener_redirects_to_https(good) -> None:
    portal, _ = good
    response = httpx.get(portal.http_url + "tra-cuu-ho-so?ma_ho_so=x")
    assert response.status_code == 301
    assert response.headers["location"] == portal.url + "tra-cuu-ho-so?ma_ho_so=x"


def test_clean_404_page(good) -> None:
    _, http = good
    response = http.get("/khong-ton-tai")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text
    assert "Traceback" not in response.text
    for path in ("/.git/HEAD", "/.env", "/backup.zip", "/phpinfo.php", "/uploads/", "/static/js/jquery-1.12.4.min.js"):
        assert http.get(path).status_code == 404, path


@pytest.mark.parametrize("query", ["đăng ký khai sinh", "dang ky khai sinh", "DANG KY KHAI SINH", "khai sinh"])
def test_search_matches_with_and_without_diacritics(good, query: str) -> None:
    _, http = good
    page = soup(http.get("/thu-tuc-hanh-chinh", params={"q": query}))
    names = [a.get_text() for a in page.select("table a")]
    assert "Đăng ký khai sinh" in names


def test_catalogue_filters_pagination_and_levels(good) -> None:
    _, http = good
    first = soup(http.get("/thu-tuc-hanh-chinh"))
    assert "Tìm thấy 44 thủ tục" in first.get_text()
    assert len(first.select("table tbody tr")) == 10
    pager = [a["href"] for a in first.select("nav.pager a")]
    assert len(pager) == 5
    fifth = soup(http.get(pager[-1]))
    assert len(fifth.select("table tbody tr")) == 4
    text = first.get_text() + fifth.get_text()
    assert "Toàn trình" in text and "Một phần" in text
    all_text = "".join(soup(http.get(href)).get_text() for href in pager)
    assert "Mức độ 3" in all_text and "Mức độ 4" in all_text
    health = soup(http.get("/thu-tuc-hanh-chinh", params={"co_quan": "so-y-te"}))
    agencies = {row.find_all("td")[3].get_text() for row in health.select("table tbody tr")}
    assert agencies == {"Sở Y tế"}
    partial = soup(http.get("/thu-tuc-hanh-chinh", params={"muc_do": "mot-phan"}))
    levels = {row.find_all("td")[4].get_text() for row in partial.select("table tbody tr")}
    assert levels <= {"Một phần", "Mức độ 3"} and levels


def test_procedure_detail_has_every_section(good) -> None:
    _, http = good
    response = http.get(f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}")
    page = soup(response)
    headings = {h2.get_text() for h2 in page.find_all("h2")}
    for label in ("Tên thủ tục", "Trình tự thực hiện", "Cách thức thực hiện", "Thành phần hồ sơ",
                  "Thời hạn giải quyết", "Đối tượng thực hiện", "Cơ quan thực hiện", "Kết quả thực hiện",
                  "Phí, lệ phí", "Căn cứ pháp lý", "Biểu mẫu"):
        assert label in headings, label
    assert "Toàn trình" in page.get_text()
    assert page.find("a", id="btn-nop-ho-so").get_text() == "Nộp hồ sơ trực tuyến"
    form = page.find("a", href=f"/bieu-mau/{PROCEDURE_CODE}.docx")
    download = http.get(form["href"])
    assert download.status_code == 200 and download.content[:2] == b"PK"
    assert f"_govaq.push(['trackDVC', \"{PROCEDURE_CODE}\"" in response.text
    assert [a.get_text() for a in page.select("nav.breadcrumbs a")] == ["Trang chủ", "Thủ tục hành chính"]


def test_dossier_lookup_known_and_unknown(good) -> None:
    _, http = good
    page = soup(http.get("/tra-cuu-ho-so"))
    label = page.find("label", attrs={"for": "lookup-form-ma_ho_so"})
    assert label is not None and "*" in label.get_text()
    assert page.find("input", attrs={"name": "ma_ho_so"}).has_attr("required")
    unknown = http.get("/tra-cuu-ho-so", params={"ma_ho_so": "H35.99-000000-0000"})
    assert unknown.status_code == 200 and "Không tìm thấy hồ sơ" in unknown.text
    known = soup(http.get("/tra-cuu-ho-so", params={"ma_ho_so": KNOWN_DOSSIER}))
    assert "Đã trả kết quả" in known.find(id="lookup-result").get_text()


def test_function_pages_exist(good) -> None:
    _, http = good
    expectations = {
        "/thanh-toan-truc-tuyen": "Nền tảng thanh toán",
        "/phan-anh-kien-nghi": "Nội dung phản ánh",
        "/danh-gia-hai-long": "Mức độ hài lòng",
        "/thong-ke": "Tỷ lệ đúng hạn",
        "/huong-dan-su-dung": "Hướng dẫn sử dụng",
        "/cau-hoi-thuong-gap": "Câu hỏi thường gặp",
        "/tro-ly-ao": "Trợ lý ảo",
        "/so-do-cong": "Sơ đồ cổng",
        "/en": "Lam Ha Province Public Service Portal",
    }
    for path, text in expectations.items():
        response = http.get(path)
        assert response.status_code == 200 and text in response.text, path
    assert soup(http.get("/en")).html["lang"] == "en"
    login = soup(http.get("/dang-nhap")).get_text()
    assert "Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia" in login and "Đăng nhập bằng VNeID" in login
    sent = http.post("/phan-anh-kien-nghi", data={"ho_ten": "A", "email": "a@b.vn", "tieu_de": "t", "noi_dung": "n"})
    assert sent.status_code == 200 and "Cảm ơn bạn đã gửi phản ánh" in sent.text


def test_login_flow_and_logged_in_pages() -> None:
    with running("good") as (portal, http):
        entry = http.get("/nop-ho-so-truc-tuyen")
        assert entry.status_code == 302 and entry.headers["location"].startswith("/dang-nhap?next=")
        wrong = http.post("/dang-nhap", data={"username": TEST_USERNAME, "password": "sai"})
        assert wrong.status_code == 200 and "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
        ok = http.post("/dang-nhap?next=/nop-ho-so-truc-tuyen",
                       data={"username": TEST_USERNAME, "password": TEST_PASSWORD})
        assert ok.status_code == 303 and ok.headers["location"] == "/nop-ho-so-truc-tuyen"
        assert "Secure" in ok.headers["set-cookie"] and "HttpOnly" in ok.headers["set-cookie"]
        dossiers = soup(http.get("/ca-nhan/ho-so"))
        assert dossiers.find("span", id="user-name").get_text() == "Nguyễn Văn Thử"
        assert "Đăng xuất" in dossiers.get_text() and KNOWN_DOSSIER in dossiers.get_text()
        form = soup(http.get(f"/ca-nhan/nop-ho-so/{PROCEDURE_CODE}")).find("form", id="submit-dossier")
        assert form["enctype"] == "multipart/form-data"
        assert form.find("input", {"type": "file"}).has_attr("required")
        for field in form.find_all(["input", "select", "textarea"]):
            assert form.find("label", attrs={"for": field["id"]}) is not None, field["id"]
        http.get("/dang-xuat")
        assert http.get("/ca-nhan/ho-so").status_code == 302
        assert portal.requests_seen == 7


def test_host_routing_to_the_stand_ins(good) -> None:
    portal, http = good
    script = http.get("/embed/gov-tracking.min.js", headers={"Host": "f-emc.ngsp.gov.vn"})
    assert script.status_code == 200 and "_govaq" in script.text
    before = len(portal.emc_hits)
    hit = http.get("/tracking", params={"idsite": "1234", "action": "pageview", "url": portal.url},
                   headers={"Host": "f-emc.ngsp.gov.vn"})
    assert hit.status_code == 200 and hit.headers["content-type"] == "image/gif" and hit.content[:3] == b"GIF"
    assert len(portal.emc_hits) == before + 1
    assert portal.emc_hits[-1]["params"] == {"idsite": "1234", "action": "pageview", "url": portal.url}
    assert isinstance(portal.emc_hits[-1]["time"], float)
    national = http.get("/", headers={"Host": "dichvucong.gov.vn"})
    assert "Cổng Dịch vụ công Quốc gia" in national.text
    cdn = http.get("/libs/lamha-widgets.js", headers={"Host": "cdn.sample.test"})
    assert cdn.status_code == 200 and cdn.headers["access-control-allow-origin"] == "*"
    home = soup(http.get("/"))
    tag = home.find("script", src="https://cdn.sample.test/libs/lamha-widgets.js")
    assert tag["integrity"] == portal.cdn_script_integrity and tag["crossorigin"] == "anonymous"
    assert portal.cdn_script_integrity == "sha384-" + base64.b64encode(hashlib.sha384(cdn.content).digest()).decode()


def test_modern_theme_uses_other_paths_and_markup() -> None:
    with running("modern") as (portal, http):
        assert portal.paths.lookup == "/dich-vu-cong/tra-cuu-ho-so"
        home = soup(http.get("/"))
        assert home.select_one("aside.m-sidebar nav") is not None
        assert home.select_one("button.m-hamburger[aria-controls]") is not None
        assert home.select_one("nav.main-nav") is None
        hrefs = {a["href"] for a in home.find_all("a", href=True)}
        assert "/dich-vu-cong/thu-tuc" in hrefs and "/thu-tuc-hanh-chinh" not in hrefs
        assert http.get("/thu-tuc-hanh-chinh").status_code == 404
        found = soup(http.get("/dich-vu-cong/thu-tuc", params={"q": "ket hon"}))
        assert "Đăng ký kết hôn" in [a.get_text() for a in found.select("table a")]
        lookup = http.get("/dich-vu-cong/tra-cuu-ho-so", params={"ma_ho_so": KNOWN_DOSSIER})
        assert "Đã trả kết quả" in lookup.text


def test_load_counter_counts_concurrent_requests() -> None:
    with SamplePortal(resolve_profile("good")) as portal:
        with client(portal) as http, ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda _: http.get("/thong-ke").status_code, range(64)))
        assert statuses == [200] * 64
        assert portal.requests_seen == 64


def test_head_requests_answer_like_get(good) -> None:
    _, http = good
    head = http.head("/thu-tuc-hanh-chinh")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 1000


def test_chromium_args_map_the_stand_in_hosts_and_pin_the_leaf_key(good) -> None:
    portal, _ = good
    port = portal.url.rstrip("/").rsplit(":", 1)[1]
    rules, spki = portal.chromium_args()
    assert rules == ("--host-resolver-rules=MAP f-emc.ngsp.gov.vn:443 127.0.0.1:{0}, "
                     "MAP dichvucong.gov.vn:443 127.0.0.1:{0}, MAP cdn.sample.test:443 127.0.0.1:{0}").format(port)
    assert spki == f"--ignore-certificate-errors-spki-list={portal.leaf_spki_sha256}"
    assert len(base64.b64decode(portal.leaf_spki_sha256)) == 32


def test_unsupported_methods_answer_405(good) -> None:
    _, http = good
    response = http.request("DELETE", "/thu-tuc-hanh-chinh")
    assert response.status_code == 405 and response.headers["allow"] == "HEAD, GET"
    assert http.request("OPTIONS", "/dang-nhap").headers["allow"] == "HEAD, GET, POST"
