"""Structure and layout (cấu trúc, bố cục): header identity, navigation and search, footer
contacts, consistency and breadcrumbs, sitemap / English / national-portal links, mobile rendering.
All read the final HTML of the crawled pages, except mobile rendering, which reads what the
viewport gatherer measured."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from difflib import SequenceMatcher
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, Tag
from pydantic import Field

from assessor.artifacts.page import PageArtifact
from assessor.checks.accessibility import VIEWPORT_GATHERER, not_measured, overflow_tests, viewport_facts
from assessor.checks.common import (
    PageTypeRules,
    finding_from_problems,
    fold,
    hidden_elements,
    html_pages,
    page_type,
    portal_host,
    route_path,
    soup_of,
)
from assessor.checks.registry import CheckParams, Regex, check
from assessor.model import Evidence, Finding, Text
from assessor.snapshot import Snapshot

HEADER_SELECTORS = [
    "header",
    "[role=banner]",
    "#header",
    ".header",
    ".site-header",
    "#banner",
    ".banner",
    ".top-header",
]
FOOTER_SELECTORS = ["footer", "[role=contentinfo]", "#footer", ".footer", ".site-footer"]


# A <header> or <footer> inside one of these is that section's (a news card's title and date), not
# the page's banner or footer: as the HTML accessibility mappings (HTML-AAM) have it.
SECTIONING = ["article", "aside", "main", "nav", "section"]


def region(soup: BeautifulSoup, selectors: list[str]) -> Tag | None:
    """The page's own region: the first match of the first selector that has one outside any
    sectioning element; failing that, the first match at all."""
    for selector in selectors:
        for found in soup.select(selector):
            if found.find_parent(SECTIONING) is None:
                return found
    return next((found for selector in selectors if (found := soup.select_one(selector)) is not None), None)


def text_of(element: Tag | None) -> str:
    return element.get_text(" ", strip=True) if element is not None else ""


def home_or_first(snapshot: Snapshot) -> PageArtifact | None:
    pages = html_pages(snapshot)
    return pages[0] if pages else None


def no_page() -> Finding:
    return Finding.error(vi="Không có trang nào tải được để kiểm tra bố cục.", en="No page loaded to check the layout.")


def share_of(parts: dict[str, bool]) -> float:
    return sum(parts.values()) / len(parts)


def parts_table(parts: dict[str, bool], details: dict[str, str | Text]) -> Evidence:
    return Evidence(
        kind="table",
        label=Text(vi="Thành phần", en="Elements"),
        value=[
            {"thành phần / element": name, "có / present": present, "chi tiết / detail": details.get(name, "")}
            for name, present in parts.items()
        ],
    )


def parts_finding(
    parts: dict[str, bool], details: dict[str, str | Text], names: dict[str, tuple[str, str]], page: PageArtifact
) -> Finding:
    """A finding earning an equal share per element present (names are (vi, en)), naming the missing ones."""
    missing = [names[name] for name, present in parts.items() if not present]
    passed = (
        "Có đủ: " + ", ".join(vi for vi, _ in names.values()) + ".",
        "All present: " + ", ".join(en for _, en in names.values()) + ".",
    )
    evidence = [parts_table(parts, details), Evidence(kind="url", label=Text(vi="Trang", en="Page"), url=page.final_url)]
    return finding_from_problems(share_of(parts), missing, passed, ("Thiếu: ", "Missing: "), evidence)


# ----------------------------------------------------------------------------- header
def links_home(url: str, page: PageArtifact) -> bool:
    """A link to this portal's home page: its host (www. aside) and its path. The national portal's
    home page, or another site's, linked from the footer, is not this portal's identity block."""
    target, home = route_path(url), route_path(page.final_url)
    return portal_host(url) == portal_host(page.final_url) and (target or "/") == (home or "/")


def image_texts(block: Tag) -> list[str]:
    return [str(image.get("alt") or "").strip() for image in block.find_all("img") if image.get("alt")]


def is_emblem(image: Tag, params: HeaderParams) -> bool:
    """An image naming itself an emblem or logo; or any drawing (svg) but an icon: one inside a
    button (a menu's, a search's) or drawn smaller than 32 px."""
    said = f"{image.get('src', '')} {image.get('alt', '')} {image.get('class', '')} {image.get('id', '')} " \
           f"{image.get('aria-label', '')}"
    if image.name == "svg":
        said += " " + text_of(image.find("title"))
    if any(fold(word) in fold(said) for word in params.emblem_words):
        return True
    if image.name != "svg" or image.find_parent("button") is not None:
        return False
    sizes = [float(found.group(1)) for size in (image.get("width"), image.get("height"))
             if (found := re.fullmatch(r"\s*(\d+(?:\.\d+)?)(?:px)?\s*", str(size or "")))]
    return not sizes or max(sizes) >= 32


def shows(image: Tag, page: PageArtifact, is_hidden: Callable[[Tag], bool]) -> bool:
    """Whether the citizen sees it: not hidden by the page (`checks.common.hidden_elements`), and
    for an <img>, its file did not fail to load (an error status, or a failed request; one still
    loading when the page was recorded counts as shown)."""
    if is_hidden(image):
        return False
    if image.name != "img" or not image.get("src"):
        return True
    url = urljoin(page.final_url, str(image["src"]))
    loads = [request for request in page.requests if request.url == url]
    return not loads or any(request.failure is None and (request.status is None or request.status < 400)
                            for request in loads)


def names_an_agency(text: str, params: HeaderParams) -> bool:
    names = "|".join(re.escape(fold(name)) for name in params.agency_names)
    if re.search(rf"\b(?:{names})\b", fold(text)):
        return True
    words = "|".join(re.escape(unicodedata.normalize("NFC", word)) for word in params.agency_words)
    title = re.compile(rf"\b(?:{words})\s+(\w)", re.IGNORECASE)
    return any(match.group(1).isupper() for match in title.finditer(unicodedata.normalize("NFC", text)))


class HeaderParams(CheckParams):
    # Names that can only be an agency's, matched as whole words without diacritics (a banner in
    # upper case often has none: "CONG DICH VU CONG TINH LAM HA").
    agency_names: list[str] = Field(
        default_factory=lambda: ["ủy ban nhân dân", "ubnd", "hđnd", "cổng dịch vụ công", "cổng thông tin điện tử"])
    # Words that begin an agency's title only when a name follows, written with a capital: "Bộ Tư
    # pháp", "SỞ Y TẾ", "tỉnh Lâm Hà"; not "Xem toàn bộ tin tức" or "Cơ quan thực hiện". With their
    # diacritics (case aside): "bộ" (ministry) is not "bỏ".
    agency_words: list[str] = Field(
        default_factory=lambda: ["bộ", "sở", "tỉnh", "thành phố", "văn phòng", "cơ quan", "ban", "cục", "tổng cục"]
    )
    emblem_words: list[str] = Field(
        default_factory=lambda: ["quoc-huy", "quốc huy", "quochuy", "logo", "emblem", "biểu trưng", "biểu tượng"]
    )


@check("layout.header_identity")
def header_identity(snapshot: Snapshot, params: HeaderParams) -> Finding:
    page = home_or_first(snapshot)
    if page is None:
        return no_page()
    soup = soup_of(page)
    header = region(soup, HEADER_SELECTORS)
    # Side-bar layouts keep the identity block (emblem and name, linked to the home page) out of
    # <header>: the links to the home page count as part of the header.
    home_links = [a for a in soup.find_all("a", href=True)
                  if not str(a["href"]).startswith("#") and links_home(urljoin(page.final_url, a["href"]), page)]
    blocks = [block for block in [header, *home_links] if block is not None]
    # The name as text, or as the alt text of a banner image that shows it.
    said = [said for block in blocks for said in (text_of(block), *image_texts(block))]
    name = next((text for text in said if names_an_agency(text, params)), "")
    is_hidden = hidden_elements(page, soup)
    emblems = [image for block in blocks for image in block.find_all(["img", "svg"])
               if is_emblem(image, params) and shows(image, page, is_hidden)]
    parts = {"name": bool(name), "emblem": bool(emblems)}
    details = {"name": name[:200] or text_of(header)[:200] or "—", "emblem": str(emblems[0])[:200] if emblems else "—"}
    if header is None:
        details["name"] += " (không có <header> / no header element)"
    names = {
        "name": ("tên cơ quan ở đầu trang", "agency name in the header"),
        "emblem": ("biểu tượng (quốc huy, logo)", "emblem image"),
    }
    return parts_finding(parts, details, names, page)


# ----------------------------------------------------------------------------- navigation and search
class NavigationParams(CheckParams):
    min_nav_links: int = 4
    search_words: list[str] = Field(
        default_factory=lambda: ["tìm kiếm", "search", "từ khóa", "từ khoá", "nhập tên thủ tục", "keyword", "tim-kiem"]
    )
    # Menus of themes without <nav> (ASP.NET, portal frameworks): a container named so, holding
    # min_nav_links links or more, outside the footer.
    menu_selectors: list[str] = Field(default_factory=lambda: [
        "#menu", ".menu", "#nav", ".nav", ".navbar", "#main-menu", ".main-menu", ".mainmenu", ".menu-top", ".topmenu"])


def search_box(soup: BeautifulSoup, params: NavigationParams) -> Tag | None:
    for field in soup.select(
        "input[type=search], [role=search] input, form[role=search] input, input[type=text], input:not([type])"
    ):
        described = " ".join(str(field.get(name, "")) for name in ("placeholder", "aria-label", "title", "name", "id"))
        label = soup.find("label", attrs={"for": field.get("id")}) if field.get("id") else None
        if (
            field.get("type") == "search"
            or field.find_parent(attrs={"role": "search"})
            or any(fold(word) in fold(f"{described} {text_of(label)} {form_said(field)}") for word in params.search_words)
        ):
            return field
    return None


def form_said(field: Tag) -> str:
    """What a field's form says of itself: where it posts, and its buttons ("Tìm kiếm")."""
    form = field.find_parent("form")
    if form is None:
        return ""
    buttons = form.select("button, input[type=submit], input[type=button], input[type=image]")
    return " ".join([str(form.get("action") or ""), *(f"{text_of(button)} {button.get('value', '')} "
                                                      f"{button.get('title', '')} {button.get('alt', '')}"
                                                      for button in buttons)])


def menu_detail(menu: Tag) -> Text:
    """How many links a menu holds, and its first eight."""
    links = menu.find_all("a", href=True)
    shown = ", ".join(a.get_text(strip=True) for a in links[:8])
    return Text(vi=f"{len(links)} liên kết: {shown}", en=f"{len(links)} links: {shown}")


@check("layout.navigation_search")
def navigation_and_search(snapshot: Snapshot, params: NavigationParams) -> Finding:
    page = home_or_first(snapshot)
    if page is None:
        return no_page()
    soup = soup_of(page)
    menus = [
        nav
        for nav in soup.select("nav, [role=navigation]")
        if len(nav.find_all("a", href=True)) >= params.min_nav_links
    ] or [
        menu
        for menu in soup.select(", ".join(params.menu_selectors))
        if len(menu.find_all("a", href=True)) >= params.min_nav_links and menu.find_parent("footer") is None
    ]
    box = search_box(soup, params)
    parts = {"navigation": bool(menus), "search": box is not None}
    details = {
        "navigation": menu_detail(menus[0]) if menus else "—",
        "search": str(box)[:200] if box is not None else "—",
    }
    names = {"navigation": ("thanh điều hướng chính", "main navigation"), "search": ("ô tìm kiếm", "search box")}
    return parts_finding(parts, details, names, page)


# ----------------------------------------------------------------------------- footer
class FooterParams(CheckParams):
    # An address, in the footer's text folded (lower case, no diacritics): said to be one, a house
    # number on a street, or a ward or commune followed by its district or province. Single words
    # ("số", "xã") would find one in "Số lượt truy cập" or "Sở Lao động - Thương binh và Xã hội".
    address_patterns: list[Regex] = Field(default_factory=lambda: [
        r"\bdia chi\b", r"\btru so\b", r"\bso \d+[\w/-]*,?\s+(?:duong|pho|ngo|hem|ngach)\b",
        (r"\b(?:phuong|xa|thi tran|thon|ap|khu pho|to dan pho)\s+[\w.]+(?:\s+[\w.]+){0,3},\s*"
         r"(?:phuong|xa|quan|huyen|thi xa|thanh pho|tp\b|tinh)")])
    # A Vietnamese phone number: 0 or +84 then 9-10 digits, with spaces, dots, dashes or brackets;
    # or a 1800/1900 hotline; or a short one named so (the provinces' public-service line 1022).
    phone_pattern: Regex = (r"(?:\+84[\s.]?|\(?0)\d{1,3}\)?(?:[\s.\-]?\d){7,9}|1[89]00[\s.]?\d{3,4}(?:[\s.]?\d{2,4})?"
                          r"|(?i:tổng đài|hotline|đường dây nóng)\W{0,3}\d{3,5}\b")
    email_pattern: Regex = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"


@check("layout.footer_contacts")
def footer_contacts(snapshot: Snapshot, params: FooterParams) -> Finding:
    page = home_or_first(snapshot)
    if page is None:
        return no_page()
    footer = region(soup_of(page), FOOTER_SELECTORS)
    text = text_of(footer)
    hrefs = " ".join(str(a.get("href", "")) for a in footer.find_all("a", href=True)) if footer is not None else ""
    address = footer.find("address") if footer is not None else None
    folded = fold(text)
    match = next((found for pattern in params.address_patterns if (found := re.search(pattern, folded))), None)
    # Shown as the footer writes it: folding keeps each letter in its place (bar rare ligatures).
    address_hit = None if match is None else (text if len(folded) == len(text) else folded)[match.start():match.end()]
    phone = re.search(params.phone_pattern, text) or re.search(r"tel:[+\d]+", hrefs)
    email = re.search(params.email_pattern, text) or re.search(r"mailto:\S+", hrefs)
    parts = {
        "address": address is not None or address_hit is not None,
        "phone": phone is not None,
        "email": email is not None,
    }
    details = {
        "address": text_of(address)[:200] if address is not None else (address_hit or "—"),
        "phone": phone.group(0) if phone else "—",
        "email": email.group(0) if email else "—",
    }
    if footer is None:
        details["address"] = "không có chân trang (<footer>) / no footer element"
    names = {"address": ("địa chỉ", "address"), "phone": ("điện thoại", "phone"), "email": ("thư điện tử", "email")}
    return parts_finding(parts, details, names, page)


# ----------------------------------------------------------------------------- consistency
class ConsistencyParams(CheckParams):
    # How alike (0..1, difflib ratio of their text) an inner page's header and footer must be to the home page's.
    similarity: float = Field(default=0.8, ge=0, le=1)
    consistency_share: float = Field(default=0.5, ge=0, le=1)
    # Words naming a breadcrumb trail in an element's aria-label, class, id or itemtype.
    breadcrumb_words: list[str] = Field(default_factory=lambda: ["breadcrumb", "đường dẫn", "vị trí hiện tại"])
    # Page types that need no breadcrumbs (the home page has nowhere to come from).
    breadcrumb_exempt: list[str] = Field(default_factory=lambda: ["home", "english"])
    page_types: PageTypeRules = Field(default_factory=PageTypeRules)


def frame_texts(page: PageArtifact) -> tuple[str, str]:
    """The text of the page's header and of its footer."""
    soup = soup_of(page)
    return text_of(region(soup, HEADER_SELECTORS)), text_of(region(soup, FOOTER_SELECTORS))


def frame_similarity(reference: tuple[str, str], page: PageArtifact) -> float:
    """How alike a page's header and footer are to the reference ones: the lower of the two, so a
    long identical footer cannot hide a different header."""
    return min(
        SequenceMatcher(None, ref, own, autojunk=False).ratio()
        for ref, own in zip(reference, frame_texts(page), strict=True)
    )


def has_breadcrumbs(page: PageArtifact, words: list[str]) -> bool:
    wanted = [fold(word) for word in words]
    for element in (
        soup_of(page).find_all(attrs={"aria-label": True})
        + soup_of(page).find_all(class_=True)
        + soup_of(page).find_all(id=True)
        + soup_of(page).find_all(itemtype=True)
    ):
        named = " ".join(str(element.get(name, "")) for name in ("aria-label", "class", "id", "itemtype"))
        if any(word in fold(named) for word in wanted):
            return True
    return False


@check("layout.consistency")
def consistency(snapshot: Snapshot, params: ConsistencyParams) -> Finding:
    pages = html_pages(snapshot)
    if not pages:
        return no_page()
    reference = frame_texts(pages[0])
    inner = [page for page in pages[1:] if urlsplit(page.final_url).hostname == urlsplit(pages[0].final_url).hostname]
    rows, alike, crumbs, needing = [], 0, 0, 0
    for page in inner:
        ratio = frame_similarity(reference, page)
        alike += ratio >= params.similarity
        kind = page_type(page, params.page_types)
        has_crumbs = has_breadcrumbs(page, params.breadcrumb_words)
        if kind not in params.breadcrumb_exempt:
            needing += 1
            crumbs += has_crumbs
        rows.append(
            {
                "trang / page": page.final_url,
                "loại / type": kind,
                "giống trang chủ / similarity": round(ratio, 2),
                "đường dẫn vị trí / breadcrumbs": has_crumbs,
            }
        )
    if not inner:
        return Finding.needs_review(
            vi="Chỉ thu thập được trang chủ: không so sánh được.",
            en="Only the home page was collected: nothing to compare.",
        )
    consistent = alike / len(inner)
    crumb_share = crumbs / needing if needing else 1.0
    fraction = params.consistency_share * consistent + (1 - params.consistency_share) * crumb_share
    evidence = [Evidence(kind="table", label=Text(vi="Trang đã so sánh", en="Pages compared"), value=rows)]
    return Finding.scored(
        fraction,
        vi=f"Đầu trang và chân trang giống trang chủ ở {alike}/{len(inner)} trang; {crumbs}/{needing} trang trong có đường dẫn vị trí.",
        en=f"Header and footer match the home page on {alike}/{len(inner)} pages; {crumbs}/{needing} inner pages have breadcrumbs.",
        evidence=evidence,
    )


# ----------------------------------------------------------------------------- sitemap, English, national portal
class SitemapLinksParams(CheckParams):
    sitemap_words: list[str] = Field(
        default_factory=lambda: ["sơ đồ cổng", "sơ đồ trang", "sơ đồ website", "sitemap", "so-do"]
    )
    english_words: list[str] = Field(default_factory=lambda: ["english", "tiếng anh"])
    national_portal_hosts: list[str] = Field(default_factory=lambda: ["dichvucong.gov.vn"])


@check("layout.sitemap_links")
def sitemap_links(snapshot: Snapshot, params: SitemapLinksParams) -> Finding:
    page = home_or_first(snapshot)
    if page is None:
        return no_page()
    anchors = soup_of(page).find_all("a", href=True)

    def first(matches: callable) -> Tag | None:
        return next((a for a in anchors if matches(a)), None)

    def says(a: Tag, words: list[str]) -> bool:
        return any(
            fold(word) in fold(f"{a.get_text(' ', strip=True)} {a.get('href', '')} {a.get('title', '')} "
                               f"{' '.join(image_texts(a))}")  # a flag image's alt: "English"
            for word in words
        )

    sitemap = first(lambda a: says(a, params.sitemap_words))
    english = first(
        lambda a: (
            says(a, params.english_words)
            or str(a.get("hreflang", "")).startswith("en")
            or route_path(str(a["href"])).rstrip("/") == "/en"
        )
    )
    national = first(lambda a: portal_host(str(a["href"])) in params.national_portal_hosts)
    found = {"sitemap": sitemap, "english": english, "national_portal": national}
    parts = {name: anchor is not None for name, anchor in found.items()}
    details = {
        name: f"{anchor.get_text(' ', strip=True) or ' '.join(image_texts(anchor))} → {anchor['href']}"
        for name, anchor in found.items()
        if anchor is not None
    }
    names = {
        "sitemap": ("sơ đồ cổng", "sitemap"),
        "english": ("trang tiếng Anh", "English page"),
        "national_portal": ("liên kết Cổng DVC quốc gia", "link to the national portal"),
    }
    return parts_finding(parts, details, names, page)


# ----------------------------------------------------------------------------- mobile
class MobileParams(CheckParams):
    width: int = 375
    height: int = 812
    viewport_meta_share: float = Field(default=0.3, ge=0, le=1)


@check("layout.mobile_rendering")
def mobile_rendering(snapshot: Snapshot, params: MobileParams) -> Finding:
    facts = viewport_facts(snapshot)
    test = next(iter(overflow_tests(snapshot, f"mobile {params.width}x{params.height}")), None)
    if facts is None or test is None:
        return not_measured(snapshot, VIEWPORT_GATHERER, "hiển thị trên di động", "mobile rendering")
    if test.error:
        return Finding.error(
            vi=f"Không hiển thị được ở cỡ di động: {test.error}", en=f"Mobile rendering failed: {test.error}"
        )
    home = home_or_first(snapshot)
    meta = soup_of(home).find("meta", attrs={"name": "viewport"}) if home is not None else None
    has_meta = meta is not None and "width=device-width" in str(meta.get("content", "")).replace(" ", "")
    evidence = [
        Evidence(
            kind="screenshot",
            label=Text(vi=f"Ảnh chụp trên di động ({facts.mobile_viewport})", en=f"Mobile screenshot ({facts.mobile_viewport})"),
            path=facts.mobile_screenshot,
            url=facts.mobile_url,
        ),
        Evidence(
            kind="value", label=Text(vi="Bề rộng cuộn", en="Scroll width"), value=f"{test.scroll_width}px / {test.client_width}px"
        ),
        Evidence(kind="value", label=Text(vi="Thẻ meta viewport", en="Viewport meta tag"), value=str(meta.get("content")) if meta is not None else "—"),
    ]
    if test.widest:
        evidence.append(
            Evidence(kind="table", label=Text(vi="Phần tử tràn", en="Overflowing elements"), value=[[item] for item in test.widest])
        )
    fraction = params.viewport_meta_share * has_meta + (1 - params.viewport_meta_share) * (not test.overflows)
    problems = [
        text
        for text, bad in (
            (("phải cuộn ngang", "scrolls horizontally"), test.overflows),
            (("thiếu thẻ meta viewport", "no viewport meta tag"), not has_meta),
        )
        if bad
    ]
    size = f"{params.width}×{params.height}"
    passed = (
        f"Trang chủ hiển thị vừa màn hình di động {size}, không phải cuộn ngang.",
        f"The home page fits a {size} mobile screen without horizontal scrolling.",
    )
    lead = (f"Trên di động {size}: ", f"On a {size} mobile screen: ")
    return finding_from_problems(fraction, problems, passed, lead, evidence)
