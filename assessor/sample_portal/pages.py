"""Pages of the portal as data: a `Page` is a title, breadcrumbs and a list of blocks.

The same `Page` is rendered by Jinja for the classic and modern themes and serialised to JSON for
the SPA, whose JavaScript renders the blocks in the browser. Routing and the function defects
(missing or broken functions, sparse procedures, ...) live here; HTTP concerns live in `app.py`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Union

from . import content as c
from .paths import Paths
from .profile import Profile


# ----------------------------------------------------------------------------- the page model
@dataclass
class Link:
    href: str
    text: str
    desc: str = ""
    id: str = ""


Item = Union[str, Link]


@dataclass
class Heading:
    text: str
    level: int = 2
    kind: str = "heading"


@dataclass
class Text:
    text: str
    kind: str = "text"


@dataclass
class Notice:
    text: str
    tone: str = "info"  # info | success | error | warning
    id: str = ""
    kind: str = "notice"


@dataclass
class LinkList:
    links: list[Link]
    style: str = "list"  # list | tiles | buttons
    title: str = ""
    kind: str = "links"


@dataclass
class FormField:
    name: str
    label: str
    type: str = "text"  # text | search | password | email | tel | select | textarea | file | checkbox
    required: bool = False
    options: list[tuple[str, str]] = field(default_factory=list)
    value: str = ""
    autocomplete: str = ""
    hint: str = ""


@dataclass
class Form:
    action: str
    fields: list[FormField]
    submit: str
    method: str = "get"
    id: str = ""
    enctype: str = ""
    role: str = ""
    kind: str = "form"


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[Item]]
    kind: str = "table"


@dataclass
class Sections:
    """Labelled sections of a procedure page: each label is an <h2>, its items below it."""
    items: list[tuple[str, list[Item]]]
    kind: str = "sections"


@dataclass
class Image:
    src: str
    alt: str
    width: int
    height: int
    cls: str = ""
    kind: str = "image"


@dataclass
class Pager:
    links: list[Link]
    current: int
    kind: str = "pager"


Block = Union[Heading, Text, Notice, LinkList, Form, Table, Sections, Image, Pager]


@dataclass
class Page:
    title: str
    blocks: list[Block]
    page_type: str
    breadcrumbs: list[Link] = field(default_factory=list)
    dvc: tuple[str, str, str] | None = None  # (procedure code, name, step) pushed to EMC with trackDVC
    lang: str = "vi"
    status: int = 200

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Redirect:
    location: str
    status: int = 302
    login_user: str | None = None  # a successful login: the app opens a session for this user
    logout: bool = False


class NotFound(Exception):
    """No page at this path (or the function is switched off)."""


class MethodNotAllowed(Exception):
    """The path exists but not for this method (answers 405)."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__(", ".join(allowed))
        self.allowed = allowed


class Crash(Exception):
    """A simulated server-side failure (answers 500)."""


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    user: str | None


# ----------------------------------------------------------------------------- navigation
FUNCTION_TITLES: dict[str, str] = {
    "catalogue": "Thủ tục hành chính",
    "submission": "Nộp hồ sơ trực tuyến",
    "lookup": "Tra cứu hồ sơ",
    "payment": "Thanh toán trực tuyến",
    "feedback": "Phản ánh, kiến nghị",
    "rating": "Đánh giá hài lòng",
    "statistics": "Thống kê",
    "guide": "Hướng dẫn sử dụng",
    "faq": "Câu hỏi thường gặp",
    "assistant": "Trợ lý ảo",
    "login": "Đăng nhập",
}
_FUNCTION_DESC: dict[str, str] = {
    "catalogue": "Tra cứu danh mục thủ tục hành chính của tỉnh",
    "submission": "Nộp hồ sơ dịch vụ công trực tuyến",
    "lookup": "Tra cứu tình trạng giải quyết hồ sơ theo mã",
    "payment": "Thanh toán phí, lệ phí qua nền tảng quốc gia",
    "feedback": "Gửi phản ánh, kiến nghị về thủ tục hành chính",
    "rating": "Đánh giá mức độ hài lòng khi giải quyết hồ sơ",
    "statistics": "Số liệu tiếp nhận và giải quyết hồ sơ",
    "guide": "Hướng dẫn sử dụng cổng dịch vụ công",
    "faq": "Giải đáp các câu hỏi thường gặp",
    "assistant": "Hỏi đáp tự động 24/7",
    "login": "Đăng nhập tài khoản",
}
# The 4-click chain that deep_navigation hides the functions behind.
DEEP_CHAIN: list[tuple[str, str]] = [
    ("/gioi-thieu", "Giới thiệu"),
    ("/gioi-thieu/co-cau-to-chuc", "Cơ cấu tổ chức"),
    ("/gioi-thieu/co-cau-to-chuc/van-phong", "Văn phòng UBND tỉnh"),
    ("/gioi-thieu/co-cau-to-chuc/van-phong/tien-ich", "Tiện ích trực tuyến"),
]


def function_links(profile: Profile, paths: Paths, with_desc: bool = False) -> list[Link]:
    links = []
    for key, title in FUNCTION_TITLES.items():
        if profile.has(key):
            links.append(Link(getattr(paths, key), title, _FUNCTION_DESC[key] if with_desc else ""))
    return links


def main_nav(profile: Profile, paths: Paths) -> list[Link]:
    """The main menu. With deep_navigation the functions are only reachable through DEEP_CHAIN."""
    nav = [Link(paths.home, "Trang chủ"), Link(paths.about, "Giới thiệu")]
    if not profile.deep_navigation:
        nav += [link for link in function_links(profile, paths) if link.href != paths.login]
    return nav


# ----------------------------------------------------------------------------- helpers
_PAGE_SIZE = 10


def _crumbs(paths: Paths, *trail: tuple[str, str]) -> list[Link]:
    return [Link(paths.home, "Trang chủ")] + [Link(href, text) for href, text in trail]


def _level_label(profile: Profile, proc: c.Procedure) -> str:
    return "" if profile.no_service_levels else proc.level


def _submit_button(paths: Paths, code: str) -> Link:
    return Link(paths.submit_form.format(code=code), "Nộp hồ sơ trực tuyến", id="btn-nop-ho-so")


def _login_required(req: Request, paths: Paths) -> Redirect | None:
    if req.user is None:
        return Redirect(f"{paths.login}?next={req.path}")
    return None


# ----------------------------------------------------------------------------- page builders
def home(req: Request, p: Profile, paths: Paths) -> Page:
    blocks: list[Block] = []
    if p.closure_notice:
        blocks.append(Notice("Cổng dịch vụ công tỉnh đã dừng hoạt động, mời truy cập Cổng Dịch vụ công quốc gia "
                             f"tại {c.NATIONAL_PORTAL_URL}", tone="warning", id="closure-notice"))
    blocks.append(Heading(f"Chào mừng đến với {c.PORTAL_NAME}", level=1))
    blocks.append(Text("Cổng cung cấp thông tin thủ tục hành chính và dịch vụ công trực tuyến của các cơ quan "
                       "nhà nước tỉnh Lâm Hà cho người dân và doanh nghiệp."))
    if not p.no_search_box and p.has("catalogue"):
        blocks.append(Form(paths.catalogue, [FormField("q", "Tìm kiếm thủ tục hành chính", "search",
                                                       hint="Ví dụ: đăng ký khai sinh")],
                           "Tìm kiếm", id="home-search", role="search"))
    if not p.deep_navigation:
        blocks.append(LinkList(function_links(p, paths, with_desc=True), style="tiles", title="Dịch vụ nổi bật"))
    blocks.append(Image("/static/img/banner-dvc.svg", "Người dân nộp hồ sơ trực tuyến tại nhà", 960, 240,
                        cls="banner"))
    if p.heavy_images:
        blocks += [Image(f"/static/img/anh-su-kien-{i}.png", f"Ảnh sự kiện số {i}", 1200, 400, cls="banner")
                   for i in range(1, 4)]
    if p.broken_images:
        blocks += [Image("/static/img/anh-tin-moi.jpg", "Ảnh tin mới", 320, 180, cls="thumb"),
                   Image("/images/stories/hoi-nghi-2019.jpg", "Hội nghị tổng kết", 320, 180, cls="thumb")]
    blocks.append(LinkList([Link(paths.news.format(slug=slug), title, date) for slug, title, date in c.NEWS],
                           title="Tin tức - Sự kiện"))
    total = sum(s[0] for s in c.STATISTICS.values())
    on_time = sum(s[2] for s in c.STATISTICS.values())
    blocks.append(Text(f"Năm 2024 đã tiếp nhận {total:,} hồ sơ, {on_time / total:.1%} giải quyết đúng hạn."
                       .replace(",", ".")))
    return Page(c.PORTAL_NAME, blocks, "home")


def catalogue(req: Request, p: Profile, paths: Paths) -> Page:
    q = req.query.get("q", "").strip()
    agency = req.query.get("co_quan", "")
    level = req.query.get("muc_do", "")
    try:
        page_no = max(1, int(req.query.get("trang", "1")))
    except ValueError:
        page_no = 1
    if p.search_delay_ms and (q or agency or level):
        time.sleep(p.search_delay_ms / 1000)  # the server answers each request from its own thread
    found = c.search_procedures(q, agency if agency in c.AGENCIES else "", level if level in c.LEVELS else "")
    if p.search_broken and (q or agency or level):
        found = []
    level_options = [] if p.no_service_levels else [("", "Tất cả")] + list(c.LEVELS.items())
    fields = [
        FormField("q", "Từ khóa", "search", value=q, hint="Tên thủ tục, mã thủ tục hoặc lĩnh vực"),
        FormField("co_quan", "Cơ quan thực hiện", "select", options=[("", "Tất cả")] + list(c.AGENCIES.items()),
                  value=agency),
    ]
    if level_options:
        fields.append(FormField("muc_do", "Mức độ dịch vụ", "select", options=level_options, value=level))
    blocks: list[Block] = [Heading("Danh mục thủ tục hành chính", 1),
                           Form(paths.catalogue, fields, "Tìm kiếm", id="procedure-search", role="search")]
    pages = max(1, -(-len(found) // _PAGE_SIZE))
    page_no = min(page_no, pages)
    shown = found[(page_no - 1) * _PAGE_SIZE: page_no * _PAGE_SIZE]
    if found:
        blocks.append(Text(f"Tìm thấy {len(found)} thủ tục."))
        head = ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện"]
        if not p.no_service_levels:
            head.append("Mức độ")
        rows: list[list[Item]] = []
        for proc in shown:
            row: list[Item] = [proc.code, Link(paths.procedure.format(code=proc.code), proc.name), proc.field,
                               proc.agency_name]
            if not p.no_service_levels:
                row.append(proc.level)
            rows.append(row)
        blocks.append(Table("Kết quả tìm kiếm thủ tục hành chính", head, rows))
    else:
        blocks.append(Notice(f"Không tìm thấy thủ tục nào phù hợp với từ khóa “{q}”.", tone="warning",
                             id="no-results"))
    if pages > 1:
        base = {k: v for k, v in (("q", q), ("co_quan", agency), ("muc_do", level)) if v}
        links = []
        for n in range(1, pages + 1):
            query = "&".join(f"{k}={v}" for k, v in {**base, "trang": str(n)}.items())
            links.append(Link(f"{paths.catalogue}?{query}", str(n)))
        blocks.append(Pager(links, page_no))
    return Page("Thủ tục hành chính", blocks, "catalogue", _crumbs(paths, (paths.catalogue, "Thủ tục hành chính")))


_ALL_SECTIONS = ("Tên thủ tục", "Mã thủ tục", "Lĩnh vực", "Trình tự thực hiện", "Cách thức thực hiện",
                 "Thành phần hồ sơ", "Thời hạn giải quyết", "Đối tượng thực hiện", "Cơ quan thực hiện",
                 "Kết quả thực hiện", "Phí, lệ phí", "Căn cứ pháp lý", "Biểu mẫu")
# What sparse_procedures keeps: about half of the fields.
_SPARSE_SECTIONS = {"Tên thủ tục", "Mã thủ tục", "Lĩnh vực", "Cách thức thực hiện", "Thời hạn giải quyết",
                    "Cơ quan thực hiện"}


def procedure(req: Request, p: Profile, paths: Paths, code: str) -> Page:
    proc = c.PROCEDURES_BY_CODE.get(code)
    if proc is None:
        raise NotFound(code)
    form_link = Link(paths.form_file.format(code=code), f"Mẫu đơn, tờ khai {proc.name.lower()} (.docx)")
    channel = ["Trực tuyến: nộp hồ sơ trên Cổng Dịch vụ công tỉnh Lâm Hà hoặc Cổng Dịch vụ công quốc gia.",
               "Trực tiếp: tại Trung tâm Phục vụ hành chính công tỉnh hoặc bộ phận một cửa cấp xã.",
               "Qua dịch vụ bưu chính công ích."]
    sections: dict[str, list[Item]] = {
        "Tên thủ tục": [proc.name],
        "Mã thủ tục": [proc.code],
        "Lĩnh vực": [proc.field],
        "Trình tự thực hiện": ["Bước 1: Tổ chức, cá nhân chuẩn bị hồ sơ theo quy định.",
                               "Bước 2: Nộp hồ sơ trực tuyến hoặc trực tiếp tại bộ phận một cửa.",
                               "Bước 3: Cán bộ tiếp nhận kiểm tra, thẩm định hồ sơ.",
                               "Bước 4: Trả kết quả qua tài khoản, bưu chính hoặc trực tiếp."],
        "Cách thức thực hiện": channel,
        "Thành phần hồ sơ": ["Tờ khai theo mẫu (01 bản chính).",
                             "Giấy tờ tùy thân có ảnh (bản sao hoặc bản điện tử).",
                             "Giấy tờ chứng minh liên quan theo quy định (nếu có)."],
        "Thời hạn giải quyết": [proc.days],
        "Đối tượng thực hiện": ["Công dân Việt Nam, người nước ngoài, tổ chức, doanh nghiệp"],
        "Cơ quan thực hiện": [proc.agency_name],
        "Kết quả thực hiện": ["Văn bản, giấy chứng nhận hoặc giấy phép theo quy định (bản điện tử và bản giấy)."],
        "Phí, lệ phí": [proc.fee],
        "Căn cứ pháp lý": ["Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của Chính phủ.",
                           "Nghị định số 45/2020/NĐ-CP về thực hiện thủ tục hành chính trên môi trường điện tử."],
        "Biểu mẫu": [form_link],
    }
    keep = _SPARSE_SECTIONS if p.sparse_procedures else set(_ALL_SECTIONS)
    items = [(label, sections[label]) for label in _ALL_SECTIONS if label in keep]
    if not p.no_service_levels:
        items.insert(3, ("Mức độ dịch vụ", [proc.level]))
    blocks: list[Block] = [Heading(proc.name, 1)]
    level = _level_label(p, proc)
    if level:
        blocks.append(Notice(f"Dịch vụ công trực tuyến: {level}", tone="info", id="service-level"))
    blocks.append(Sections(items))
    if p.has("submission"):
        blocks.append(LinkList([_submit_button(paths, code)], style="buttons"))
    return Page(proc.name, blocks, "procedure",
                _crumbs(paths, (paths.catalogue, "Thủ tục hành chính"), (req.path, proc.name)),
                dvc=(proc.code, proc.name, "view"))


def submission(req: Request, p: Profile, paths: Paths) -> Page | Redirect:
    redirect = _login_required(req, paths)
    if redirect:
        return redirect
    online = [proc for proc in c.PROCEDURES if proc.level_key == "toan-trinh"][:15]
    return Page("Nộp hồ sơ trực tuyến", [
        Heading("Nộp hồ sơ trực tuyến", 1),
        Text("Chọn thủ tục hành chính cần nộp hồ sơ:"),
        LinkList([Link(paths.submit_form.format(code=proc.code), proc.name, proc.agency_name) for proc in online]),
    ], "submission", _crumbs(paths, (paths.submission, "Nộp hồ sơ trực tuyến")))


def submit_form(req: Request, p: Profile, paths: Paths, code: str) -> Page | Redirect:
    redirect = _login_required(req, paths)
    if redirect:
        return redirect
    proc = c.PROCEDURES_BY_CODE.get(code)
    if proc is None:
        raise NotFound(code)
    crumbs = _crumbs(paths, (paths.my_dossiers, "Tài khoản"), (req.path, "Nộp hồ sơ"))
    if req.method == "POST":
        return Page("Đã nộp hồ sơ", [
            Heading("Nộp hồ sơ thành công", 1),
            Notice(f"Hồ sơ “{proc.name}” đã được tiếp nhận. Mã hồ sơ: H35.22-240601-0999.", tone="success",
                   id="submit-result"),
            LinkList([Link(paths.my_dossiers, "Xem danh sách hồ sơ của tôi")]),
        ], "submission", crumbs, dvc=(proc.code, proc.name, "submitted"))
    fields = [
        FormField("ho_ten", "Họ và tên người nộp", required=True, value=c.TEST_USER_FULL_NAME, autocomplete="name"),
        FormField("so_dinh_danh", "Số định danh cá nhân", required=True, hint="12 chữ số trên thẻ Căn cước"),
        FormField("dien_thoai", "Số điện thoại", "tel", required=True, autocomplete="tel"),
        FormField("email", "Thư điện tử", "email", autocomplete="email"),
        FormField("dia_chi", "Địa chỉ liên hệ", required=True, autocomplete="street-address"),
        FormField("hinh_thuc_nhan", "Hình thức nhận kết quả", "select", required=True,
                  options=[("truc-tuyen", "Nhận bản điện tử"), ("buu-chinh", "Qua bưu chính công ích"),
                           ("truc-tiep", "Trực tiếp tại bộ phận một cửa")]),
        FormField("tep_dinh_kem", "Thành phần hồ sơ đính kèm", "file", required=True,
                  hint="Tệp PDF, JPG hoặc PNG, tối đa 10 MB"),
        FormField("cam_ket", "Tôi cam đoan các thông tin khai trên là đúng sự thật", "checkbox", required=True),
    ]
    return Page(f"Nộp hồ sơ: {proc.name}", [
        Heading(f"Nộp hồ sơ: {proc.name}", 1),
        Text("Các trường có dấu * là bắt buộc."),
        Form(req.path, fields, "Nộp hồ sơ", method="post", id="submit-dossier", enctype="multipart/form-data"),
    ], "submission", crumbs, dvc=(proc.code, proc.name, "form"))


def my_dossiers(req: Request, p: Profile, paths: Paths) -> Page | Redirect:
    redirect = _login_required(req, paths)
    if redirect:
        return redirect
    rows: list[list[Item]] = []
    for d in c.DOSSIERS.values():
        if d.applicant == c.TEST_USER_FULL_NAME:
            proc = c.PROCEDURES_BY_CODE[d.procedure_code]
            rows.append([d.code, Link(paths.procedure.format(code=proc.code), proc.name), d.received, d.status])
    return Page("Hồ sơ của tôi", [
        Heading("Hồ sơ của tôi", 1),
        Table("Danh sách hồ sơ đã nộp", ["Mã hồ sơ", "Thủ tục", "Ngày nộp", "Trạng thái"], rows),
        LinkList([Link(paths.submission, "Nộp hồ sơ mới")], style="buttons"),
    ], "account", _crumbs(paths, (paths.my_dossiers, "Hồ sơ của tôi")))


def lookup(req: Request, p: Profile, paths: Paths) -> Page:
    code = req.query.get("ma_ho_so", "").strip()
    if code and p.lookup_crashes:
        raise Crash(f"dossier lookup failed for {code}")
    blocks: list[Block] = [
        Heading("Tra cứu hồ sơ", 1),
        Text("Nhập mã hồ sơ in trên giấy tiếp nhận để xem tình trạng giải quyết."),
        Form(paths.lookup, [FormField("ma_ho_so", "Mã hồ sơ", required=True, value=code,
                                      hint="Ví dụ: H35.22-240101-0001")], "Tra cứu", id="lookup-form"),
    ]
    if code:
        dossier = c.DOSSIERS.get(code.upper())
        if dossier is None:
            blocks.append(Notice(f"Không tìm thấy hồ sơ có mã “{code}”. Vui lòng kiểm tra lại mã hồ sơ.",
                                 tone="error", id="lookup-result"))
        else:
            proc = c.PROCEDURES_BY_CODE[dossier.procedure_code]
            blocks.append(Notice(f"Hồ sơ {dossier.code}: {dossier.status}", tone="success", id="lookup-result"))
            blocks.append(Sections([("Mã hồ sơ", [dossier.code]), ("Thủ tục", [proc.name]),
                                    ("Cơ quan giải quyết", [proc.agency_name]),
                                    ("Ngày tiếp nhận", [dossier.received]), ("Hạn trả kết quả", [dossier.due]),
                                    ("Trạng thái", [dossier.status])]))
    return Page("Tra cứu hồ sơ", blocks, "lookup", _crumbs(paths, (paths.lookup, "Tra cứu hồ sơ")))


def payment(req: Request, p: Profile, paths: Paths) -> Page:
    return Page("Thanh toán trực tuyến", [
        Heading("Thanh toán trực tuyến", 1),
        Text("Phí, lệ phí giải quyết thủ tục hành chính được thanh toán qua Nền tảng thanh toán trực tuyến của "
             "Cổng Dịch vụ công quốc gia (PayGov), hỗ trợ thẻ ATM nội địa, thẻ quốc tế, ví điện tử và ứng dụng "
             "ngân hàng."),
        Sections([("Các bước thanh toán", ["Bước 1: Đăng nhập và chọn hồ sơ cần thanh toán.",
                                           "Bước 2: Chọn ngân hàng hoặc trung gian thanh toán.",
                                           "Bước 3: Xác nhận giao dịch và nhận biên lai điện tử."])]),
        LinkList([Link(f"{c.NATIONAL_PORTAL_URL}/p/home/dvc-thanh-toan-truc-tuyen.html",
                       "Thanh toán trên Nền tảng thanh toán trực tuyến quốc gia", id="btn-thanh-toan")],
                 style="buttons"),
    ], "payment", _crumbs(paths, (paths.payment, "Thanh toán trực tuyến")))


def login(req: Request, p: Profile, paths: Paths) -> Page | Redirect:
    blocks: list[Block] = [Heading("Đăng nhập", 1)]
    if req.method == "POST":
        if req.form.get("username") == c.TEST_USERNAME and req.form.get("password") == c.TEST_PASSWORD:
            target = req.query.get("next", "")
            if not target.startswith("/") or target.startswith("//"):
                target = paths.my_dossiers
            return Redirect(target, 303, login_user=c.TEST_USERNAME)
        blocks.append(Notice("Tên đăng nhập hoặc mật khẩu không đúng.", tone="error", id="login-error"))
    next_q = f"?next={req.query['next']}" if req.query.get("next") else ""
    blocks.append(Form(paths.login + next_q, [
        FormField("username", "Tên đăng nhập", required=True, autocomplete="username",
                  value=req.form.get("username", "")),
        FormField("password", "Mật khẩu", "password", required=True, autocomplete="current-password"),
    ], "Đăng nhập", method="post", id="login-form"))
    sso = []
    if p.has("sso"):
        sso.append(Link(paths.sso, "Đăng nhập bằng tài khoản Cổng Dịch vụ công quốc gia", id="btn-sso-dvcqg"))
    if p.has("vneid"):
        sso.append(Link(paths.vneid, "Đăng nhập bằng VNeID", id="btn-sso-vneid"))
    if sso:
        blocks.append(LinkList(sso, style="buttons", title="Hoặc đăng nhập bằng"))
    return Page("Đăng nhập", blocks, "login", _crumbs(paths, (paths.login, "Đăng nhập")))


def logout(req: Request, p: Profile, paths: Paths) -> Redirect:
    return Redirect(paths.home, 303, logout=True)


def sso(req: Request, p: Profile, paths: Paths) -> Page:
    return Page("Đăng nhập qua Cổng Dịch vụ công quốc gia", [
        Heading("Đăng nhập qua Cổng Dịch vụ công quốc gia", 1),
        Text("Bạn sẽ được chuyển đến hệ thống xác thực của Cổng Dịch vụ công quốc gia. Sau khi xác thực, hệ thống "
             "tự động quay lại cổng dịch vụ công của tỉnh."),
        LinkList([Link(f"{c.NATIONAL_PORTAL_URL}/p/home/dvc-dang-nhap.html", "Tiếp tục đăng nhập", id="btn-sso-go")],
                 style="buttons"),
    ], "login", _crumbs(paths, (paths.login, "Đăng nhập"), (paths.sso, "Cổng Dịch vụ công quốc gia")))


def vneid(req: Request, p: Profile, paths: Paths) -> Page:
    return Page("Đăng nhập bằng VNeID", [
        Heading("Đăng nhập bằng tài khoản định danh điện tử VNeID", 1),
        Text("Mở ứng dụng VNeID trên điện thoại, chọn “Quét mã QR” và xác nhận đăng nhập."),
        Image("/static/img/ma-qr-vneid.svg", "Mã QR đăng nhập VNeID", 160, 160),
    ], "login", _crumbs(paths, (paths.login, "Đăng nhập"), (paths.vneid, "VNeID")))


def feedback(req: Request, p: Profile, paths: Paths) -> Page:
    crumbs = _crumbs(paths, (paths.feedback, "Phản ánh, kiến nghị"))
    if req.method == "POST":
        return Page("Phản ánh, kiến nghị", [
            Heading("Phản ánh, kiến nghị", 1),
            Notice("Cảm ơn bạn đã gửi phản ánh, kiến nghị. Mã phản ánh: PAKN-2024-0153.", tone="success",
                   id="feedback-result")], "feedback", crumbs)
    return Page("Phản ánh, kiến nghị", [
        Heading("Gửi phản ánh, kiến nghị", 1),
        Text("Các trường có dấu * là bắt buộc."),
        Form(paths.feedback, [
            FormField("ho_ten", "Họ và tên", required=True, autocomplete="name"),
            FormField("email", "Thư điện tử", "email", required=True, autocomplete="email"),
            FormField("dien_thoai", "Số điện thoại", "tel", autocomplete="tel"),
            FormField("tieu_de", "Tiêu đề", required=True),
            FormField("noi_dung", "Nội dung phản ánh, kiến nghị", "textarea", required=True),
        ], "Gửi phản ánh", method="post", id="feedback-form"),
    ], "feedback", crumbs)


def rating(req: Request, p: Profile, paths: Paths) -> Page:
    crumbs = _crumbs(paths, (paths.rating, "Đánh giá hài lòng"))
    if req.method == "POST":
        return Page("Đánh giá hài lòng", [Heading("Đánh giá hài lòng", 1), Notice(
            "Cảm ơn bạn đã đánh giá mức độ hài lòng.", tone="success", id="rating-result")], "rating", crumbs)
    return Page("Đánh giá hài lòng", [
        Heading("Đánh giá mức độ hài lòng", 1),
        Form(paths.rating, [
            FormField("ma_ho_so", "Mã hồ sơ", required=True),
            FormField("muc_do", "Mức độ hài lòng", "select", required=True,
                      options=[("5", "Rất hài lòng"), ("4", "Hài lòng"), ("3", "Bình thường"),
                               ("2", "Không hài lòng"), ("1", "Rất không hài lòng")]),
            FormField("gop_y", "Góp ý thêm", "textarea"),
        ], "Gửi đánh giá", method="post", id="rating-form"),
    ], "rating", crumbs)


def statistics(req: Request, p: Profile, paths: Paths) -> Page:
    rows: list[list[Item]] = []
    for key, (received, processed, on_time) in c.STATISTICS.items():
        rows.append([c.AGENCIES[key], f"{received:,}".replace(",", "."), f"{processed:,}".replace(",", "."),
                     f"{on_time:,}".replace(",", "."), f"{on_time / processed:.1%}".replace(".", ",")])
    return Page("Thống kê", [
        Heading("Thống kê tình hình giải quyết hồ sơ năm 2024", 1),
        Table("Số hồ sơ tiếp nhận và giải quyết theo cơ quan",
              ["Cơ quan", "Đã tiếp nhận", "Đã giải quyết", "Đúng hạn", "Tỷ lệ đúng hạn"], rows),
    ], "statistics", _crumbs(paths, (paths.statistics, "Thống kê")))


def guide(req: Request, p: Profile, paths: Paths) -> Page:
    return Page("Hướng dẫn sử dụng", [
        Heading("Hướng dẫn sử dụng", 1),
        Sections([
            ("Tra cứu thủ tục", ["Vào mục Thủ tục hành chính, nhập từ khóa hoặc chọn cơ quan thực hiện."]),
            ("Nộp hồ sơ trực tuyến", ["Đăng nhập, chọn thủ tục, điền tờ khai điện tử và đính kèm giấy tờ."]),
            ("Theo dõi hồ sơ", ["Dùng mã hồ sơ để tra cứu tình trạng hoặc xem trong mục Hồ sơ của tôi."]),
        ]),
        LinkList([Link("/tai-lieu/huong-dan-su-dung.pdf", "Tải tài liệu hướng dẫn (PDF)")]),
    ], "guide", _crumbs(paths, (paths.guide, "Hướng dẫn sử dụng")))


def faq(req: Request, p: Profile, paths: Paths) -> Page:
    return Page("Câu hỏi thường gặp", [Heading("Câu hỏi thường gặp", 1), Sections([(q, [a]) for q, a in c.FAQ])],
                "faq", _crumbs(paths, (paths.faq, "Câu hỏi thường gặp")))


def assistant(req: Request, p: Profile, paths: Paths) -> Page:
    answer = []
    question = req.query.get("cau_hoi", "").strip()
    if question:
        found = c.search_procedures(question)[:3]
        answer = [Notice("Trợ lý ảo gợi ý các thủ tục: " + "; ".join(proc.name for proc in found) if found else
                         "Xin lỗi, trợ lý ảo chưa tìm thấy câu trả lời phù hợp.", id="assistant-answer")]
    return Page("Trợ lý ảo", [
        Heading("Trợ lý ảo hỗ trợ người dân", 1),
        Form(paths.assistant, [FormField("cau_hoi", "Câu hỏi của bạn", required=True, value=question)], "Hỏi",
             id="assistant-form"),
        *answer,
    ], "assistant", _crumbs(paths, (paths.assistant, "Trợ lý ảo")))


def sitemap(req: Request, p: Profile, paths: Paths) -> Page:
    links = main_nav(p, paths)
    if not p.deep_navigation:
        links += [link for link in function_links(p, paths) if link.href not in {x.href for x in links}]
    if not p.no_english:
        links.append(Link(paths.english, "English"))
    return Page("Sơ đồ cổng", [Heading("Sơ đồ cổng thông tin", 1), LinkList(links)], "sitemap",
                _crumbs(paths, (paths.sitemap, "Sơ đồ cổng")))


def english(req: Request, p: Profile, paths: Paths) -> Page:
    return Page(c.PORTAL_NAME_EN, [
        Heading(c.PORTAL_NAME_EN, 1),
        Text("The portal provides information on administrative procedures and online public services of Lam Ha "
             "province agencies for citizens and businesses."),
        LinkList(([] if p.deep_navigation else [Link(paths.catalogue, "Administrative procedures"),
                                                 Link(paths.lookup, "Dossier lookup")])
                 + [Link(paths.home, "Tiếng Việt")]),
    ], "english", [Link(paths.home, "Home"), Link(paths.english, "English")], lang="en")


def about(req: Request, p: Profile, paths: Paths, depth: int) -> Page:
    href, title = DEEP_CHAIN[depth]
    blocks: list[Block] = [Heading(title, 1)]
    if depth == 0:
        blocks.append(Text(f"{c.PORTAL_NAME} do {c.AGENCY_NAME} quản lý, vận hành."))
    if depth + 1 < len(DEEP_CHAIN):
        nxt_href, nxt_title = DEEP_CHAIN[depth + 1]
        blocks.append(LinkList([Link(nxt_href, nxt_title)]))
    else:
        blocks.append(LinkList(function_links(p, paths, with_desc=True), style="tiles"))
    return Page(title, blocks, "about", _crumbs(paths, *DEEP_CHAIN[: depth + 1]))


def news(req: Request, p: Profile, paths: Paths, slug: str) -> Page:
    for s, title, date in c.NEWS:
        if s == slug:
            return Page(title, [Heading(title, 1), Text(f"Ngày đăng: {date}"),
                                Text("Thực hiện chỉ đạo của UBND tỉnh, các sở, ngành và UBND cấp xã tiếp tục đẩy mạnh "
                                     "cung cấp dịch vụ công trực tuyến, nâng cao chất lượng phục vụ người dân.")],
                        "news", _crumbs(paths, (req.path, title)))
    raise NotFound(slug)


def policy(title: str, text: str) -> Callable[[Request, Profile, Paths], Page]:
    def build(req: Request, p: Profile, paths: Paths) -> Page:
        return Page(title, [Heading(title, 1), Text(text)], "policy", _crumbs(paths, (req.path, title)))
    return build


# ----------------------------------------------------------------------------- routing
Handler = Callable[..., Union[Page, Redirect]]


@dataclass
class Route:
    pattern: re.Pattern[str]
    handler: Handler
    function: str | None = None  # the portal function this route belongs to
    flag_off: str | None = None  # a profile flag that removes the route
    methods: tuple[str, ...] = ("GET",)


def _exact(path: str) -> re.Pattern[str]:
    return re.compile(re.escape(path) + "$")


def _with_param(template: str, name: str) -> re.Pattern[str]:
    prefix, _, suffix = template.partition("{" + name + "}")
    return re.compile(re.escape(prefix) + f"(?P<{name}>[^/]+?)" + re.escape(suffix) + "$")


def build_routes(paths: Paths) -> list[Route]:
    routes = [
        Route(_exact(paths.home), home),
        Route(_exact(paths.catalogue), catalogue, "catalogue"),
        Route(_with_param(paths.procedure, "code"), procedure, "catalogue"),
        Route(_exact(paths.submission), submission, "submission"),
        Route(_with_param(paths.submit_form, "code"), submit_form, "submission", methods=("GET", "POST")),
        Route(_exact(paths.my_dossiers), my_dossiers, "login"),
        Route(_exact(paths.lookup), lookup, "lookup"),
        Route(_exact(paths.payment), payment, "payment"),
        Route(_exact(paths.login), login, "login", methods=("GET", "POST")),
        Route(_exact(paths.logout), logout, "login", methods=("GET", "POST")),
        Route(_exact(paths.sso), sso, "sso"),
        Route(_exact(paths.vneid), vneid, "vneid"),
        Route(_exact(paths.feedback), feedback, "feedback", methods=("GET", "POST")),
        Route(_exact(paths.rating), rating, "rating", methods=("GET", "POST")),
        Route(_exact(paths.statistics), statistics, "statistics"),
        Route(_exact(paths.guide), guide, "guide"),
        Route(_exact(paths.faq), faq, "faq"),
        Route(_exact(paths.assistant), assistant, "assistant"),
        Route(_exact(paths.sitemap), sitemap, flag_off="no_sitemap"),
        Route(_exact(paths.english), english, flag_off="no_english"),
        Route(_with_param(paths.news, "slug"), news, flag_off="broken_links"),
        Route(_exact(paths.privacy), policy("Chính sách bảo mật", "Cổng cam kết bảo vệ dữ liệu cá nhân theo Nghị định "
                                             "13/2023/NĐ-CP."), flag_off="broken_links"),
        Route(_exact(paths.terms), policy("Điều khoản sử dụng", "Người dùng có trách nhiệm cung cấp thông tin trung "
                                           "thực khi sử dụng dịch vụ công trực tuyến."), flag_off="broken_links"),
    ]
    for depth, (href, _title) in enumerate(DEEP_CHAIN):
        routes.append(Route(_exact(href), lambda req, p, paths, depth=depth: about(req, p, paths, depth)))
    return routes


def dispatch(routes: list[Route], req: Request, profile: Profile, paths: Paths) -> Page | Redirect:
    """Find the route for `req` and build its page; NotFound when there is none or it is switched off."""
    for route in routes:
        match = route.pattern.match(req.path)
        if not match:
            continue
        if route.function and (not profile.has(route.function) or route.function in profile.broken_entries):
            raise NotFound(req.path)
        if route.flag_off and getattr(profile, route.flag_off):
            raise NotFound(req.path)
        if (req.method if req.method != "HEAD" else "GET") not in route.methods:
            raise MethodNotAllowed(("HEAD", *route.methods))
        return route.handler(req, profile, paths, **match.groupdict())
    raise NotFound(req.path)
