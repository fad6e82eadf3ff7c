"""The SPA theme: one shell for every path, pages as JSON from /api."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from bs4 import BeautifulSoup

from assessor.sample_portal.server import TEST_PASSWORD, TEST_USERNAME, SamplePortal

from .support import KNOWN_DOSSIER, PROCEDURE_CODE, running


@pytest.fixture(scope="module")
def spa() -> Iterator[tuple[SamplePortal, httpx.Client]]:
    with running("spa") as pair:
        yield pair


def test_every_page_path_gets_the_same_shell(spa) -> None:
    _, http = spa
    for path, status in (("/", 200), ("/thu-tuc-hanh-chinh", 200), (f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}", 200),
                         ("/khong-ton-tai", 404)):
        response = http.get(path)
        page = BeautifulSoup(response.text, "html.parser")
        assert response.status_code == status, path
        assert page.find(id="app") is not None and page.find("script", src="/static/js/spa.js") is not None
        assert page.find("main") is None and page.find("nav") is None  # everything is rendered client-side
        assert "_govaq" in response.text


def test_api_site_and_pages(spa) -> None:
    _, http = spa
    site = http.get("/api/site").json()
    assert site["portal_name"] == "Cổng Dịch vụ công tỉnh Lâm Hà"
    assert site["hash_routes"] is False  # pages live in the path, as the shell's URL says
    assert {"href": "/tra-cuu-ho-so", "text": "Tra cứu hồ sơ", "desc": "", "id": ""} in site["nav"]
    catalogue = http.get("/api/page", params={"path": "/thu-tuc-hanh-chinh?q=dang ky ket hon"}).json()
    table = next(b for b in catalogue["page"]["blocks"] if b["kind"] == "table")
    assert any(cell.get("text") == "Đăng ký kết hôn" for row in table["rows"] for cell in row if isinstance(cell, dict))
    detail = http.get("/api/page", params={"path": f"/thu-tuc-hanh-chinh/{PROCEDURE_CODE}"}).json()
    assert detail["emc"] == {"active": True, "dvc": [PROCEDURE_CODE, "Đăng ký khai sinh", "view"]}
    labels = [label for b in detail["page"]["blocks"] if b["kind"] == "sections" for label, _ in b["items"]]
    assert "Thành phần hồ sơ" in labels and "Căn cứ pháp lý" in labels
    lookup = http.get("/api/page", params={"path": f"/tra-cuu-ho-so?ma_ho_so={KNOWN_DOSSIER}"}).json()
    assert "Đã trả kết quả" in str(lookup["page"]["blocks"])
    missing = http.get("/api/page", params={"path": "/khong-ton-tai"})
    assert missing.status_code == 404 and missing.json()["page"]["title"] == "Không tìm thấy trang"


def test_api_login() -> None:
    with running("spa") as (_, http):
        guarded = http.get("/api/page", params={"path": "/ca-nhan/ho-so"}).json()
        assert guarded == {"redirect": "/dang-nhap?next=/ca-nhan/ho-so"}
        wrong = http.post("/api/page", params={"path": "/dang-nhap"}, data={"username": TEST_USERNAME, "password": "x"})
        assert "Tên đăng nhập hoặc mật khẩu không đúng" in wrong.text
        ok = http.post("/api/page", params={"path": "/dang-nhap"},
                       data={"username": TEST_USERNAME, "password": TEST_PASSWORD})
        assert ok.json() == {"redirect": "/ca-nhan/ho-so"} and "HttpOnly" in ok.headers["set-cookie"]
        assert http.get("/api/site").json()["user_name"] == "Nguyễn Văn Thử"
        assert KNOWN_DOSSIER in http.get("/api/page", params={"path": "/ca-nhan/ho-so"}).text

