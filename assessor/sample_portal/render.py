"""Turns `Page`s into HTML (classic and modern themes) or into the SPA shell and its JSON."""

from __future__ import annotations

import functools
from dataclasses import asdict
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import content as c
from .emc import EMC_HOST, CDN_HOST, snippet_present, track_dvc_snippet, tracking_snippet
from .pages import FUNCTION_TITLES, Block, Heading, Link, LinkList, Page, Text, main_nav
from .paths import Paths
from .profile import Profile

# Class names per theme: the modern theme deliberately uses other names than the classic one, so that
# crawlers cannot rely on one portal's markup.
_CLASSES: dict[str, dict[str, str]] = {
    "classic": {"field": "field", "notice": "notice", "links_list": "link-list", "links_tiles": "tiles",
                "links_buttons": "buttons", "button": "btn", "form": "form", "table": "data-table",
                "section": "proc-section", "pager": "pager", "footer": "site-footer", "footer_inner": "container"},
    "modern": {"field": "field m-field", "notice": "notice m-alert", "links_list": "link-list m-list",
               "links_tiles": "card-grid", "links_buttons": "buttons m-actions", "button": "btn m-btn",
               "form": "form m-form", "table": "data-table m-table", "section": "proc-section m-block",
               "pager": "pager m-pager", "footer": "site-footer m-footer", "footer_inner": "m-footer-inner container"},
}
_CLASSES["spa"] = _CLASSES["classic"]
# Profile flags whose defect is a class on <body>, styled in static/css/site.css.
STYLE_DEFECTS = {"low_contrast": "d-low-contrast", "no_focus_style": "d-no-focus", "fixed_width": "d-fixed-width",
                 "clipped_on_zoom": "d-clipped-on-zoom"}


@functools.cache
def _environment() -> Environment:
    """One template environment for every portal in the process, so templates compile once."""
    return Environment(loader=PackageLoader(__package__, "templates"), autoescape=select_autoescape(["html"]))


class Renderer:
    def __init__(self, profile: Profile, paths: Paths, http_origin: str) -> None:
        self.profile = profile
        self.paths = paths
        self.http_origin = http_origin
        self.cdn_script: tuple[str, str] = ("", "")  # (url, integrity), set by the app
        self.env = _environment()
        layout = "layout_modern.html" if profile.theme == "modern" else "layout_classic.html"
        self.layout = self.env.get_template(layout)

    # ------------------------------------------------------------------ pages
    def page(self, page: Page, user: str | None, path: str, nonce: str) -> str:
        return self.layout.render(page=page, site=self._site(page, user, path, nonce))

    def shell(self, page: Page, user: str | None, path: str, nonce: str) -> str:
        """The SPA's one HTML document; the EMC snippet follows the page type of the requested path."""
        site = self._site(page, user, path, nonce)
        site["dvc_html"] = ""  # the SPA pushes trackDVC itself after rendering the procedure
        return self.env.get_template("spa_shell.html").render(page=page, site=site, status=page.status)

    def national(self) -> str:
        return self.env.get_template("national.html").render()

    def verbose_error(self, status: int, reason: str, path: str) -> str:
        return self.env.get_template("error_verbose.html").render(status=status, reason=reason, path=path,
                                                                   view="tra_cuu_ho_so" if status == 500 else "dispatch")

    def not_found_blocks(self) -> list[Block]:
        return [Heading("Không tìm thấy trang", 1),
                Text("Trang bạn tìm không tồn tại hoặc đã được chuyển sang địa chỉ khác."),
                LinkList([Link(self.paths.home, "Về trang chủ")] +
                         ([Link(self.paths.sitemap, "Xem sơ đồ cổng")] if not self.profile.no_sitemap else []))]

    def server_error_blocks(self) -> list[Block]:
        return [Heading("Hệ thống đang gặp sự cố", 1),
                Text(f"Xin lỗi, hệ thống tạm thời không xử lý được yêu cầu. Vui lòng thử lại sau hoặc liên hệ "
                     f"đường dây nóng {c.HOTLINE}.")]

    # ------------------------------------------------------------------ headers
    def csp(self, nonce: str) -> str:
        if self.profile.unsafe_csp:
            return ("default-src 'self' https: data: 'unsafe-inline' 'unsafe-eval'; "
                    "script-src 'self' https: 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
                    "img-src * data:")
        return (f"default-src 'self'; script-src 'self' 'nonce-{nonce}' https://{EMC_HOST} https://{CDN_HOST}; "
                f"style-src 'self'; img-src 'self' data: https://{EMC_HOST} https://{CDN_HOST}; "
                f"connect-src 'self' https://{EMC_HOST}; font-src 'self'; object-src 'none'; base-uri 'self'; "
                f"form-action 'self'; frame-ancestors 'none'")

    # ------------------------------------------------------------------ shared data
    def _site(self, page: Page, user: str | None, path: str, nonce: str) -> dict[str, Any]:
        p, paths = self.profile, self.paths
        header = "agency"
        if p.no_agency_header:
            header = "plain"
        elif p.inconsistent_header and page.page_type != "home":
            header = "alt"
        scripts = [{"src": "/static/js/site.js"}]
        if p.outdated_js:
            scripts.insert(0, {"src": "/static/js/jquery-1.12.4.min.js"})
        url, integrity = self.cdn_script
        scripts.append({"src": url} if p.no_sri else {"src": url, "integrity": integrity, "crossorigin": True})
        body_classes = " ".join(name for flag, name in STYLE_DEFECTS.items() if getattr(p, flag))
        body_data: dict[str, str] = {}
        if p.long_task_ms:
            body_data["long-task"] = str(p.long_task_ms)
        if p.layout_shift:
            body_data["layout-shift"] = "1"
        return {
            "flags": p,
            "k": _CLASSES[p.theme],
            "portal_name": c.PORTAL_NAME,
            "agency_name": c.AGENCY_NAME,
            "agency_upper": c.AGENCY_NAME.upper(),
            "address": c.ADDRESS,
            "phone": c.PHONE,
            "phone_tel": "+84" + "".join(ch for ch in c.PHONE if ch.isdigit())[1:],
            "hotline": c.HOTLINE,
            "email": c.EMAIL,
            "header": header,
            "home": paths.home,
            "current": path,
            "nav": main_nav(p, paths),
            "breadcrumbs": [] if p.no_breadcrumbs or page.page_type == "home" else page.breadcrumbs,
            "search_action": None if p.no_search_box or not p.has("catalogue") else paths.catalogue,
            "user_name": c.TEST_USER_FULL_NAME if user else None,
            "my_dossiers": paths.my_dossiers,
            "logout": paths.logout,
            "login_href": paths.login if p.has("login") and not p.deep_navigation else None,
            "english_href": None if p.no_english else paths.english,
            "footer_links": self._footer_links(),
            "assistant_href": paths.assistant if p.has("assistant") and not p.deep_navigation else None,
            "stylesheets": ["/static/css/site.css"],
            "scripts": scripts,
            "emc_html": tracking_snippet(p, page.page_type, nonce),
            "dvc_html": track_dvc_snippet(p, page.page_type, page.dvc, nonce),
            "emc_host": EMC_HOST,
            "body_classes": body_classes,
            "body_data": body_data,
            "mixed_image": f"{self.http_origin}/static/img/chuyen-doi-so.svg" if p.mixed_content else None,
        }

    def _footer_links(self) -> list[Link]:
        p, paths = self.profile, self.paths
        links = []
        if not p.no_national_portal_link:
            links.append(Link(c.NATIONAL_PORTAL_URL, c.NATIONAL_PORTAL_NAME, id="lnk-dvcqg"))
        if not p.no_sitemap:
            links.append(Link(paths.sitemap, "Sơ đồ cổng"))
        if not p.no_english:
            links.append(Link(paths.english, "English"))
        links += [Link(paths.privacy, "Chính sách bảo mật"), Link(paths.terms, "Điều khoản sử dụng")]
        return links

    # ------------------------------------------------------------------ SPA data
    def site_json(self, user: str | None) -> dict[str, Any]:
        """Layout data the SPA needs to draw header, menu and footer."""
        site = self._site(Page("", [], "home"), user, "/", "")
        keep = ("portal_name", "agency_name", "agency_upper", "address", "phone", "hotline", "email", "home",
                "user_name", "my_dossiers", "logout", "login_href", "english_href", "assistant_href",
                "search_action", "mixed_image", "emc_host")
        data = {key: site[key] for key in keep}
        data["nav"] = [asdict(link) for link in site["nav"]]
        data["footer_links"] = [asdict(link) for link in site["footer_links"]]
        p = self.profile
        data["flags"] = {name: getattr(p, name) for name in (
            "no_agency_header", "inconsistent_header", "no_breadcrumbs", "no_footer_contacts", "missing_alt",
            "unlabeled_inputs", "no_skip_link", "no_lang", "emc_badge")}
        data["functions"] = FUNCTION_TITLES
        data["hash_routes"] = p.hash_routes
        return data

    def emc_commands(self, page: Page) -> dict[str, Any]:
        """What the SPA pushes to `_govaq` after rendering `page` on a client-side navigation."""
        p = self.profile
        active = snippet_present(p, page.page_type) and p.emc_variant != "commented"
        return {"active": active,
                "dvc": list(page.dvc) if active and p.emc_track_dvc and page.dvc else None}
