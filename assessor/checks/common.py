"""Helpers shared by the checks of several groups. Append only: other groups add theirs here too."""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Generic, TypeVar
from urllib.parse import SplitResult, urldefrag, urlsplit

import httpx
from bs4 import BeautifulSoup, Tag
from pydantic import BaseModel, Field
from soupsieve import SelectorSyntaxError

from assessor.artifacts.page import PageArtifact
from assessor.model import Evidence, Finding
from assessor.snapshot import Snapshot

T = TypeVar("T")


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case without Vietnamese diacritics ('Tra cứu hồ sơ' -> 'tra cuu ho so'), so that
    keywords match however a portal spells or encodes them. Remembered: the checks fold the same
    keywords and the same menu links of every page over and over."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = unicodedata.normalize("NFKD", text)
    return "".join(char for char in plain if not unicodedata.combining(char)).lower()


class ReadOncePerPage(Generic[T]):
    """What `read` makes of a page's HTML, made once per page: the checks ask for it many times.
    Remembered for the page object and its HTML as they are; a bounded number of pages."""

    def __init__(self, read: Callable[[PageArtifact], T], limit: int = 256) -> None:
        self._read = read
        self._limit = limit
        self._made: dict[int, tuple[str | None, T]] = {}

    def __call__(self, page: PageArtifact) -> T:
        made = self._made.get(id(page))
        if made is not None and made[0] is page.html:
            return made[1]
        value = self._read(page)
        self._made[id(page)] = (page.html, value)
        if len(self._made) > self._limit:
            self._made.pop(next(iter(self._made)))
        return value


# The page's final HTML, parsed.
soup_of: ReadOncePerPage[BeautifulSoup] = ReadOncePerPage(lambda page: BeautifulSoup(page.html or "", "lxml"))


def hidden_elements(page: PageArtifact, soup: BeautifulSoup) -> Callable[[Tag], bool]:
    """Whether an element of `soup` (the page's HTML, parsed) is hidden by the page itself, on it
    or an ancestor: by a hidden attribute or an inline display:none in the HTML, or by its CSS as
    the browser rendered it (`PageArtifact.hidden_roots`, recorded by collect.visibility). A
    recorded path that leads nowhere (the page changed after its HTML was read) hides nothing."""
    by_css: list[Tag] = []
    for path in page.hidden_roots or []:
        try:
            by_css.extend(soup.select(path))
        except SelectorSyntaxError:
            continue
    hidden_ids = {id(element) for element in by_css}  # `by_css` keeps the elements, so their ids hold

    def is_hidden(element: Tag) -> bool:
        for node in [element, *element.parents]:
            if not isinstance(node, Tag):
                continue
            style = fold(str(node.get("style", ""))).replace(" ", "")
            if node.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style or id(node) in hidden_ids:
                return True
        return False

    return is_hidden


class PageTypeRules(BaseModel):
    """How a page's type is recognised: keywords (matched without diacritics) in its URL path or
    title, tried in order; the first type that matches wins. Procedure pages are also told by
    the fields they print (a catalogue lists procedures, a procedure page describes one)."""

    procedure_fields: list[str] = Field(
        default_factory=lambda: ["trình tự thực hiện", "thành phần hồ sơ", "thời hạn giải quyết", "căn cứ pháp lý",
                                 "cách thức thực hiện", "lệ phí"]
    )
    procedure_min_fields: int = 3
    keywords: dict[str, list[str]] = Field(
        default_factory=lambda: {
            "sitemap": ["so-do", "sitemap", "sơ đồ"],
            "english": ["/en", "english"],
            "lookup": ["tra-cuu-ho-so", "tra cứu hồ sơ", "tra-cuu", "tra cứu"],
            "submission": ["nop-ho-so", "nộp hồ sơ"],
            "payment": ["thanh-toan", "thanh toán"],
            "login": ["dang-nhap", "đăng nhập", "login"],
            "feedback": ["phan-anh", "phản ánh", "kien-nghi", "kiến nghị"],
            "rating": ["danh-gia", "đánh giá"],
            "statistics": ["thong-ke", "thống kê", "so-lieu"],
            "support": ["huong-dan", "hướng dẫn", "hoi-dap", "hỏi đáp", "cau-hoi", "câu hỏi", "tro-ly", "trợ lý",
                        "ho-tro"],
            "catalogue": ["thu-tuc", "thủ tục"],
            "news": ["tin-tuc", "tin tức"],
        }
    )


def is_home(page: PageArtifact) -> bool:
    return page.depth == 0 or route_path(page.final_url) in ("", "/")


def page_type(page: PageArtifact, rules: PageTypeRules | None = None) -> str:
    """home, procedure, catalogue, lookup, submission, payment, login, feedback, rating, statistics,
    support, sitemap, english, news or other."""
    rules = rules or PageTypeRules()
    if is_home(page):
        return "home"
    text = fold(soup_of(page).get_text(" ", strip=True)) if page.html else ""
    if sum(fold(label) in text for label in rules.procedure_fields) >= rules.procedure_min_fields:
        return "procedure"
    path = fold(route_path(page.final_url).rstrip("/"))
    title = fold(page.title)
    # The site's section first: /tin-tuc/huong-dan-dang-nhap is a news item about logging in.
    section = path.strip("/").split("/")[0] if path.count("/") > 1 else ""
    for kind, words in rules.keywords.items():
        if section and any(fold(word) in section for word in words if not word.startswith("/")):
            return kind
    for kind, words in rules.keywords.items():
        for word in words:
            word = fold(word)
            if word.startswith("/"):
                if path == word or path.startswith(word + "/"):
                    return kind
            elif word in path or word in title:
                return kind
    return "other"


def pages_by_type(pages: list[PageArtifact], rules: PageTypeRules | None = None) -> dict[str, list[PageArtifact]]:
    grouped: dict[str, list[PageArtifact]] = {}
    for page in pages:
        grouped.setdefault(page_type(page, rules), []).append(page)
    return grouped


class Deductions:
    """A score that starts at 1 and loses a share for each problem found, with the problems named
    in both languages: `add(0.3, vi, en)` per problem, then `finding(...)`."""

    def __init__(self) -> None:
        self.fraction = 1.0
        self.vi: list[str] = []
        self.en: list[str] = []

    def add(self, penalty: float, vi: str, en: str) -> None:
        self.fraction -= penalty
        self.vi.append(vi)
        self.en.append(en)

    def finding(self, passed: tuple[str, str], prefix: tuple[str, str] = ("", ""),
                evidence: list[Evidence] | None = None) -> Finding:
        """`passed` (vi, en) when nothing was deducted; otherwise `prefix` + the problems."""
        if not self.en:
            return Finding.passed(vi=passed[0], en=passed[1], evidence=evidence)
        vi, en = prefix[0] + "; ".join(self.vi), prefix[1] + "; ".join(self.en)
        return Finding.scored(max(0.0, self.fraction), vi=vi[:1].upper() + vi[1:], en=en[:1].upper() + en[1:],
                              evidence=evidence)


def html_pages(snapshot: Snapshot) -> list[PageArtifact]:
    """The pages that loaded and have HTML to read, in crawl order (the home page first)."""
    return [page for page in snapshot.loaded_pages if page.html]


def finding_from_problems(
    fraction: float,
    problems: list[tuple[str, str]],
    passed: tuple[str, str],
    lead: tuple[str, str],
    evidence: list[Evidence],
) -> Finding:
    """`passed` (vi, en) when there is no problem, else `lead` followed by the problems (vi, en)
    joined; the fraction decides pass / partial / fail either way."""
    if not problems:
        return Finding.scored(fraction, passed[0], passed[1], evidence)
    return Finding.scored(
        fraction,
        lead[0] + "; ".join(vi for vi, _ in problems) + ".",
        lead[1] + "; ".join(en for _, en in problems) + ".",
        evidence,
    )


def portal_host(url: str) -> str:
    """A URL's host in lower case without its `www.`: www.tinh.gov.vn and tinh.gov.vn are one site."""
    return (urlsplit(url).hostname or "").lower().removeprefix("www.")


def same_portal(url: str, start_url: str) -> bool:
    """Whether `url` is on the portal assessed from `start_url`: on its host, with or without
    `www.`, or on a subdomain of it (tinh.gov.vn sending citizens on to dichvucong.tinh.gov.vn, or
    to its own SSO host). Another domain, the national portal dichvucong.gov.vn or the province's
    parent site among them, is not; nor is anything but the very address when the start is an IP."""
    host, start = portal_host(url), portal_host(start_url)
    if not start or not host:
        return False
    try:
        ipaddress.ip_address(start.strip("[]"))
    except ValueError:
        return host == start or host.endswith("." + start)
    return host == start


DEFAULT_PORTS = {"http": 80, "https": 443}

# A fragment that names a page of a single-page app routed on it, as Angular's and Vue's hash
# routers write it (#/thu-tuc-hanh-chinh) or AngularJS's hashbang (#!/thu-tuc-hanh-chinh).
ROUTE_FRAGMENT = re.compile(r"^!?(?=/)")


def route_fragment(url: str) -> str | None:
    """The page a URL's fragment routes to (`/thu-tuc?q=1` of `https://h/#/thu-tuc?q=1` or of
    `https://h/#!/thu-tuc?q=1`); None for no fragment or a plain anchor (`#noi-dung`), a place in
    the page the URL shows."""
    fragment = urlsplit(url).fragment
    return ROUTE_FRAGMENT.sub("", fragment, count=1) if ROUTE_FRAGMENT.match(fragment) else None


def routed(url: str) -> SplitResult:
    """A URL's parts as its page is addressed: the page of a hash-routed app lives in the fragment,
    so its path and query are the route's (`https://h/#/thu-tuc/1?x=2`: path `/thu-tuc/1`, query
    `x=2`); any other URL's are its own."""
    parts = urlsplit(url)
    route = route_fragment(url)
    if route is None:
        return parts
    page = urlsplit(route)
    return parts._replace(path=page.path, query=page.query, fragment=page.fragment)


def route_path(url: str) -> str:
    """The path of the page a URL shows (`routed`): what tells the page's kind and its section."""
    return routed(url).path


def canonical_url(url: str) -> str:
    """A URL as the browser loads it: scheme and host in lower case, the default port left out, an
    empty path made `/`, and what a URL may not hold as it is (Vietnamese letters, spaces, quotes)
    percent-encoded. `/tra-cứu?q=hồ sơ`, written so in a portal list, and
    `/tra-c%E1%BB%A9u?q=h%E1%BB%93%20s%C6%A1`, a link's href, are then one page. (httpx encodes as
    the URL standard does, and as Chromium does.) A fragment is left out, being a place in the page,
    unless it is a route (`route_fragment`): `/#/thu-tuc` is a page of its own. The route `/` is the
    app's home page, which the URL without it shows."""
    kept = url if route_fragment(url) not in (None, "/") else urldefrag(url)[0]
    try:
        parsed = httpx.URL(kept)
    except (httpx.InvalidURL, ValueError):
        return kept  # not a URL a browser would load either: compared as it is
    if parsed.is_absolute_url and parsed.host and not urlsplit(kept).path:
        parsed = parsed.copy_with(path="/")  # `https://h` is `https://h/`, as the browser asks for it
    return str(parsed)


# What a portal's own "page not found" page says, folded (lower case, no diacritics). Many portals
# answer it with HTTP 200 (a soft 404): a link to it works for the browser and for no citizen.
NOT_FOUND_PHRASES = [
    "khong tim thay trang", "trang khong ton tai", "trang ban yeu cau khong", "trang ban tim kiem khong",
    "duong dan khong ton tai", "lien ket khong ton tai", "noi dung khong ton tai", "khong tim thay duong dan",
    "page not found", "404 not found", "the page you requested", "loi 404", "error 404",
]


# A page whose own content (header, menus and footer aside) is this short is a message page: what
# it says is what it is. Longer, a "not found" phrase in its text is a quotation (a news item).
MESSAGE_PAGE_CHARS = 300
FRAME_ELEMENTS = ("header", "nav", "footer", "script", "style", "noscript", "template")


def own_text(soup: BeautifulSoup) -> str:
    """The page's text outside its header, menus and footer."""
    root = soup.body or soup
    strings = (text for text in root.find_all(string=True)
               if not any(parent.name in FRAME_ELEMENTS for parent in text.parents))
    return " ".join(" ".join(strings).split())


def not_found_page(page: PageArtifact, phrases: list[str] | None = None) -> str | None:
    """The phrase by which a page that answered 2xx says it is a "page not found" page: in its
    title or its headings, or, on a page with little content of its own (a single-page app's
    "not found" view), in that content. Not anywhere in a longer text: a lookup answering "Không
    tìm thấy hồ sơ" or a news item quoting such a page is no missing page. None for any other page."""
    if not page.ok or not page.html:
        return None
    soup = soup_of(page)
    said = [element.get_text(" ", strip=True) for element in soup.find_all(["title", "h1", "h2", "h3"])]
    content = own_text(soup)
    if len(content) <= MESSAGE_PAGE_CHARS:
        said.append(content)
    return says_not_found(said, phrases)


def says_not_found(headings: list[str], phrases: list[str] | None = None) -> str | None:
    """The first of a page's title and headings that says the page was not found."""
    for text in headings:
        folded = fold(text)
        if any(phrase in folded for phrase in phrases or NOT_FOUND_PHRASES) or re.fullmatch(r"\W*404\W*", folded):
            return text[:120]
    return None
