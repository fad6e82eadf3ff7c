"""A hash-routed single-page app keeps its pages in the URL's fragment (/#/thu-tuc-hanh-chinh): such a
fragment is a page of its own wherever URLs are compared or a page's path is read; a plain anchor
(#noi-dung) is still a place in the page."""

from __future__ import annotations

import asyncio

import pytest

from assessor.artifacts.function import FunctionFacts
from assessor.artifacts.performance import KeyPageRule
from assessor.checks.common import canonical_url, page_type, route_path
from assessor.checks.function_find import locate
from assessor.checks.function_reach import LinkHealthParams
from assessor.checks.layout import links_home
from assessor.collect.context import CollectContext
from assessor.collect.crawl import section, worth_visiting
from assessor.collect.functions import link_targets, probe_links
from assessor.collect.login import first_segment
from assessor.criteria import load_rubric
from assessor.perf.key_pages import SeenPage, choose_key_pages
from assessor.snapshot import CollectSettings
from tests.builders import BASE_URL, make_snapshot, page, params_of
from tests.core.local_site import QuietHandler, serve_handler

HOME = BASE_URL


@pytest.mark.parametrize(("url", "canonical"), [
    (HOME + "#/thu-tuc-hanh-chinh", HOME + "#/thu-tuc-hanh-chinh"),
    (HOME + "#!/thu-tuc-hanh-chinh?q=1", HOME + "#!/thu-tuc-hanh-chinh?q=1"),
    ("HTTPS://DichVuCong.LamHa.gov.vn:443#/tra-cứu?q=hồ sơ", HOME + "#/tra-c%E1%BB%A9u?q=h%E1%BB%93%20s%C6%A1"),
    (HOME + "thu-tuc#noi-dung", HOME + "thu-tuc"),  # a place in the page
    (HOME + "#/", HOME),  # the app's home route is the page the bare address shows
    (HOME + "#!/", HOME),
])
def test_a_route_fragment_is_kept_and_an_anchor_dropped(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


@pytest.mark.parametrize(("url", "path"), [
    (HOME + "#/thu-tuc-hanh-chinh/1.001?q=x", "/thu-tuc-hanh-chinh/1.001"),
    (HOME + "#!/tra-cuu-ho-so", "/tra-cuu-ho-so"),
    (HOME + "tin-tuc/1#noi-dung", "/tin-tuc/1"),
    (HOME + "?next=/dang-nhap", "/"),
])
def test_a_route_s_path_is_the_fragment_s(url: str, path: str) -> None:
    assert route_path(url) == path


def test_a_route_page_s_type_and_section_are_its_route_s() -> None:
    def typed(url: str) -> str:
        return page_type(page(url, "<html><head><title>Cổng</title></head><body></body></html>", depth=1))

    assert typed(HOME + "#/tra-cuu-ho-so") == "lookup"
    assert typed(HOME + "#/tin-tuc/huong-dan-dang-nhap") == "news"
    assert typed(HOME + "#/") == "home"
    assert section(HOME + "#/thu-tuc/1") == section(HOME + "#/thu-tuc/2") == "/thu-tuc/"
    assert section(HOME + "#/tin-tuc/1") == "/tin-tuc/"
    assert not worth_visiting(HOME + "#/dang-xuat")  # logging out ends the crawl's session
    assert not worth_visiting(HOME + "#/tai-lieu/huong-dan.pdf")
    assert first_segment(HOME + "#/ca-nhan/ho-so") == "ca-nhan"  # the private area behind the login


def test_functions_are_found_by_their_route() -> None:
    catalogue = params_of("function.catalogue").functions["catalogue"]
    featured = ("<html><body><nav><a href='/#/thu-tuc-hanh-chinh/khai-sinh'>Đăng ký khai sinh</a>"
                "<a href='/#/thu-tuc-hanh-chinh'>Danh mục</a></nav></body></html>")
    entry = locate(make_snapshot(page(HOME, featured)).pages, "catalogue", catalogue)
    assert entry is not None and entry.target_url == HOME + "#/thu-tuc-hanh-chinh"  # not the procedure's route


def test_a_route_is_no_link_to_the_home_page() -> None:
    home = page(HOME)
    assert links_home(HOME + "#/", home) and links_home(HOME + "#noi-dung", home)
    assert not links_home(HOME + "#/thu-tuc-hanh-chinh", home)


def test_each_route_linked_is_a_link_of_its_own() -> None:
    html = ("<html><body><a href='/#/thu-tuc-hanh-chinh'>Thủ tục</a><a href='/#/tra-cuu-ho-so'>Tra cứu</a>"
            "<a href='/#noi-dung'>Nội dung</a><a href='/#/dang-xuat'>Đăng xuất</a></body></html>")
    targets = [target.url for target in link_targets(make_snapshot(page(HOME, html)))]
    assert targets == [HOME + "#/thu-tuc-hanh-chinh", HOME + "#/tra-cuu-ho-so", HOME + "#noi-dung"]


def test_key_pages_are_told_by_their_route() -> None:
    home = SeenPage(HOME, "<html><body><form action='/#/thu-tuc-hanh-chinh' role='search'>"
                          "<input type='search' name='q'></form></body></html>")
    lookup = SeenPage(HOME + "#/tra-cuu-ho-so", "<html><body>Tra cứu</body></html>")
    rules = [KeyPageRule(kind="search", url_keywords=["tim-kiem"], search_query="khai sinh"),
             KeyPageRule(kind="lookup", url_keywords=["tra-cuu"])]
    chosen, missing = choose_key_pages([home, lookup], rules)
    assert chosen == {"home": HOME, "search": HOME + "#/thu-tuc-hanh-chinh?q=khai+sinh",
                      "lookup": HOME + "#/tra-cuu-ho-so"}
    assert missing == []


def test_routes_the_crawl_did_not_open_are_probed_as_one_document(tmp_path) -> None:
    """Every route of a hash-routed app is the same document to a server (the fragment never
    leaves the browser): it is asked for once, not once a route, and each route gets its answer."""
    asked: list[str] = []

    class Shell(QuietHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.reply(200, b"<title>App</title><div id='app'></div>")

    with serve_handler(Shell) as base:
        html = "".join(f"<a href='/#/{route}'>{route}</a>" for route in ("thu-tuc", "tra-cuu", "thong-ke"))
        snapshot = make_snapshot(page(base + "/", html), url=base + "/")
        ctx = CollectContext(settings=CollectSettings(), session=None, folder=tmp_path, rubric=load_rubric())
        facts = FunctionFacts()
        asyncio.run(probe_links(snapshot, ctx, LinkHealthParams(), facts))
    assert asked == ["/"]
    assert sorted((link.url.rsplit("#", 1)[1], link.status) for link in facts.links) == [
        ("/thong-ke", 200), ("/thu-tuc", 200), ("/tra-cuu", 200)]
