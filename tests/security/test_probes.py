"""Which addresses the HTTP probes visit: pure helpers of collect/probes.py."""

from __future__ import annotations

from assessor.artifacts.page import NetworkRequest
from assessor.collect.probes import asset_folders, plain_http_url
from assessor.snapshot import CollectSettings
from tests.builders import make_snapshot, page


def test_plain_http_url_defaults_to_port_80_of_the_start_host() -> None:
    snapshot = make_snapshot(page("https://dichvucong.lamha.gov.vn:8443/trang-chu"),
                             url="https://dichvucong.lamha.gov.vn:8443/trang-chu")
    assert plain_http_url(snapshot) == "http://dichvucong.lamha.gov.vn/trang-chu"


def test_plain_http_url_setting_wins() -> None:
    snapshot = make_snapshot(page(), settings=CollectSettings(http_url="http://127.0.0.1:8080/"))
    assert plain_http_url(snapshot) == "http://127.0.0.1:8080/"


def test_asset_folders_are_same_site_script_and_style_folders() -> None:
    home = page(requests=[
        NetworkRequest(url="https://dichvucong.lamha.gov.vn/static/js/site.js", resource_type="script"),
        NetworkRequest(url="https://dichvucong.lamha.gov.vn/static/js/other.js", resource_type="script"),
        NetworkRequest(url="https://dichvucong.lamha.gov.vn/static/css/site.css", resource_type="stylesheet"),
        NetworkRequest(url="https://dichvucong.lamha.gov.vn/uploads/a.png", resource_type="image"),
        NetworkRequest(url="https://cdn.example.vn/lib/x.js", resource_type="script"),
        NetworkRequest(url="https://dichvucong.lamha.gov.vn/app.js", resource_type="script"),
    ])
    assert asset_folders(make_snapshot(home)) == ["/static/js/", "/static/css/"]
