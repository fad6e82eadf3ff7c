"""The HTTP probes: which addresses they visit (pure helpers of collect/probes.py), and the\nclients they use against local servers that set awkward cookies."""

from __future__ import annotations

import asyncio
from pathlib import Path

from assessor.artifacts.page import NetworkRequest
from assessor.artifacts.probes import HTTP_ROOT
from assessor.collect.context import CollectContext
from assessor.collect.http import http_client
from assessor.collect.probes import asset_folders, gather_probes, plain_http_url
from assessor.criteria import load_rubric
from assessor.snapshot import CollectSettings
from tests.builders import make_snapshot, page
from tests.core.local_site import QuietHandler, serve_handler


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


# Portals set cookies holding Vietnamese as raw UTF-8 bytes; the probe client once stored one and
# then could not send it back (UnicodeEncodeError), which failed every probe.
VIETNAMESE_COOKIE = "lang=tiếng-việt; Path=/".encode().decode("latin-1")


class VietnameseCookieHandler(QuietHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            self.reply(301, b"", {"Location": "/trang-chu", "Set-Cookie": VIETNAMESE_COOKIE})
        else:
            self.reply(200 if self.path == "/trang-chu" else 404, b"<h1>Trang</h1>", {"Set-Cookie": VIETNAMESE_COOKIE})


def test_probes_run_on_a_portal_setting_a_cookie_in_vietnamese(tmp_path: Path) -> None:
    with serve_handler(VietnameseCookieHandler) as base:
        snapshot = make_snapshot(page(base + "/trang-chu"), url=base + "/",
                                 settings=CollectSettings(http_url=base + "/"))
        ctx = CollectContext(settings=snapshot.settings, session=None, folder=tmp_path,  # type: ignore[arg-type]
                             rubric=load_rubric())
        asyncio.run(gather_probes(snapshot, ctx))
    assert snapshot.probes and all(probe.error is None for probe in snapshot.probes), \
        [probe.error for probe in snapshot.probes]
    root = snapshot.probe(HTTP_ROOT)
    assert root.status == 200 and [hop.location for hop in root.redirects] == ["/trang-chu"]


def test_http_clients_keep_cookies_they_can_send_and_drop_the_others(tmp_path: Path) -> None:
    """The link checks follow redirects with cookies, as a browser would (a portal may set a
    session cookie and redirect); a cookie that cannot go back in an HTTP header is left out."""

    class TwoCookies(QuietHandler):
        def do_GET(self) -> None:
            self.reply(200, self.headers.get("Cookie", "").encode(),
                       {"Set-Cookie": VIETNAMESE_COOKIE} if self.path == "/" else {"Set-Cookie": "phien=abc123; Path=/"})

    async def three_requests(base: str) -> str:
        async with http_client(CollectSettings()) as client:
            await client.get(base + "/")
            await client.get(base + "/dat-phien")
            return (await client.get(base + "/xem")).text

    with serve_handler(TwoCookies) as base:
        assert asyncio.run(three_requests(base)) == "phien=abc123"
