"""Function checks on snapshots built in code: every outcome each check can return."""

from __future__ import annotations

import pytest

from assessor.artifacts.function import FormUse, FunctionFacts, LinkStatus, SampledPage
from assessor.artifacts.page import Hop
from assessor.checks.function import available, catalogue, catalogue_search, dossier_lookup
from assessor.checks.function_find import locate
from assessor.checks.function_procedures import procedure_fields, service_levels
from assessor.checks.function_reach import link_health, portal_open, reachability
from assessor.criteria import load_rubric
from assessor.model import Status, Text
from tests.builders import BASE_URL, make_snapshot, page, params_of

HOME = BASE_URL
LOOKUP_URL = HOME + "tra-cuu"
FULL_PROCEDURE = """<html><body><h1>Đăng ký khai sinh</h1>
<h2>Tên thủ tục</h2><p>Đăng ký khai sinh</p><h2>Mức độ dịch vụ</h2><p>Toàn trình</p>
<h2>Trình tự thực hiện</h2><p>Bước 1</p><h2>Cách thức thực hiện</h2><p>Trực tuyến</p>
<h2>Thành phần hồ sơ</h2><p>Tờ khai</p><h2>Thời hạn giải quyết</h2><p>1 ngày</p>
<h2>Đối tượng thực hiện</h2><p>Công dân</p><h2>Cơ quan thực hiện</h2><p>UBND xã</p>
<h2>Kết quả thực hiện</h2><p>Giấy khai sinh</p><h2>Phí, lệ phí</h2><p>Miễn</p>
<h2>Căn cứ pháp lý</h2><p>Luật Hộ tịch</p><h2>Biểu mẫu</h2><a href="/bieu-mau/to-khai.docx">Tờ khai</a></body></html>"""
# No diacritics, another layout, half the fields, no service level and no downloadable form.
SPARSE_PROCEDURE = """<html><body><div class="tt"><b>Ten thu tuc:</b> Cap giay phep</div>
<div><b>Cach thuc thuc hien:</b> Truc tiep</div><div><b>Thoi han giai quyet:</b> 20 ngay</div>
<div><b>Co quan thuc hien:</b> So Xay dung</div><div><b>Bieu mau:</b> khong co</div></body></html>"""


def home_with(*links: tuple[str, str]) -> str:
    return "<html><body><nav>" + "".join(f'<a href="{href}">{text}</a>' for href, text in links) + "</nav></body></html>"


def lookup_page(form: str) -> str:
    return f"<html><body><h1>Tra cứu hồ sơ</h1>{form}</body></html>"


LABELLED_FORM = ('<form id="lookup-form"><label for="ma">Mã hồ sơ <span>*</span></label>'
                 '<input id="ma" name="ma_ho_so" required></form>')
UNLABELLED_FORM = '<form id="lookup-form"><input name="ma_ho_so" placeholder="Mã hồ sơ" required></form>'


def lookup_snapshot(target_html: str | None, status: int = 200, **fields: object):
    pages = [page(HOME, home_with(("/tra-cuu", "Tra cứu hồ sơ")))]
    if target_html is not None:
        pages.append(page(LOOKUP_URL, target_html, status=status, depth=1, found_on=HOME))
    return make_snapshot(*pages, **fields)


# --------------------------------------------------------------------------- finding entries
def test_entry_is_found_by_text_without_diacritics_and_names_the_element() -> None:
    spec = params_of("function.dossier_lookup").functions["lookup"]
    snapshot = make_snapshot(page(HOME, home_with(("/a", "Giới thiệu"), ("/x/y", "TRA CUU HO SO"))))
    entry = locate(snapshot.pages, "lookup", spec)
    assert entry is not None and entry.how == "link text"
    assert entry.selector == 'a[href="/x/y"]' and entry.page_url == HOME and entry.clicks == 1


def test_entry_is_found_by_link_target_and_by_form_fields() -> None:
    spec = params_of("function.dossier_lookup").functions["lookup"]
    by_target = make_snapshot(page(HOME, home_with(("/dvc/tra-cuu-ho-so", "Tiện ích"))))
    assert locate(by_target.pages, "lookup", spec).how == "link target"
    form = ('<form role="search"><input aria-label="Nhập số hồ sơ" name="code"></form>')
    by_form = make_snapshot(page(HOME, f"<html><body>{form}</body></html>"))
    entry = locate(by_form.pages, "lookup", spec)
    assert entry.how == "form" and entry.selector == 'form input[name="code"]' and entry.clicks == 0


def test_a_procedure_page_is_no_catalogue_entry() -> None:
    """A home page whose only links were featured procedures (/thu-tuc/khai-sinh): "/thu-tuc" in
    each made one the catalogue, which then "listed only 0 procedures"."""
    spec = params_of("function.catalogue").functions["catalogue"]
    featured = home_with(("/thu-tuc/khai-sinh", "Đăng ký khai sinh"), ("/thu-tuc/ket-hon", "Đăng ký kết hôn"))
    assert locate(make_snapshot(page(HOME, featured)).pages, "catalogue", spec) is None
    with_catalogue = home_with(("/thu-tuc/khai-sinh", "Đăng ký khai sinh"), ("/thu-tuc", "Danh sách"))
    assert locate(make_snapshot(page(HOME, with_catalogue)).pages, "catalogue", spec).target_url == HOME + "thu-tuc"


def test_menu_item_beats_a_news_headline_mentioning_the_function() -> None:
    spec = params_of("function.user_support").functions["guide"]
    html = home_with(("/tin-tuc/huong-dan-dang-nhap", "Hướng dẫn đăng nhập bằng VNeID cho người dân"),
                     ("/ho-tro", "Hướng dẫn sử dụng"))
    assert locate(make_snapshot(page(HOME, html)).pages, "guide", spec).target_url == HOME + "ho-tro"


# --------------------------------------------------------------------------- function.available
def test_available_passes_for_a_working_entry_with_labelled_form() -> None:
    finding = available(lookup_snapshot(lookup_page(LABELLED_FORM)), params_of("function.dossier_lookup"))
    assert finding.status == Status.PASS
    assert any(e.kind == "selector" and e.value == 'a[href="/tra-cuu"]' for e in finding.evidence)


def test_available_partial_for_broken_entry_unlabelled_form_or_unopened() -> None:
    params = params_of("function.dossier_lookup")
    broken = available(lookup_snapshot("<html><body>Not found</body></html>", status=404), params)
    assert broken.status == Status.PARTIAL and broken.fraction == params.broken_credit and "404" in broken.message.en
    unlabelled = available(lookup_snapshot(lookup_page(UNLABELLED_FORM)), params)
    assert unlabelled.fraction == params.unsound_form_credit
    assert any(e.kind == "code" and 'input[name="ma_ho_so"]' in e.value for e in unlabelled.evidence)
    unopened = available(lookup_snapshot(None), params)
    assert unopened.fraction == params.unopened_credit


SOFT_404 = ("<html><head><title>Lỗi</title></head><body><header>Cổng DVC tỉnh Lâm Hà</header><main><h2>404 - "
            "Không tìm thấy trang bạn yêu cầu</h2><p>Trang không tồn tại hoặc đã bị xóa.</p></main></body></html>")


@pytest.mark.parametrize("body", [
    SOFT_404,
    "<html><head><title>Page not found | Cổng DVC</title></head><body><p>Trang chủ</p></body></html>",
    "<html><head><title>Cổng DVC</title></head><body><h1>Đường dẫn không tồn tại</h1></body></html>",
])
def test_an_error_page_answered_with_200_is_a_broken_entry(body: str) -> None:
    """Many portals answer their "page not found" page with HTTP 200 (a soft 404)."""
    params = params_of("function.dossier_lookup")
    finding = available(lookup_snapshot(body), params)
    assert (finding.status, finding.fraction) == (Status.PARTIAL, params.broken_credit)
    assert "page not found" in finding.message.en


def test_a_short_page_saying_it_does_not_exist_in_its_text_is_a_broken_entry() -> None:
    """A single-page app's "not found" view: titled "Lỗi", its 404 text in a paragraph."""
    app = ("<html><head><title>Lỗi</title></head><body><header>Cổng DVC tỉnh Lâm Hà</header><nav><a href='/'>Trang "
           "chủ</a></nav><div id='app'><p>404 - Trang bạn yêu cầu không tồn tại.</p><a href='/'>Về trang chủ</a>"
           "</div><footer>Văn phòng UBND tỉnh</footer></body></html>")
    params = params_of("function.dossier_lookup")
    finding = available(lookup_snapshot(app), params)
    assert (finding.status, finding.fraction) == (Status.PARTIAL, params.broken_credit)
    # A page with content of its own that mentions such a page is no missing page.
    news = ("<html><head><title>Tin tức</title></head><body><main><h1>Hướng dẫn tra cứu</h1><p>"
            + "Khi gặp thông báo trang không tồn tại, hãy kiểm tra lại đường dẫn. " * 12
            + "</p>" + LABELLED_FORM + "</main></body></html>")
    assert available(lookup_snapshot(news), params).status == Status.PASS


def test_a_lookup_that_found_no_dossier_is_not_a_missing_page() -> None:
    answer = lookup_page(LABELLED_FORM).replace("</body>", "<p>Không tìm thấy hồ sơ có mã đã nhập.</p></body>")
    assert available(lookup_snapshot(answer), params_of("function.dossier_lookup")).status == Status.PASS


def test_an_entry_that_lands_elsewhere_says_where() -> None:
    """The submission entry "works" beside a screenshot of the login page it redirected to."""
    snapshot = lookup_snapshot(lookup_page(LABELLED_FORM))
    snapshot.pages[1].final_url = HOME + "dang-nhap?next=/tra-cuu"
    row = available(snapshot, params_of("function.dossier_lookup")).evidence[0].value[0]
    assert row["landed on"] == HOME + "dang-nhap?next=/tra-cuu"
    straight = available(lookup_snapshot(lookup_page(LABELLED_FORM)), params_of("function.dossier_lookup"))
    assert straight.evidence[0].value[0]["landed on"] == ""


def test_available_crashing_scripts_count_as_broken() -> None:
    snapshot = lookup_snapshot(lookup_page(LABELLED_FORM))
    snapshot.pages[1].page_errors = ["TypeError: x is undefined"]
    assert available(snapshot, params_of("function.dossier_lookup")).fraction == 0.25


def test_available_fails_when_missing_and_averages_functions() -> None:
    params = params_of("function.sso_login")
    none = make_snapshot(page(HOME, home_with(("/gioi-thieu", "Giới thiệu"))))
    assert available(none, params).status == Status.FAIL
    login_only = make_snapshot(page(HOME, home_with(("/dang-nhap", "Đăng nhập"))),
                               page(HOME + "dang-nhap", "<html><body>Đăng nhập</body></html>", depth=1))
    finding = available(login_only, params)
    assert finding.status == Status.PARTIAL and abs(finding.fraction - 1 / 3) < 1e-9
    # Each function by the name the rubric gives it, not its key ("login: hoạt động").
    assert finding.message.vi == ("Đăng nhập: hoạt động; Đăng nhập một lần (SSO): không tìm thấy; "
                                  "Đăng nhập bằng VNeID: không tìm thấy")
    assert finding.message.en == "Log-in: works; Single sign-on: not found; VNeID log-in: not found"
    # And so does the evidence, in each language: the table's rows, and the entry's labels.
    rows = finding.evidence[0].value
    assert [row["function"] for row in rows] == [Text(vi="Đăng nhập", en="Log-in"),
                                                 Text(vi="Đăng nhập một lần (SSO)", en="Single sign-on"),
                                                 Text(vi="Đăng nhập bằng VNeID", en="VNeID log-in")]
    assert rows[0]["outcome"] == Text(vi="hoạt động", en="works")
    selector = next(e for e in finding.evidence if e.kind == "selector")
    assert selector.label_in("vi") == "Đăng nhập: Đăng nhập" and selector.label_in("en") == "Log-in: Đăng nhập"


def test_a_function_the_rubric_gives_no_name_is_called_by_its_key() -> None:
    params = params_of("function.sso_login").model_copy(deep=True)
    params.functions = {"dang_nhap": params.functions["login"].model_copy(update={"name": None})}
    login_only = make_snapshot(page(HOME, home_with(("/dang-nhap", "Đăng nhập"))),
                               page(HOME + "dang-nhap", "<html><body>Đăng nhập</body></html>", depth=1))
    finding = available(login_only, params)
    assert finding.message.en == "dang_nhap: works"
    assert finding.evidence[0].value[0]["function"] == Text(vi="dang_nhap", en="dang_nhap")


# --------------------------------------------------------------------------- catalogue
def catalogue_snapshot(procedures: int):
    rows = "".join(f'<a href="/thu-tuc-hanh-chinh/1.00{i}.000.00.00.H35">Thủ tục {i}</a>' for i in range(procedures))
    return make_snapshot(page(HOME, home_with(("/thu-tuc-hanh-chinh", "Thủ tục hành chính"))),
                         page(HOME + "thu-tuc-hanh-chinh", f"<html><body>{rows}</body></html>", depth=1))


def test_catalogue_pass_and_thin_list() -> None:
    params = params_of("function.catalogue")
    assert catalogue(catalogue_snapshot(12), params).status == Status.PASS
    thin = catalogue(catalogue_snapshot(2), params)
    assert thin.status == Status.PARTIAL and "2" in thin.message.en


# --------------------------------------------------------------------------- search
def search_use(query: str, results: int, procedure: bool | None = True, **fields: object) -> FormUse:
    return FormUse(function="catalogue_search", page_url=HOME, selector="form#s input#q", query=query, status=200,
                   results=[(f"{HOME}thu-tuc-hanh-chinh/{n}", query) for n in range(results)],
                   followed_is_procedure=procedure if results else None, screenshot="functions/search-0.jpg", **fields)


def test_search_outcomes() -> None:
    params = params_of("function.catalogue_search")
    good = make_snapshot(page(), functions=FunctionFacts(searches=[search_use("khai sinh", 3)]))
    finding = catalogue_search(good, params)
    assert finding.status == Status.PASS and any(e.kind == "screenshot" for e in finding.evidence)
    mixed = make_snapshot(page(), functions=FunctionFacts(searches=[
        search_use("khai sinh", 3), search_use("kinh doanh", 0), search_use("xay dung", 2, procedure=False)]))
    assert abs(catalogue_search(mixed, params).fraction - 0.5) < 1e-9
    # "0 results" stood above a result page listing six procedures, none matching the query.
    rows = catalogue_search(mixed, params).evidence[0].value
    assert [(row["từ khóa / query"], row["kết quả khớp từ khóa / results matching the query"],
             row["kết luận / outcome"]) for row in rows] == [
        ("khai sinh", 3, Text(vi="kết quả dẫn tới trang thủ tục", en="results lead to a procedure page")),
        ("kinh doanh", 0, Text(vi="không có kết quả khớp từ khóa", en="no result matches the query")),
        ("xay dung", 2, Text(vi="kết quả không dẫn tới trang thủ tục", en="results do not lead to a procedure page"))]
    crashed = make_snapshot(page(), functions=FunctionFacts(searches=[search_use("khai sinh", 0, server_errors=["HTTP 500"])]))
    assert catalogue_search(crashed, params).status == Status.FAIL
    no_box = make_snapshot(page(), functions=FunctionFacts())
    assert catalogue_search(no_box, params).status == Status.FAIL


def test_search_not_collected_is_error_or_needs_review() -> None:
    params = params_of("function.catalogue_search")
    assert catalogue_search(make_snapshot(page()), params).status == Status.NEEDS_REVIEW
    failed = make_snapshot(page(), gather_errors={"functions": "TimeoutError: x"})
    assert catalogue_search(failed, params).status == Status.ERROR


# --------------------------------------------------------------------------- lookup
def lookup_use(message: str, status: int = 200, **fields: object) -> FormUse:
    return FormUse(function="lookup", page_url=LOOKUP_URL, selector="form#lookup-form input#ma",
                   query="KHONG-TON-TAI", status=status, message=message, **fields)


def test_lookup_outcomes() -> None:
    params = params_of("function.dossier_lookup")

    def judge(*uses: FormUse):
        snapshot = lookup_snapshot(lookup_page(LABELLED_FORM), functions=FunctionFacts(lookups=list(uses)))
        return dossier_lookup(snapshot, params)

    assert judge(lookup_use("Khong tim thay ho so co ma KHONG-TON-TAI")).status == Status.PASS
    assert judge(lookup_use("Tra cứu hồ sơ")).fraction == params.silent_credit
    crashed = judge(lookup_use("Internal Server Error", status=500, server_errors=["HTTP 500 /tra-cuu"]))
    assert crashed.fraction == params.crash_credit and "500" in crashed.message.en
    assert judge().fraction == params.silent_credit  # entry there, no code field found
    missing = make_snapshot(page(HOME, home_with(("/gioi-thieu", "Giới thiệu"))), functions=FunctionFacts())
    assert dossier_lookup(missing, params).status == Status.FAIL


def test_a_lookup_page_whose_form_is_in_a_frame_says_the_frame_was_not_examined() -> None:
    """The one-stop back office's lookup widget, embedded: the field may well be there."""
    framed = lookup_page('<iframe title="Tra cứu hồ sơ" src="/embed/tra-cuu"></iframe>')
    finding = dossier_lookup(lookup_snapshot(framed, functions=FunctionFacts()), params_of("function.dossier_lookup"))
    assert finding.fraction == params_of("function.dossier_lookup").silent_credit
    assert "embeds a frame (/embed/tra-cuu), whose content was not examined" in finding.message.en


# --------------------------------------------------------------------------- procedure pages
def procedures_snapshot(*htmls: str, sampled: list[SampledPage] | None = None):
    pages = [page(HOME, home_with(("/thu-tuc-hanh-chinh", "Thủ tục hành chính")))]
    pages += [page(f"{HOME}thu-tuc/{n}", html, depth=2) for n, html in enumerate(htmls)]
    return make_snapshot(*pages, functions=FunctionFacts(procedures=sampled or []))


def test_procedure_fields_full_partial_and_none() -> None:
    params = params_of("function.procedure_fields")
    assert procedure_fields(procedures_snapshot(FULL_PROCEDURE), params).status == Status.PASS
    mixed = procedure_fields(procedures_snapshot(FULL_PROCEDURE, SPARSE_PROCEDURE), params)
    assert mixed.status == Status.PARTIAL
    table = next(e for e in mixed.evidence if e.kind == "table")
    shares = {row["field"]: row["pages"] for row in table.value}
    assert shares["steps"] == 1 and shares["time_limit"] == 2 and shares["forms"] == 1
    assert procedure_fields(procedures_snapshot(), params).status == Status.FAIL


def test_sampled_procedure_pages_count() -> None:
    sampled = SampledPage(url=HOME + "thu-tuc/9", status=200, text=SPARSE_PROCEDURE)
    finding = service_levels(procedures_snapshot(FULL_PROCEDURE, sampled=[sampled]), params_of("function.service_levels"))
    assert finding.status == Status.PARTIAL and "1/2" in finding.message.en


def test_service_levels_counts_full_process_share() -> None:
    params = params_of("function.service_levels")
    old_label = FULL_PROCEDURE.replace("Toàn trình", "Mức độ 3")
    finding = service_levels(procedures_snapshot(FULL_PROCEDURE, old_label), params)
    assert finding.status == Status.PASS
    summary = finding.evidence[0].value[0]
    assert summary["full process"] == 1 and summary["partial"] == 1 and summary["full-process share"] == "50%"
    assert service_levels(procedures_snapshot(SPARSE_PROCEDURE), params).status == Status.FAIL


# --------------------------------------------------------------------------- reachability
def test_reachability_within_and_beyond_three_clicks() -> None:
    params = params_of("function.reachability")
    links = [(f"/{name}", text) for name, text in [
        ("thu-tuc-hanh-chinh", "Thủ tục hành chính"), ("nop-ho-so", "Nộp hồ sơ trực tuyến"),
        ("tra-cuu-ho-so", "Tra cứu hồ sơ"), ("thanh-toan", "Thanh toán trực tuyến"), ("dang-nhap", "Đăng nhập"),
        ("phan-anh-kien-nghi", "Phản ánh, kiến nghị"), ("danh-gia-hai-long", "Đánh giá hài lòng"),
        ("thong-ke", "Thống kê"), ("huong-dan", "Hướng dẫn sử dụng")]]
    links.append(("/thu-tuc-hanh-chinh/1.001193.000.00.00.H35", "Đăng ký khai sinh"))
    assert reachability(make_snapshot(page(HOME, home_with(*links))), params).status == Status.PASS
    chain = [page(HOME, home_with(("/a", "Giới thiệu"), ("/dang-nhap", "Đăng nhập")))]
    for depth, path in enumerate(["/a", "/a/b", "/a/b/c"], start=1):
        nxt = {"/a": "/a/b", "/a/b": "/a/b/c"}.get(path)
        body = home_with((nxt, "Tiếp")) if nxt else home_with(*links)
        chain.append(page(HOME.rstrip("/") + path, body, depth=depth, found_on=chain[-1].final_url))
    finding = reachability(make_snapshot(*chain), params)
    assert finding.status == Status.PARTIAL
    rows = {row["target"]: row for row in finding.evidence[0].value}
    assert rows["login"]["clicks"] == 1 and rows["lookup"]["clicks"] == 4 and not rows["lookup"]["ok"]
    assert rows["lookup"]["path"].startswith(HOME + " → " + HOME + "a")


# --------------------------------------------------------------------------- link health
def test_link_health_outcomes() -> None:
    params = params_of("function.link_health")

    def judge(broken: int, total: int):
        links = [LinkStatus(url=f"{HOME}p{n}", kind="image" if n == 0 else "link", status=404 if n < broken else 200,
                            found_on=HOME) for n in range(total)]
        return link_health(make_snapshot(page(), functions=FunctionFacts(links=links)), params)

    assert judge(0, 40).status == Status.PASS
    partial = judge(1, 40)
    assert partial.status == Status.PARTIAL and partial.evidence[1].value[0]["url"] == HOME + "p0"
    assert judge(5, 40).status == Status.FAIL
    assert link_health(make_snapshot(page(), functions=FunctionFacts()), params).status == Status.NOT_APPLICABLE


def test_a_crawled_page_that_says_it_was_not_found_is_a_broken_link() -> None:
    links = [LinkStatus(url=f"{HOME}p{n}", kind="link", status=200, found_on=HOME) for n in range(40)]
    snapshot = make_snapshot(page(), page(f"{HOME}p3", SOFT_404, depth=1), functions=FunctionFacts(links=links))
    finding = link_health(snapshot, params_of("function.link_health"))
    assert finding.status == Status.PARTIAL
    assert [row["url"] for row in finding.evidence[1].value] == [f"{HOME}p3"]


# --------------------------------------------------------------------------- closure
def closure_params():
    return load_rubric().closure.parsed


def test_portal_open_and_closed() -> None:
    assert portal_open(make_snapshot(page()), closure_params()).status == Status.PASS
    moved = page(HOME, "<html><body>Cổng DVC quốc gia</body></html>", final_url="https://dichvucong.gov.vn/p/home",
                 redirects=[Hop(url=HOME, status=302, location="https://dichvucong.gov.vn/p/home")])
    finding = portal_open(make_snapshot(moved), closure_params())
    assert finding.status == Status.FAIL and "dichvucong.gov.vn" in finding.message.en
    assert finding.evidence[0].value == "https://dichvucong.gov.vn/p/home"
    notice = page(HOME, "<html><body><div>Cong dich vu cong tinh DA DUNG HOAT DONG</div></body></html>")
    assert portal_open(make_snapshot(notice), closure_params()).status == Status.FAIL
    assert portal_open(make_snapshot(), closure_params()).status == Status.ERROR


@pytest.mark.parametrize(("start", "landed", "status"), [
    ("https://tinh.gov.vn/", "https://dichvucong.tinh.gov.vn/", Status.PASS),
    ("https://www.tinh.gov.vn/", "https://dichvucong.tinh.gov.vn/dvc", Status.PASS),
    ("https://tinh.gov.vn/", "https://www.tinh.gov.vn/", Status.PASS),
    ("https://tinh.gov.vn/", "https://dichvucong.gov.vn/p/home", Status.FAIL),
    ("https://dichvucong.tinh.gov.vn/", "https://tinh.gov.vn/", Status.FAIL),
    ("https://tinh.gov.vn/", "https://nottinh.gov.vn/", Status.FAIL),
])
def test_a_redirect_within_the_portals_own_domain_is_open_and_elsewhere_closed(start: str, landed: str,
                                                                              status: Status) -> None:
    """tinh.gov.vn sending citizens on to dichvucong.tinh.gov.vn (or its SSO host) is the same
    portal; the national portal, another domain or the parent site is not."""
    moved = page(start, final_url=landed, redirects=[Hop(url=start, status=301, location=landed)])
    assert portal_open(make_snapshot(moved, url=start), closure_params()).status == status
