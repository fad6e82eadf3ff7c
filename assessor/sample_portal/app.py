"""The sample portal as a plain request -> response function, independent of sockets and TLS.

`PortalApp.handle` routes by Host header: the stand-in EMC collector, the stand-in national portal,
the third-party CDN, and otherwise the province portal itself, where the profile's defects apply.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import mimetypes
import random
import secrets
import struct
import threading
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from . import content as c
from .emc import CDN_HOST, EMC_HOST, NATIONAL_HOST, SCRIPT_PATH, TRACKER_PATH
from .pages import Crash, MethodNotAllowed, NotFound, Page, Redirect, Request, build_routes, dispatch
from .paths import paths_for
from .profile import Profile
from .render import Renderer

PACKAGE_DIR = Path(str(resources.files(__package__)))
STATIC_DIR = PACKAGE_DIR / "static"
SESSION_COOKIE = "DVCSESSID"
_MAX_SESSIONS = 50_000
CDN_SCRIPT = "/libs/lamha-widgets.js"
# 1x1 transparent GIF answered by the tracking endpoints.
PIXEL_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
# Static files that exist only when a defect is switched on.
_GATED_STATIC = {"js/jquery-1.12.4.min.js": "outdated_js"}
_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 303: "See Other", 403: "Forbidden",
            404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error", 503: "Service Unavailable"}


@dataclass
class HttpRequest:
    method: str
    target: str  # path and query, as on the request line
    headers: dict[str, str]  # lower-case names
    body: bytes = b""
    scheme: str = "https"

    nonce: str = ""  # the CSP nonce of this response's inline scripts

    @property
    def host(self) -> str:
        host = self.headers.get("host", "").lower()
        if host.startswith("["):  # an IPv6 literal
            return host[1:].split("]")[0]
        return host.rsplit(":", 1)[0]

    @property
    def path(self) -> str:
        return urlsplit(self.target).path or "/"

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.target).query, keep_blank_values=True))

    def cookie(self, name: str) -> str | None:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("cookie", ""))
        except Exception:  # a malformed Cookie header is ignored, as browsers' servers do
            return None
        morsel = jar.get(name)
        return morsel.value if morsel else None


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return _REASONS.get(self.status, "")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


def _response(status: int, body: bytes | str, content_type: str, *headers: tuple[str, str]) -> HttpResponse:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return HttpResponse(status, data, [("Content-Type", content_type), *headers])


def _html(status: int, body: str) -> HttpResponse:
    return _response(status, body, "text/html; charset=utf-8", ("Cache-Control", "no-cache"))


def _redirect(status: int, location: str) -> HttpResponse:
    return HttpResponse(status, b"", [("Location", location), ("Content-Type", "text/html; charset=utf-8")])


class PortalApp:
    """One running portal: profile, sessions, EMC hits and counters, shared by all server threads."""

    def __init__(self, profile: Profile, https_origin: str, http_origin: str) -> None:
        self.profile = profile
        self.https_origin = https_origin.rstrip("/")
        self.http_origin = http_origin.rstrip("/")
        self.paths = paths_for(profile.theme)
        self.routes = build_routes(self.paths)
        self.renderer = Renderer(profile, self.paths, self.http_origin)
        self.emc_hits: list[dict[str, Any]] = []
        self.requests_seen = 0
        self._sessions: dict[str, str | None] = {}  # session id -> user name (None: anonymous)
        self._lock = threading.Lock()
        self._in_flight = 0
        self._cdn_script = (STATIC_DIR / "cdn" / "lamha-widgets.js").read_bytes()
        self.cdn_script_integrity = "sha384-" + base64.b64encode(hashlib.sha384(self._cdn_script).digest()).decode()
        self.renderer.cdn_script = (f"https://{CDN_HOST}{CDN_SCRIPT}", self.cdn_script_integrity)

    def address(self, path: str) -> str:
        """Where a browser opens the page at `path`: after the '#' on a hash-routed portal."""
        return f"/#{path}" if self.profile.hash_routes and path != self.paths.home else path

    # ------------------------------------------------------------------ entry point
    def handle(self, req: HttpRequest) -> HttpResponse:
        with self._lock:
            self.requests_seen += 1
            self._in_flight += 1
            in_flight = self._in_flight
        try:
            if req.host == EMC_HOST:
                return self._emc(req)
            if req.host == NATIONAL_HOST:
                return _html(200, self.renderer.national())
            if req.host == CDN_HOST:
                return self._cdn(req)
            limit = self.profile.errors_under_load
            if limit and in_flight > limit:
                return _response(503, "Hệ thống đang quá tải, vui lòng thử lại sau.", "text/plain; charset=utf-8",
                                 ("Retry-After", "5"))
            req.nonce = secrets.token_urlsafe(16)
            response = self._portal(req)
            return self._finish(req, response)
        finally:
            with self._lock:
                self._in_flight -= 1

    # ------------------------------------------------------------------ stand-in third parties
    def _emc(self, req: HttpRequest) -> HttpResponse:
        cross = ("Cross-Origin-Resource-Policy", "cross-origin")
        if req.path == SCRIPT_PATH:
            return _response(200, (STATIC_DIR / "emc" / "gov-tracking.min.js").read_bytes(),
                             "application/javascript; charset=utf-8", cross, ("Cache-Control", "max-age=3600"))
        if req.path == TRACKER_PATH:
            hit = {"params": req.query, "time": time.time(), "referer": req.headers.get("referer", ""),
                   "user_agent": req.headers.get("user-agent", "")}
            with self._lock:
                self.emc_hits.append(hit)
            return _response(200, PIXEL_GIF, "image/gif", cross, ("Cache-Control", "no-store"))
        return _html(200, "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>EMC</title></head>"
                          "<body><h1>Hệ thống EMC (mô phỏng)</h1></body></html>")

    def _cdn(self, req: HttpRequest) -> HttpResponse:
        cors = [("Access-Control-Allow-Origin", "*"), ("Cross-Origin-Resource-Policy", "cross-origin")]
        if req.path == CDN_SCRIPT:
            return _response(200, self._cdn_script, "application/javascript; charset=utf-8", *cors,
                             ("Cache-Control", "max-age=86400"))
        if req.path == TRACKER_PATH:  # the wrong_host EMC mode sends its beacons here: nobody records them
            return _response(200, PIXEL_GIF, "image/gif", *cors)
        return _response(404, "Not Found", "text/plain; charset=utf-8", *cors)

    # ------------------------------------------------------------------ the portal
    def _portal(self, req: HttpRequest) -> HttpResponse:
        p = self.profile
        if req.scheme == "http" and p.http_redirect:
            return _redirect(301, self.https_origin + req.target)
        if p.closed:
            return _redirect(302, f"https://{NATIONAL_HOST}/")
        path = req.path
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        special = self._special_file(req)
        if special is not None:
            return special
        if p.server_delay_ms:
            time.sleep(p.server_delay_ms / 1000)
        if p.theme == "spa" and path.startswith("/api/"):
            if p.api_delay_ms:
                time.sleep(p.api_delay_ms / 1000)  # the server answers each request from its own thread
            return self._api(req)
        if p.hash_routes and path != self.paths.home:
            return self._error(404, req)  # its pages live in the fragment: the shell is at / alone
        return self._page(req)

    def _page(self, req: HttpRequest) -> HttpResponse:
        sid, user = self._session(req)
        preq = Request(req.method, req.path, req.query, self._form(req), user)
        new_cookie: str | None = None if sid else self._new_session(None)
        try:
            result = dispatch(self.routes, preq, self.profile, self.paths)
        except NotFound:
            response = self._error(404, req)
        except MethodNotAllowed as exc:
            response = _response(405, "Phương thức không được hỗ trợ.", "text/plain; charset=utf-8",
                                 ("Allow", ", ".join(exc.allowed)))
        except Crash:
            response = self._error(500, req)
        else:
            if isinstance(result, Redirect):
                response = _redirect(result.status, result.location)
                if result.login_user or result.logout:
                    self._switch_session(sid, result, response)
                    new_cookie = None
            elif self.profile.theme == "spa":
                response = _html(result.status, self.renderer.shell(result, user, req.path, req.nonce))
            else:
                response = _html(result.status, self.renderer.page(result, user, req.path, req.nonce))
        if new_cookie:
            response.headers.append(("Set-Cookie", self._cookie(new_cookie)))
        return response

    def _switch_session(self, sid: str | None, result: Redirect, response: HttpResponse) -> None:
        """On login or logout, end the old session; a login opens a new one (no session fixation)."""
        if not (result.login_user or result.logout):
            return
        if sid:
            self._drop_session(sid)
        value = self._new_session(result.login_user) if result.login_user else ""
        response.headers.append(("Set-Cookie", self._cookie(value, expire=not result.login_user)))

    def _error(self, status: int, req: HttpRequest) -> HttpResponse:
        if self.profile.verbose_errors:
            return _html(status, self.renderer.verbose_error(status, _REASONS[status], req.path))
        page = self._error_page(status)
        if self.profile.theme == "spa" and not req.path.startswith("/api/"):
            return _html(status, self.renderer.shell(page, None, req.path, req.nonce))
        return _html(status, self.renderer.page(page, None, req.path, req.nonce))

    def _api(self, req: HttpRequest) -> HttpResponse:
        """JSON for the SPA: /api/site (layout data) and /api/page?path=... (one page as blocks)."""
        sid, user = self._session(req)
        if req.path == "/api/site":
            return self._json(200, self.renderer.site_json(user))
        if req.path != "/api/page":
            return self._json(404, {"error": "not found"})
        target = req.query.get("path", "/")
        split = urlsplit(target)
        if not split.path.startswith("/") or split.netloc:
            return self._json(400, {"error": "bad path"})
        preq = Request(req.method, split.path, dict(parse_qsl(split.query, keep_blank_values=True)),
                       self._form(req), user)
        try:
            result = dispatch(self.routes, preq, self.profile, self.paths)
        except NotFound:
            return self._json(404, {"page": self._error_page(404).to_json()})
        except MethodNotAllowed as exc:
            return self._json(405, {"error": f"allowed: {', '.join(exc.allowed)}"})
        except Crash:
            if self.profile.verbose_errors:
                return self._json(500, {"error": "psycopg2.OperationalError: could not connect to server",
                                        "trace": "File \"/var/www/dvc/portal/views.py\", line 212"})
            return self._json(500, {"page": self._error_page(500).to_json()})
        if isinstance(result, Redirect):
            response = self._json(200, {"redirect": result.location})
            self._switch_session(sid, result, response)
            return response
        data = {"page": result.to_json(), "emc": self.renderer.emc_commands(result),
                "user": c.TEST_USER_FULL_NAME if user else None}
        return self._json(result.status, data)

    def _error_page(self, status: int) -> Page:
        blocks = self.renderer.not_found_blocks() if status == 404 else self.renderer.server_error_blocks()
        return Page("Không tìm thấy trang" if status == 404 else "Hệ thống đang gặp sự cố", blocks, "error",
                    status=status)

    @staticmethod
    def _json(status: int, data: dict[str, Any]) -> HttpResponse:
        return _response(status, json.dumps(data, ensure_ascii=False), "application/json; charset=utf-8",
                         ("Cache-Control", "no-store"))

    # ------------------------------------------------------------------ files
    def _static(self, rel: str) -> HttpResponse:
        gate = _GATED_STATIC.get(rel)
        if gate and not getattr(self.profile, gate):
            return self._error(404, HttpRequest("GET", "/static/" + rel, {}))
        if rel.startswith("img/anh-su-kien-") and rel.endswith(".png") and self.profile.heavy_images:
            return _response(200, _heavy_png(rel), "image/png", ("Cache-Control", "max-age=86400"))
        file = (STATIC_DIR / rel).resolve()
        if STATIC_DIR.resolve() not in file.parents or not file.is_file() or rel.startswith(("emc/", "cdn/")):
            return self._error(404, HttpRequest("GET", "/static/" + rel, {}))
        ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
            ctype += "; charset=utf-8"
        return _response(200, file.read_bytes(), ctype, ("Cache-Control", "max-age=86400"))

    def _special_file(self, req: HttpRequest) -> HttpResponse | None:
        """Files outside the page router: robots, sitemap.xml, forms, and the exposed-file defects."""
        p, path = self.profile, req.path
        if path == "/robots.txt":
            sitemap = "" if p.no_sitemap else f"Sitemap: {self.https_origin}/sitemap.xml\n"
            private = self.paths.my_dossiers.rsplit("/", 1)[0] + "/"
            return _response(200, f"User-agent: *\nDisallow: {private}\n{sitemap}", "text/plain; charset=utf-8")
        if path == "/sitemap.xml" and not p.no_sitemap:
            urls = [self.paths.home, self.paths.catalogue, self.paths.lookup, self.paths.sitemap]
            body = "".join(f"<url><loc>{self.https_origin}{self.address(u)}</loc></url>" for u in urls)
            return _response(200, '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns='
                             f'"http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>', "application/xml")
        if path == "/favicon.ico":
            return _redirect(301, "/static/img/quoc-huy.svg")
        form_prefix, _, form_suffix = self.paths.form_file.partition("{code}")
        if path.startswith(form_prefix) and path.endswith(form_suffix) and p.has("catalogue"):
            code = path[len(form_prefix): -len(form_suffix)]
            if code in c.PROCEDURES_BY_CODE and not p.sparse_procedures:
                return _response(200, _docx(c.PROCEDURES_BY_CODE[code].name),
                                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                 ("Content-Disposition", f'attachment; filename="{code}.docx"'))
        if path == "/tai-lieu/huong-dan-su-dung.pdf" and p.has("guide") and "guide" not in p.broken_entries:
            return _response(200, _pdf("Huong dan su dung Cong Dich vu cong tinh Lam Ha"), "application/pdf")
        if p.exposed_files:
            exposed = _EXPOSED.get(path)
            if exposed:
                ctype, body = exposed
                return _response(200, body() if callable(body) else body, ctype)
        if p.directory_listing and path in ("/uploads", "/uploads/"):
            return _html(200, _LISTING)
        return None

    # ------------------------------------------------------------------ sessions and headers
    def _session(self, req: HttpRequest) -> tuple[str | None, str | None]:
        sid = req.cookie(SESSION_COOKIE)
        with self._lock:
            if sid and sid in self._sessions:
                return sid, self._sessions[sid]
        return None, None

    def _new_session(self, user: str | None) -> str:
        sid = secrets.token_urlsafe(24)
        with self._lock:
            if len(self._sessions) >= _MAX_SESSIONS:  # load tests open many sessions: forget the oldest
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[sid] = user
        return sid

    def _drop_session(self, sid: str) -> None:
        with self._lock:
            self._sessions.pop(sid, None)

    def _cookie(self, value: str, expire: bool = False) -> str:
        parts = [f"{SESSION_COOKIE}={value}", "Path=/"]
        if expire:
            parts.append("Max-Age=0")
        if not self.profile.insecure_cookies:
            parts += ["Secure", "HttpOnly", "SameSite=Lax"]
        return "; ".join(parts)

    @staticmethod
    def _form(req: HttpRequest) -> dict[str, str]:
        ctype = req.headers.get("content-type", "")
        if req.method == "POST" and ctype.startswith("application/x-www-form-urlencoded"):
            return dict(parse_qsl(req.body.decode("utf-8", "replace"), keep_blank_values=True))
        return {}

    def _finish(self, req: HttpRequest, response: HttpResponse) -> HttpResponse:
        """Security headers (or their absence), version disclosure, compression."""
        p = self.profile
        headers = response.headers
        if p.version_disclosure:
            headers += [("Server", "Apache/2.4.29 (Ubuntu)"), ("X-Powered-By", "PHP/5.6.40")]
        if not p.weak_headers:
            if req.scheme == "https":
                headers.append(("Strict-Transport-Security", "max-age=31536000; includeSubDomains"))
            headers += [
                ("Content-Security-Policy", self.renderer.csp(req.nonce)),
                ("X-Frame-Options", "DENY"),
                ("X-Content-Type-Options", "nosniff"),
                ("Referrer-Policy", "strict-origin-when-cross-origin"),
                ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
                ("Cross-Origin-Opener-Policy", "same-origin"),
                ("Cross-Origin-Resource-Policy", "same-origin"),
            ]
        ctype = response.header("Content-Type") or ""
        compressible = ctype.startswith(("text/", "application/javascript", "application/json", "image/svg"))
        if compressible and len(response.body) > 1024 and "gzip" in req.headers.get("accept-encoding", ""):
            response.body = gzip.compress(response.body, 6)
            headers += [("Content-Encoding", "gzip"), ("Vary", "Accept-Encoding")]
        return response


# ---------------------------------------------------------------------- generated files
def _docx(title: str) -> bytes:
    """A minimal valid .docx holding the form's title."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="applica'
                   'tion/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="app'
                   'lication/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlfor'
                   'mats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
                   'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
                   'openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.'
                   'xml"/></Relationships>')
        z.writestr("word/document.xml", '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://'
                   'schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
                   f'TỜ KHAI: {title}</w:t></w:r></w:p></w:body></w:document>')
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    """A one-page PDF with one line of (ASCII) text."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_HEAVY_CACHE: dict[str, bytes] = {}


def _heavy_png(name: str) -> bytes:
    """An uncompressible 1200x400 PNG (about 1.4 MB): noise stored without compression."""
    if name not in _HEAVY_CACHE:
        width, height = 1200, 400
        rng = random.Random(name)
        raw = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

        def chunk(kind: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        _HEAVY_CACHE[name] = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                              + chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
    return _HEAVY_CACHE[name]


def _backup_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("dvc_lamha_2019.sql", "-- MySQL dump 10.13\nCREATE TABLE `jos_users` (`id` int, `password` "
                                         "varchar(100));\nINSERT INTO `jos_users` VALUES (62,'$P$B6f2a...');\n")
    return buf.getvalue()


_EXPOSED: dict[str, tuple[str, Any]] = {
    "/.git/HEAD": ("text/plain", b"ref: refs/heads/master\n"),
    "/.git/config": ("text/plain", b"[core]\n\trepositoryformatversion = 0\n[remote \"origin\"]\n"
                                   b"\turl = http://git.lamha.local/dvc/portal.git\n"),
    "/.env": ("text/plain", b"APP_ENV=production\nDB_HOST=10.10.1.15\nDB_USER=dvc\nDB_PASSWORD=LamHa@2019\n"
                            b"MAIL_PASSWORD=vanphong123\n"),
    "/backup.zip": ("application/zip", _backup_zip),
    "/phpinfo.php": ("text/html; charset=utf-8", b"<!DOCTYPE html><html><head><title>phpinfo()</title></head><body>"
                     b"<h1 class=\"p\">PHP Version 5.6.40</h1><table><tr><td>System</td><td>Linux dvc-web01 "
                     b"4.15.0-20-generic</td></tr><tr><td>Server API</td><td>Apache 2.0 Handler</td></tr>"
                     b"</table></body></html>"),
}

_LISTING = """<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">
<html>
 <head>
  <title>Index of /uploads</title>
 </head>
 <body>
<h1>Index of /uploads</h1>
  <table>
   <tr><th valign="top"><img src="/icons/blank.gif" alt="[ICO]"></th><th><a href="?C=N;O=D">Name</a></th><th><a href="?C=M;O=A">Last modified</a></th><th><a href="?C=S;O=A">Size</a></th></tr>
   <tr><th colspan="4"><hr></th></tr>
<tr><td valign="top"><img src="/icons/back.gif" alt="[PARENTDIR]"></td><td><a href="/">Parent Directory</a></td><td>&nbsp;</td><td align="right">  - </td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="bao-cao-quy-4-2023.pdf">bao-cao-quy-4-2023.pdf</a></td><td align="right">2024-01-10 08:15  </td><td align="right">312K</td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="cccd-nguyen-van-a.jpg">cccd-nguyen-van-a.jpg</a></td><td align="right">2023-11-02 14:40  </td><td align="right">1.2M</td></tr>
<tr><td valign="top"><img src="/icons/unknown.gif" alt="[   ]"></td><td><a href="dump_dvc_2023.sql">dump_dvc_2023.sql</a></td><td align="right">2023-12-31 23:59  </td><td align="right"> 48M</td></tr>
   <tr><th colspan="4"><hr></th></tr>
</table>
<address>Apache/2.4.29 (Ubuntu) Server at dichvucong.lamha.gov.vn Port 443</address>
</body></html>
"""
