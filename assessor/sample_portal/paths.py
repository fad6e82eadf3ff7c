"""Where each page lives, per theme. Tests and demos read `paths_for(theme)` instead of hard-coding URLs."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Paths:
    home: str
    catalogue: str
    procedure: str  # format with code=
    form_file: str  # format with code=
    submission: str
    submit_form: str  # format with code=
    my_dossiers: str
    lookup: str
    payment: str
    login: str
    logout: str
    sso: str
    vneid: str
    feedback: str
    rating: str
    statistics: str
    guide: str
    faq: str
    assistant: str
    sitemap: str
    english: str
    about: str
    news: str  # format with slug=
    privacy: str
    terms: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


_CLASSIC = Paths(
    home="/",
    catalogue="/thu-tuc-hanh-chinh",
    procedure="/thu-tuc-hanh-chinh/{code}",
    form_file="/bieu-mau/{code}.docx",
    submission="/nop-ho-so-truc-tuyen",
    submit_form="/ca-nhan/nop-ho-so/{code}",
    my_dossiers="/ca-nhan/ho-so",
    lookup="/tra-cuu-ho-so",
    payment="/thanh-toan-truc-tuyen",
    login="/dang-nhap",
    logout="/dang-xuat",
    sso="/dang-nhap/dvcqg",
    vneid="/dang-nhap/vneid",
    feedback="/phan-anh-kien-nghi",
    rating="/danh-gia-hai-long",
    statistics="/thong-ke",
    guide="/huong-dan-su-dung",
    faq="/cau-hoi-thuong-gap",
    assistant="/tro-ly-ao",
    sitemap="/so-do-cong",
    english="/en",
    about="/gioi-thieu",
    news="/tin-tuc/{slug}",
    privacy="/chinh-sach-bao-mat",
    terms="/dieu-khoan-su-dung",
)

_MODERN = Paths(
    home="/",
    catalogue="/dich-vu-cong/thu-tuc",
    procedure="/dich-vu-cong/thu-tuc/{code}",
    form_file="/tai-lieu/bieu-mau/{code}.docx",
    submission="/dich-vu-cong/nop-ho-so",
    submit_form="/tai-khoan/nop-ho-so/{code}",
    my_dossiers="/tai-khoan/ho-so-cua-toi",
    lookup="/dich-vu-cong/tra-cuu-ho-so",
    payment="/dich-vu-cong/thanh-toan",
    login="/tai-khoan/dang-nhap",
    logout="/tai-khoan/dang-xuat",
    sso="/tai-khoan/dang-nhap-dvcqg",
    vneid="/tai-khoan/dang-nhap-vneid",
    feedback="/tuong-tac/phan-anh-kien-nghi",
    rating="/tuong-tac/danh-gia-hai-long",
    statistics="/so-lieu/thong-ke",
    guide="/ho-tro/huong-dan",
    faq="/ho-tro/hoi-dap",
    assistant="/ho-tro/tro-ly-ao",
    sitemap="/so-do-trang",
    english="/en",
    about="/gioi-thieu",
    news="/tin-tuc/{slug}",
    privacy="/chinh-sach-bao-mat",
    terms="/dieu-khoan-su-dung",
)

# The SPA keeps the classic URLs: only the rendering moves to the browser.
_BY_THEME = {"classic": _CLASSIC, "modern": _MODERN, "spa": _CLASSIC}


def paths_for(theme: str) -> Paths:
    return _BY_THEME[theme]
