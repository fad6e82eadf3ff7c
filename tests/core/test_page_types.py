"""Telling a page's type from its address and title (layout.consistency, emc.coverage)."""

from __future__ import annotations

import pytest

from assessor.checks.common import page_type
from tests.builders import BASE_URL, page


@pytest.mark.parametrize(("path", "title", "expected"), [
    # A section of the site says what its pages are, whatever the article's words: a news item
    # about logging in is news, not the login page.
    ("tin-tuc/huong-dan-dang-nhap-vneid", "Hướng dẫn đăng nhập bằng VNeID", "news"),
    ("tin-tuc/ket-qua-danh-gia-quy-4-2023", "Kết quả đánh giá quý 4", "news"),
    ("ho-tro/huong-dan-nop-ho-so", "Hướng dẫn nộp hồ sơ", "support"),
    # Without a section that names a type, any word of the path or title does, in the rules' order.
    ("dang-nhap", "Đăng nhập", "login"),
    ("dvc/tra-cuu-ho-so", "Tra cứu", "lookup"),
    ("portal/p/123", "Thống kê", "statistics"),
    ("en", "English", "english"),
    ("gioi-thieu", "Giới thiệu", "other"),
])
def test_page_types(path: str, title: str, expected: str) -> None:
    html = f"<html><head><title>{title}</title></head><body><p>{title}</p></body></html>"
    assert page_type(page(BASE_URL + path, html, depth=1).model_copy(update={"title": title})) == expected
