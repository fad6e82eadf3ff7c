"""Files people write for assessor, as editors and spreadsheets save them: a byte-order mark is
accepted, a legacy code page (Windows-1258) is a one-line error naming the line, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assessor.criteria import CriteriaError, default_criteria_path, load_rubric
from assessor.login_recipe import RecipeError, load_recipe
from assessor.portals import PortalsError, load_portals
from assessor.reviews import ReviewError, load_reviews
from tests.zoo.servers import encode_cp1258

PORTALS = """\
portals:
  - id: hanoi
    kind: province
    name: Cổng Dịch vụ công thành phố Hà Nội
    url: https://dichvucong.hanoi.gov.vn/
"""
RECIPE = """\
steps:
  - goto: /dang-nhap
  # Đăng nhập bằng tài khoản thử nghiệm của cổng
  - fill: '#user'
    value: '{env:P_USER}'
logged_in_marker: '#me'
"""
REVIEWS = """\
portal: hanoi
reviews:
  - criterion: function.esign
    points: 1
    note: Đã có quyết định phê duyệt
"""


def load_reviews_with_the_rubric(path: Path) -> object:
    return load_reviews(path, load_rubric())


# (name, loader, a valid file's text, the error it raises)
FILES: list[tuple[str, Callable[[Path], object], str, type[Exception]]] = [
    ("portals.yaml", load_portals, PORTALS, PortalsError),
    ("criteria.yaml", load_rubric, default_criteria_path().read_text(encoding="utf-8"), CriteriaError),
    ("login.yaml", load_recipe, RECIPE, RecipeError),
    ("reviews.yaml", load_reviews_with_the_rubric, REVIEWS, ReviewError),
]


def first_line_not_ascii(text: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1) if not line.isascii())


@pytest.mark.parametrize(("name", "loader", "text", "error"), FILES, ids=[file[0] for file in FILES])
def test_a_file_with_a_byte_order_mark_loads(name: str, loader: Callable[[Path], object], text: str,
                                             error: type[Exception], tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8-sig"))
    assert loader(path) is not None


@pytest.mark.parametrize(("name", "loader", "text", "error"), FILES, ids=[file[0] for file in FILES])
def test_a_file_in_windows_1258_is_an_error_naming_its_line(name: str, loader: Callable[[Path], object], text: str,
                                                            error: type[Exception], tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(encode_cp1258(text))
    with pytest.raises(error) as caught:
        loader(path)
    message = str(caught.value)
    line = first_line_not_ascii(text)
    assert message.startswith(str(path)) and "\n" not in message
    assert f"{path}:{line}: not UTF-8 text" in message or f"{path}: line {line}: not UTF-8 text" in message
