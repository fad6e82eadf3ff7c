"""Choosing the key pages from crawled pages."""

from __future__ import annotations

from assessor.artifacts.function import FunctionFacts, SampledPage
from assessor.artifacts.page import PageArtifact
from assessor.artifacts.performance import KeyPageRule, LabSettings
from assessor.collect.lab import key_pages_of
from assessor.perf.key_pages import SeenPage, choose_key_pages
from tests.builders import make_snapshot, page

HOME = SeenPage("https://p.gov.vn/", """<html><body>
  <form action="/thu-tuc" role="search"><input type="search" name="q"></form>
  <form action="/dang-nhap" method="post"><input name="q"></form></body></html>""")
PROCEDURE = SeenPage("https://p.gov.vn/thu-tuc/1.0001",
                     "<html><body><h2>Thành phần hồ sơ</h2><h2>Thời hạn giải quyết</h2></body></html>")
GUIDE = SeenPage("https://p.gov.vn/huong-dan", "<html><body><h2>Thành phần hồ sơ</h2></body></html>")
LOOKUP = SeenPage("https://p.gov.vn/tra-cuu-ho-so", "<html><body>Tra cứu</body></html>")
RULES = [
    KeyPageRule(kind="search", url_keywords=["tim-kiem"], search_query="khai sinh"),
    KeyPageRule(kind="procedure", text_keywords=["Thành phần hồ sơ", "Thời hạn giải quyết"]),
    KeyPageRule(kind="lookup", url_keywords=["tra-cuu"]),
]


def test_every_kind_found_from_forms_urls_and_text() -> None:
    chosen, missing = choose_key_pages([HOME, GUIDE, PROCEDURE, LOOKUP], RULES)
    assert chosen == {
        "home": "https://p.gov.vn/",
        "search": "https://p.gov.vn/thu-tuc?q=khai+sinh",
        "procedure": "https://p.gov.vn/thu-tuc/1.0001",
        "lookup": "https://p.gov.vn/tra-cuu-ho-so",
    }
    assert missing == []


def test_missing_kinds_are_reported() -> None:
    plain_home = SeenPage("https://p.gov.vn/", "<html><body>Xin chào</body></html>")
    chosen, missing = choose_key_pages([plain_home, GUIDE], RULES)
    assert chosen == {"home": "https://p.gov.vn/"}
    assert missing == ["search", "procedure", "lookup"]


def crawled(*pages: PageArtifact) -> tuple[dict[str, str], list[str]]:
    return key_pages_of(make_snapshot(*pages, url="https://p.gov.vn/"), LabSettings(pages=RULES))


def test_the_home_key_page_is_the_start_page_even_when_its_load_never_finished() -> None:
    """A home page whose image never answers has no load event: it is still the home page the lab
    must measure (and cut, and score as slow), never the next page that loaded standing in for it."""
    stuck_home = page("https://p.gov.vn/", "<html><body><img src='/anh.png'><a href='/b'>b</a></body></html>",
                      error="no complete page within 20 s (Timeout 20000ms exceeded.)")
    chosen, missing = crawled(stuck_home, page("https://p.gov.vn/b", depth=1))
    assert chosen == {"home": "https://p.gov.vn/"}
    assert missing == ["search", "procedure", "lookup"]


def test_a_home_page_answering_an_error_leaves_the_home_key_page_missing() -> None:
    chosen, missing = crawled(page("https://p.gov.vn/", status=500), page("https://p.gov.vn/tra-cuu-ho-so", depth=1))
    assert chosen == {"lookup": "https://p.gov.vn/tra-cuu-ho-so"}
    assert missing == ["home", "search", "procedure"]


PROCEDURE_HTML = "<html><body><h1>Đăng ký khai sinh</h1><h2>Thành phần hồ sơ</h2><h2>Thời hạn giải quyết</h2></body></html>"


def test_a_procedure_page_the_functions_gatherer_opened_is_the_procedure_key_page_the_crawl_missed() -> None:
    """The crawl rarely reaches a procedure page within its page bound; the functions gatherer
    opens some from the catalogue's search results. The lab measures one of those rather than
    leaving the procedure page unmeasured."""
    functions = FunctionFacts(procedures=[
        SampledPage(url="https://p.gov.vn/thu-tuc/1.0009", final_url="https://p.gov.vn/thu-tuc/1.0009", status=404,
                    html=PROCEDURE_HTML),
        SampledPage(url="https://p.gov.vn/thu-tuc/1.0002", final_url="https://p.gov.vn/thu-tuc/1.0002", status=None,
                    error="net::ERR_CONNECTION_RESET", html=PROCEDURE_HTML),
        SampledPage(url="https://p.gov.vn/thu-tuc/1.0001", final_url="https://p.gov.vn/thu-tuc/1.0001?id=1",
                    status=200, html=PROCEDURE_HTML),
    ])
    snapshot = make_snapshot(page("https://p.gov.vn/"), page("https://p.gov.vn/tra-cuu-ho-so", depth=1),
                             url="https://p.gov.vn/", functions=functions)
    chosen, missing = key_pages_of(snapshot, LabSettings(pages=RULES))
    assert chosen == {"home": "https://p.gov.vn/", "procedure": "https://p.gov.vn/thu-tuc/1.0001?id=1",
                      "lookup": "https://p.gov.vn/tra-cuu-ho-so"}
    assert missing == ["search"]


def test_a_crawled_procedure_page_comes_before_a_sampled_one() -> None:
    functions = FunctionFacts(procedures=[SampledPage(url="https://p.gov.vn/thu-tuc/1.0001",
                                                      final_url="https://p.gov.vn/thu-tuc/1.0001", status=200,
                                                      html=PROCEDURE_HTML)])
    snapshot = make_snapshot(page("https://p.gov.vn/"), page("https://p.gov.vn/thu-tuc/2.0002", PROCEDURE_HTML, depth=1),
                             url="https://p.gov.vn/", functions=functions)
    chosen, _ = key_pages_of(snapshot, LabSettings(pages=RULES))
    assert chosen["procedure"] == "https://p.gov.vn/thu-tuc/2.0002"


def test_a_page_word_in_a_query_string_does_not_make_the_page_that_kind() -> None:
    """The lookup page redirected to the login page, whose ReturnUrl carried "tra-cuu": the login
    page was measured as the lookup page."""
    login = SeenPage("https://p.gov.vn/dang-nhap?ReturnUrl=%2Ftra-cuu-ho-so", "<html><body>Đăng nhập</body></html>")
    chosen, missing = choose_key_pages([HOME, login], RULES)
    assert "lookup" not in chosen and "lookup" in missing
    # A rule's word that is itself about the query ("?q=") still reads it.
    searched = SeenPage("https://p.gov.vn/ket-qua?q=khai+sinh", "<html><body>Kết quả</body></html>")
    rules = [KeyPageRule(kind="search", url_keywords=["?q="])]
    assert choose_key_pages([SeenPage("https://p.gov.vn/", "<html></html>"), searched], rules)[0]["search"] == searched.url
