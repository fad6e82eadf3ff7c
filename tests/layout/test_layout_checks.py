"""Layout checks on snapshots built in code: every outcome of every check."""

from __future__ import annotations

import pytest

from assessor.artifacts.accessibility import AccessFacts, OverflowTest, ViewportFacts
from assessor.artifacts.page import NetworkRequest
from assessor.checks.registry import get_check
from assessor.model import Finding, Status
from tests.builders import BASE_URL, make_snapshot, page, params_of

HEADER = (
    '<header><a href="/"><img src="/img/quoc-huy.svg" alt="Quốc huy">'
    "<span>ỦY BAN NHÂN DÂN TỈNH LÂM HÀ</span><span>Cổng Dịch vụ công</span></a></header>"
)
NAV = (
    '<nav aria-label="Menu chính"><a href="/">Trang chủ</a><a href="/thu-tuc">Thủ tục</a>'
    '<a href="/tra-cuu-ho-so">Tra cứu</a><a href="/phan-anh">Phản ánh</a><a href="/so-do-cong">Sơ đồ cổng</a>'
    '<a href="/en" lang="en">English</a><a href="https://dichvucong.gov.vn/">Cổng DVC quốc gia</a></nav>'
)
SEARCH = '<form role="search" action="/tim-kiem"><input type="search" name="q" placeholder="Nhập tên thủ tục"></form>'
FOOTER = (
    "<footer><p>Cơ quan chủ quản: Văn phòng UBND tỉnh Lâm Hà</p><address>Địa chỉ: Số 1 đường Trần Hưng Đạo, "
    "phường Xuân Hương<br>Điện thoại: (0263) 3 822 123<br>Thư điện tử: vanphong@lamha.gov.vn</address></footer>"
)
CRUMBS = '<nav aria-label="Đường dẫn"><ol><li><a href="/">Trang chủ</a></li><li>Thủ tục</li></ol></nav>'


def html(
    header: str = HEADER,
    nav: str = NAV,
    search: str = SEARCH,
    footer: str = FOOTER,
    main: str = "",
    head: str = '<meta name="viewport" content="width=device-width, initial-scale=1">',
) -> str:
    return f"<html lang='vi'><head><title>Cổng DVC</title>{head}</head><body>{header}{nav}{search}<main>{main}</main>{footer}</body></html>"


def run(check_id: str, snapshot) -> Finding:
    return get_check(check_id).function(snapshot, params_of(check_id))


def home(**parts: str):
    return page(BASE_URL, html(**parts))


def test_header_identity() -> None:
    assert run("layout.header_identity", make_snapshot(home())).status == Status.PASS
    no_emblem = run("layout.header_identity", make_snapshot(home(header="<header><p>UBND TỈNH LÂM HÀ</p></header>")))
    assert no_emblem.status == Status.PARTIAL and "emblem" in no_emblem.message.en
    assert (
        run("layout.header_identity", make_snapshot(home(header="<header><a href='/'>DVC Online</a></header>"))).status
        == Status.FAIL
    )
    assert run("layout.header_identity", make_snapshot(home(header=""))).status == Status.FAIL
    assert run("layout.header_identity", make_snapshot()).status == Status.ERROR


def test_an_emblem_that_does_not_show_is_no_emblem() -> None:
    """An emblem whose image answers 404, or that the page's CSS hides, shows the citizen nothing."""
    header = '<header><img src="/emblem.png" alt="Quốc huy"><p>UBND TỈNH LÂM HÀ</p></header>'
    shown = page(BASE_URL, html(header=header),
                 requests=[NetworkRequest(url=BASE_URL + "emblem.png", resource_type="image", status=200)])
    assert run("layout.header_identity", make_snapshot(shown)).status == Status.PASS
    broken = page(BASE_URL, html(header=header),
                  requests=[NetworkRequest(url=BASE_URL + "emblem.png", resource_type="image", status=404)])
    finding = run("layout.header_identity", make_snapshot(broken))
    assert finding.status == Status.PARTIAL and "emblem" in finding.message.en
    failed = page(BASE_URL, html(header=header), requests=[NetworkRequest(
        url=BASE_URL + "emblem.png", resource_type="image", failure="net::ERR_CONNECTION_RESET")])
    assert run("layout.header_identity", make_snapshot(failed)).status == Status.PARTIAL
    hidden = page(BASE_URL, html(header=header), hidden_roots=["html > body:nth-child(2) > header:nth-child(1) > img:nth-child(1)"])
    assert run("layout.header_identity", make_snapshot(hidden)).status == Status.PARTIAL


def test_navigation_and_search() -> None:
    passed = run("layout.navigation_search", make_snapshot(home()))
    assert passed.status == Status.PASS
    menu = next(row["chi tiết / detail"] for row in passed.evidence[0].value if row["thành phần / element"] == "navigation")
    assert menu.vi.startswith("7 liên kết: Trang chủ") and menu.en.startswith("7 links: Trang chủ")  # each its own
    by_placeholder = home(search='<form><input type="text" name="keyword" placeholder="Tìm kiếm thủ tục"></form>')
    assert run("layout.navigation_search", make_snapshot(by_placeholder)).status == Status.PASS
    no_search = run("layout.navigation_search", make_snapshot(home(search="")))
    assert no_search.status == Status.PARTIAL and "search box" in no_search.message.en
    assert (
        run(
            "layout.navigation_search", make_snapshot(home(search="", nav="<nav><a href='/'>Trang chủ</a></nav>"))
        ).status
        == Status.FAIL
    )


def test_a_classic_menu_without_nav_and_a_search_field_said_by_its_form_are_found() -> None:
    """Many ASP.NET and portal-framework themes have no <nav>; a search field's own attributes may
    say nothing ("Nhập nội dung cần tìm") while its form posts to /tim-kiem behind a "Tìm kiếm" button."""
    menu = ('<div id="menu"><ul class="menu"><li><a href="/">Trang chủ</a></li><li><a href="/gioi-thieu">Giới thiệu</a>'
            '</li><li><a href="/thu-tuc">Thủ tục</a></li><li><a href="/tra-cuu">Tra cứu</a></li>'
            '<li><a href="/lien-he">Liên hệ</a></li></ul></div>')
    search = ('<form action="/tim-kiem"><input type="text" name="keyword" placeholder="Nhập nội dung cần tìm">'
              '<button type="submit">Tìm kiếm</button></form>')
    finding = run("layout.navigation_search", make_snapshot(home(nav=menu, search=search)))
    assert finding.status == Status.PASS, finding.evidence[0].value
    # A login form's text field is no search box, nor a footer's link list a menu.
    login = '<form action="/dang-nhap"><input type="text" name="username"><button>Đăng nhập</button></form>'
    assert run("layout.navigation_search", make_snapshot(home(nav="", search=login))).status == Status.FAIL


@pytest.mark.parametrize(
    "phone", ["(0263) 3 822 123", "0263.3822123", "+84 263 3822 123", "1900 1234", "024-3823-4567",
              "Tổng đài 1022", "đường dây nóng: 1022"]
)
def test_footer_phone_patterns(phone: str) -> None:
    footer = f"<footer><address>Địa chỉ: 12 Lê Lợi</address><p>ĐT: {phone} - Email: a@b.gov.vn</p></footer>"
    finding = run("layout.footer_contacts", make_snapshot(home(footer=footer)))
    assert finding.status == Status.PASS, finding.evidence[0].value


def test_footer_contacts() -> None:
    assert run("layout.footer_contacts", make_snapshot(home())).status == Status.PASS
    no_mail = "<footer><p>Địa chỉ: Số 1 đường Trần Hưng Đạo</p><p>Điện thoại: 0263 3822 123</p></footer>"
    finding = run("layout.footer_contacts", make_snapshot(home(footer=no_mail)))
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(2 / 3)
    assert (
        run("layout.footer_contacts", make_snapshot(home(footer="<footer><p>Bản quyền 2024</p></footer>"))).status
        == Status.FAIL
    )
    assert run("layout.footer_contacts", make_snapshot(home(footer=""))).status == Status.FAIL


CONTACTS = "<p>Điện thoại: 0263 3822 123 - Email: vanphong@lamha.gov.vn</p>"


@pytest.mark.parametrize(("address", "found"), [
    ("<p>Trụ sở: 36 Trần Phú, Ba Đình</p>", True),
    ("<p>Số 1 đường Trần Hưng Đạo, phường Xuân Hương</p>", True),
    ("<p>12 Lê Lợi, phường Bến Nghé, quận 1, TP. Hồ Chí Minh</p>", True),
    ("<p>Thôn 3, xã Đạ Sar, huyện Lạc Dương, tỉnh Lâm Đồng</p>", True),
    # Words of an address, in what is not one: a visitor counter, a licence, an agency's name.
    ("<p>Bản quyền © UBND tỉnh Lâm Hà. Số lượt truy cập: 1234567</p>", False),
    ("<p>Giấy phép số 12/GP-BTTTT. Sở Lao động - Thương binh và Xã hội</p>", False),
    ("<p>Trang thông tin tương đương, cập nhật thường xuyên</p>", False),
])
def test_footer_address_is_an_address_not_its_words(address: str, found: bool) -> None:
    finding = run("layout.footer_contacts", make_snapshot(home(footer=f"<footer>{address}{CONTACTS}</footer>")))
    assert finding.status == (Status.PASS if found else Status.PARTIAL), finding.evidence[0].value


def test_consistency_and_breadcrumbs() -> None:
    inner = page(f"{BASE_URL}thu-tuc", html(main=CRUMBS), depth=1)
    assert run("layout.consistency", make_snapshot(home(), inner)).status == Status.PASS
    no_crumbs = page(f"{BASE_URL}tra-cuu-ho-so", html(), depth=1)
    other_header = page(
        f"{BASE_URL}phan-anh",
        html(header="<header><p>HỆ THỐNG MỘT CỬA ĐIỆN TỬ</p></header>", footer="<footer>Liên hệ</footer>", main=CRUMBS),
        depth=1,
    )
    finding = run("layout.consistency", make_snapshot(home(), inner, no_crumbs, other_header))
    # header/footer alike on 2/3 pages, breadcrumbs on 2/3 inner pages
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(2 / 3)
    assert (
        run(
            "layout.consistency", make_snapshot(home(), page(f"{BASE_URL}x", "<html><body>khác</body></html>", depth=1))
        ).status
        == Status.FAIL
    )
    assert run("layout.consistency", make_snapshot(home())).status == Status.NEEDS_REVIEW
    assert run("layout.consistency", make_snapshot()).status == Status.ERROR


def test_sitemap_english_national_portal_links() -> None:
    assert run("layout.sitemap_links", make_snapshot(home())).status == Status.PASS
    only_sitemap = "<nav><a href='/'>Trang chủ</a><a href='/so-do-cong'>Sơ đồ cổng</a></nav>"
    finding = run("layout.sitemap_links", make_snapshot(home(nav=only_sitemap)))
    assert finding.status == Status.PARTIAL and finding.fraction == pytest.approx(1 / 3)
    assert "English page" in finding.message.en and "national portal" in finding.message.en
    assert run("layout.sitemap_links", make_snapshot(home(nav=""))).status == Status.FAIL


def test_a_news_article_s_own_header_and_footer_are_not_the_page_s() -> None:
    """An <article>'s <header> and <footer> (a news card's title and date) come first in the
    document, before the page's own banner and footer."""
    news = ("<main><article><header><h2>Thông báo</h2></header><p>Lịch tiếp công dân</p>"
            "<footer>Đăng ngày 01/12/2026</footer></article></main>")
    snapshot = make_snapshot(page(BASE_URL, html(header=news + HEADER)))
    assert run("layout.header_identity", snapshot).status == Status.PASS
    assert run("layout.footer_contacts", snapshot).status == Status.PASS


def test_an_english_flag_and_the_national_portal_s_www_address_are_found() -> None:
    footer = ('<footer><a href="?lang=en"><img src="/static/flag-en.png" alt="English"></a>'
              '<a href="https://www.dichvucong.gov.vn/">Cổng Dịch vụ công quốc gia</a>'
              '<a href="/so-do-cong">Sơ đồ cổng</a></footer>')
    finding = run("layout.sitemap_links", make_snapshot(home(nav="", footer=footer)))
    assert finding.status == Status.PASS, finding.evidence[0].value


def mobile_snapshot(test: OverflowTest | None, head: str | None = None, **fields):
    facts = ViewportFacts(
        overflow_tests=[test] if test else [],
        mobile_screenshot="screenshots/mobile-home.jpg",
        mobile_viewport="375x812",
        mobile_url=BASE_URL,
    )
    home_page = home() if head is None else home(head=head)
    return make_snapshot(home_page, access=AccessFacts(viewport=facts), **fields)


def test_mobile_rendering() -> None:
    fits = OverflowTest(
        url=BASE_URL, condition="mobile 375x812", viewport_width=375, scroll_width=375, client_width=375
    )
    finding = run("layout.mobile_rendering", mobile_snapshot(fits))
    assert finding.status == Status.PASS
    assert finding.evidence[0].kind == "screenshot" and finding.evidence[0].path == "screenshots/mobile-home.jpg"
    no_meta = run("layout.mobile_rendering", mobile_snapshot(fits, head=""))
    assert no_meta.status == Status.PARTIAL and no_meta.fraction == pytest.approx(0.7)
    wide = fits.model_copy(update={"scroll_width": 1100, "widest": ["div.container (1100px)"]})
    assert run("layout.mobile_rendering", mobile_snapshot(wide, head="")).status == Status.FAIL
    assert run("layout.mobile_rendering", mobile_snapshot(None)).status == Status.NEEDS_REVIEW
    failed = fits.model_copy(update={"error": "TimeoutError"})
    assert run("layout.mobile_rendering", mobile_snapshot(failed)).status == Status.ERROR


def test_header_identity_in_a_side_bar_linked_to_home() -> None:
    side_bar = (
        '<aside><a class="logo" href="/"><img src="/img/quoc-huy.svg" alt="Quốc huy">'
        "<span>Cổng Dịch vụ công tỉnh Lâm Hà</span></a></aside>"
    )
    finding = run("layout.header_identity", make_snapshot(home(header=f"<header><p>Đăng nhập</p></header>{side_bar}")))
    assert finding.status == Status.PASS
    assert "quoc-huy" in finding.evidence[0].value[1]["chi tiết / detail"]


OTHER_SITES = ('<footer><a href="https://dichvucong.gov.vn/">Cổng Dịch vụ công quốc gia</a>'
               '<a href="https://tinnhiemmang.vn/"><img src="https://tinnhiemmang.vn/logo.png" alt="Tín nhiệm mạng"></a>'
               f'{CONTACTS}</footer>')


def test_links_to_other_sites_and_icons_are_not_the_portal_s_identity() -> None:
    """The national portal's name and another site's logo, linked from the footer to their own
    home pages, are not this portal's; nor is a menu button's icon an emblem."""
    icons = ('<header><a href="/dang-nhap">ĐĂNG NHẬP</a> | <a href="/ho-tro">HỖ TRỢ</a>'
             '<button aria-label="menu"><svg height="16" width="16"><rect width="16" height="2"/></svg></button></header>')
    finding = run("layout.header_identity", make_snapshot(home(header=icons, footer=OTHER_SITES)))
    assert (finding.status, finding.fraction) == (Status.FAIL, 0), finding.evidence[0].value


def test_the_agency_named_by_the_header_s_banner_image_is_its_name() -> None:
    banner = ('<header><a href="https://lamha.gov.vn/"><img src="/img/banner.png" '
              'alt="Cổng dịch vụ công tỉnh Lâm Hà - Ủy ban nhân dân tỉnh Lâm Hà"></a>'
              '<svg class="quoc-huy" viewBox="0 0 90 90"><circle r="40"/></svg></header>')
    finding = run("layout.header_identity", make_snapshot(home(header=banner, footer=OTHER_SITES)))
    assert finding.status == Status.PASS, finding.evidence[0].value
    assert "Ủy ban nhân dân tỉnh Lâm Hà" in finding.evidence[0].value[0]["chi tiết / detail"]


@pytest.mark.parametrize(("said", "named"), [
    ("<b>CONG DICH VU CONG TINH LAM HA</b>", True),  # a banner's upper case without diacritics
    ("<b>Uy ban nhan dan tinh Lam Ha</b>", True),
    ("<b>Sở Tư pháp tỉnh Lâm Hà</b>", True),
    ("<b>BỘ TƯ PHÁP</b>", True),
    ('<a href="/tin-tuc">Xem toàn bộ tin tức</a>', False),  # "bộ" as in "all"
    ('<a href="/thu-tuc">Cơ quan thực hiện</a>', False),
])
def test_an_agency_is_named_by_its_title_not_by_a_word_of_it(said: str, named: bool) -> None:
    header = f'<header><img alt="Quoc huy" src="/static/quoc-huy.png">{said}</header>'
    finding = run("layout.header_identity", make_snapshot(page(BASE_URL, html(header=header, nav=""))))
    assert finding.status == (Status.PASS if named else Status.PARTIAL), finding.evidence[0].value


def test_agency_words_keep_their_diacritics_and_skip_links_are_not_home_links() -> None:
    skip = '<a href="#noi-dung">Bỏ qua điều hướng</a>'
    finding = run(
        "layout.header_identity", make_snapshot(home(header=f"{skip}<header><a href='/'>DVC Online</a></header>"))
    )
    assert finding.status == Status.FAIL
    ministry = "<header><img src='/logo.png' alt='Logo'><p>BỘ TƯ PHÁP</p></header>"
    assert run("layout.header_identity", make_snapshot(home(header=ministry))).status == Status.PASS
