"""What the checks read from a page's HTML is made once per page, and made again when the HTML changes."""

from __future__ import annotations

from assessor.checks.common import ReadOncePerPage, fold
from tests.builders import page


def test_read_once_per_page_and_again_when_its_html_changes() -> None:
    reads: list[str] = []
    title = ReadOncePerPage(lambda artifact: reads.append(artifact.url) or artifact.html.upper(), limit=2)
    first, second = page("https://a.gov.vn/", html="<p>a</p>"), page("https://b.gov.vn/", html="<p>b</p>")
    assert title(first) == title(first) == "<P>A</P>" and reads == ["https://a.gov.vn/"]
    first.html = "<p>changed</p>"
    assert title(first) == "<P>CHANGED</P>" and len(reads) == 2
    title(second)
    title(page("https://c.gov.vn/", html="<p>c</p>"))  # beyond the limit: the oldest is forgotten
    title(first)
    assert reads.count("https://a.gov.vn/") == 3


def test_fold_strips_vietnamese_diacritics() -> None:
    assert fold("Tra cứu hồ sơ Đăng ký") == "tra cuu ho so dang ky"
