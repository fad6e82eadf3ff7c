"""A zoo of misbehaving web servers, all on 127.0.0.1, for testing that an assessment of a
hostile or broken portal ends in time, with the right status and a clear message.

    with Zoo() as zoo:
        zoo.url("drip")          # http://127.0.0.1:PORT/drip/
        zoo.tls_url("expired")   # https://127.0.0.1:PORT/ with an expired certificate

One threaded server speaks just enough HTTP/1.1 by hand (every response closes its connection)
to misbehave on purpose: each exhibit is a path prefix. The TLS servers serve a plain page
with a bad certificate. Every connection's misbehaviour is bounded by the zoo's lifetime, and
closing the zoo stops every listener, so nothing outlives a test.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import socketserver
import ssl
import struct
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOSTILE = '<script>alert("xss")</script><img src=x onerror=alert(1)>"\'&lt;'
VIETNAMESE = "Cổng Dịch vụ công tỉnh Lâm Hà: thủ tục hành chính, tra cứu hồ sơ, thanh toán trực tuyến"
HUGE_PAGE_BYTES = 50 * 1024 * 1024

EXHIBITS = (
    "silent", "drip", "loop", "calendar", "huge", "binary", "cp1258", "broken-encoding",
    "dialogs", "popups", "spin", "runaway", "reset", "hostile",
)


def html_page(title: str, body: str, head: str = "") -> str:
    return f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>{title}</title>{head}</head><body>{body}</body></html>"


class Exchange:
    """One request on one connection: what the handler read, and ways to answer (or not)."""

    def __init__(self, connection: socket.socket, path: str, stop: threading.Event, lifetime_s: float) -> None:
        self.connection = connection
        self.path = path
        self.stop = stop
        self.deadline = time.monotonic() + lifetime_s

    def send(self, status: int, body: bytes | str, content_type: str = "text/html; charset=utf-8", headers: dict[str, str] | None = None) -> None:
        payload = body.encode("utf-8") if isinstance(body, str) else body
        lines = [f"HTTP/1.1 {status} {'OK' if status < 300 else 'Found' if status < 400 else 'Not Found'}"]
        lines += [f"Content-Type: {content_type}", f"Content-Length: {len(payload)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.connection.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload)

    def hold(self, seconds: float) -> bool:
        """Wait, unless the zoo closes or its lifetime ends; False when it should stop."""
        remaining = min(seconds, self.deadline - time.monotonic())
        return remaining > 0 and not self.stop.wait(remaining)


def exhibit_silent(ex: Exchange) -> None:
    """Accepts the connection, reads the request, never answers."""
    while ex.hold(1.0):
        pass


def exhibit_drip(ex: Exchange) -> None:
    """Headers at once, then the page one byte a second."""
    body = html_page("Nhỏ giọt", "<p>" + "chậm " * 200 + "</p>").encode("utf-8")
    ex.connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n")
    ex.connection.sendall(f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode())
    for index in range(len(body)):
        ex.connection.sendall(body[index : index + 1])
        if not ex.hold(1.0):
            return


def exhibit_loop(ex: Exchange) -> None:
    """/loop/a -> /loop/b -> /loop/a -> ... for ever."""
    target = "/loop/b" if ex.path.rstrip("/").endswith("a") else "/loop/a"
    ex.send(302, "", headers={"Location": target})


def exhibit_calendar(ex: Exchange) -> None:
    """A crawler trap: every month links to the previous and next month and to its days."""
    tail = ex.path.removeprefix("/calendar/").strip("/") or "2026-11"
    try:
        year, month = (int(part) for part in tail.split("-")[:2])
    except ValueError:
        year, month = 2026, 11
    previous = f"{year - (month == 1)}-{12 if month == 1 else month - 1:02d}"
    following = f"{year + (month == 12)}-{1 if month == 12 else month + 1:02d}"
    days = "".join(f"<a href='/calendar/{year}-{month:02d}-{day:02d}/'>{day}</a> " for day in range(1, 29))
    body = f"<h1>Lịch {month}/{year}</h1><a href='/calendar/{previous}/'>Tháng trước</a> <a href='/calendar/{following}/'>Tháng sau</a><p>{days}</p>"
    ex.send(200, html_page(f"Lịch công tác {month}/{year}", body))


def exhibit_huge(ex: Exchange) -> None:
    """A 50 MB HTML page, streamed (never held in memory here)."""
    head = html_page("Trang rất lớn", "").split("<body>")[0].encode() + b"<body>"
    chunk = ("<p>" + VIETNAMESE + "</p>\n").encode("utf-8") * 256
    ex.connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n")
    ex.connection.sendall(f"Content-Length: {HUGE_PAGE_BYTES}\r\nConnection: close\r\n\r\n".encode() + head)
    sent = len(head)
    while sent < HUGE_PAGE_BYTES and not ex.stop.is_set() and time.monotonic() < ex.deadline:
        piece = chunk[: HUGE_PAGE_BYTES - sent]
        ex.connection.sendall(piece)
        sent += len(piece)


def exhibit_binary(ex: Exchange) -> None:
    """Random bytes (a zip header, NULs) labelled as HTML."""
    ex.send(200, b"PK\x03\x04" + os.urandom(256 * 1024) + b"\x00" * 1024, content_type="text/html")


def exhibit_cp1258(ex: Exchange) -> None:
    """Vietnamese in Windows-1258, declared as such."""
    page = html_page("Cổng Dịch vụ công", f"<h1>{VIETNAMESE}</h1>").replace("utf-8", "windows-1258")
    ex.send(200, encode_cp1258(page), content_type="text/html; charset=windows-1258")


def encode_cp1258(text: str) -> bytes:
    """Windows-1258 has the vowels with their hats and horns but writes tones as combining
    marks: 'ổ' is 'ô' followed by a combining hook above."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            # Hats and horns (circumflex, breve, horn) stay on the letter; the tone is written
            # after it. NFD may put a dot below before the hat ('ộ' is o, dot below, circumflex).
            base, *marks = unicodedata.normalize("NFD", char)
            hats = "".join(mark for mark in marks if mark in "\u0302\u0306\u031b")
            tones = "".join(mark for mark in marks if mark not in hats)
            out += (unicodedata.normalize("NFC", base + hats) + tones).encode("cp1258")
    return bytes(out)


def exhibit_broken_encoding(ex: Exchange) -> None:
    """Declared UTF-8, with invalid and truncated byte sequences in the title and text."""
    page = html_page("Tr\xa0ang", "<h1>Th\x00ủ tục</h1><p>x</p>").encode("utf-8")
    page = page.replace("Tr\xa0ang".encode(), b"Tr\xff\xfeang \xe1\xbb").replace(b"<p>x</p>", b"<p>\xc3\x28 \xed\xa0\x80 \xf0\x9f</p>")
    ex.send(200, page)


def exhibit_dialogs(ex: Exchange) -> None:
    script = (
        "alert('Chào mừng'); confirm('Tiếp tục?'); prompt('Tên?');"
        "window.addEventListener('beforeunload', (e) => { e.preventDefault(); e.returnValue = 'Ở lại?'; });"
        "setInterval(() => alert('lại nữa'), 300);"
    )
    ex.send(200, html_page("Hộp thoại", f"<h1>Hộp thoại</h1><a href='/dialogs/2'>tiếp</a><script>{script}</script>"))


def exhibit_popups(ex: Exchange) -> None:
    script = "for (let i = 0; i < 5; i++) window.open('/popups/child' + i); setInterval(() => window.open('/popups/again'), 500);"
    ex.send(200, html_page("Cửa sổ bật lên", f"<h1>Cửa sổ</h1><script>{script}</script>"))


def exhibit_spin(ex: Exchange) -> None:
    """Spins the CPU for ever once loaded."""
    ex.send(200, html_page("Vòng lặp", "<h1>Vòng lặp</h1><script>window.addEventListener('load', () => { for (;;) {} });</script>"))


def exhibit_runaway(ex: Exchange) -> None:
    """Navigates away by itself, again and again."""
    step = int(ex.path.rstrip("/").rsplit("/", 1)[-1]) if ex.path.rstrip("/")[-1:].isdigit() else 0
    script = f"setTimeout(() => {{ location.href = '/runaway/{step + 1}'; }}, 50);"
    ex.send(200, html_page(f"Chạy trốn {step}", f"<h1>Bước {step}</h1><script>{script}</script>"))


def exhibit_reset(ex: Exchange) -> None:
    """Resets the connection (RST) instead of answering."""
    ex.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    ex.connection.close()


def exhibit_hostile(ex: Exchange) -> None:
    """Markup in the title, a header, URLs and the text."""
    links = "".join(
        f"<a href='/hostile/{quoted}'>{text}</a> "
        for quoted, text in (("%3Cscript%3Ealert(2)%3C%2Fscript%3E", HOSTILE.replace("<", "&lt;")), ("javascript:alert(3)", "js"))
    )
    body = f"<h1>{HOSTILE.replace('<', '&lt;')}</h1>{links}<a href='javascript:alert(4)'>javascript</a>"
    title = HOSTILE.replace("<", "&lt;")
    ex.send(200, html_page(title, body), headers={"Server": "<script>alert('hdr')</script>", "X-Powered-By": HOSTILE})


def exhibit_home(ex: Exchange) -> None:
    ex.send(200, html_page("Vườn thú", "".join(f"<a href='/{name}/'>{name}</a> " for name in EXHIBITS)))


def well_behaved(ex: Exchange) -> None:
    """What the TLS servers serve behind their bad certificates: a small ordinary site."""
    links = "".join(f"<a href='/trang-{number}/'>Trang {number}</a> " for number in range(1, 4))
    ex.send(200, html_page("Cổng Dịch vụ công", f"<h1>{VIETNAMESE}</h1>{links}"))


HANDLERS: dict[str, Callable[[Exchange], None]] = {name: globals()["exhibit_" + name.replace("-", "_")] for name in EXHIBITS}


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False

    def __init__(self, zoo: Zoo, tls: ssl.SSLContext | None) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.zoo = zoo
        self.tls = tls

    @property
    def port(self) -> int:
        return self.server_address[1]


class _Handler(socketserver.BaseRequestHandler):
    server: _Server

    def handle(self) -> None:
        connection: socket.socket = self.request
        connection.settimeout(5)
        try:
            if self.server.tls is not None:
                connection = self.server.tls.wrap_socket(connection, server_side=True)
            request = b""
            while b"\r\n\r\n" not in request and len(request) < 65536:
                data = connection.recv(4096)
                if not data:
                    return
                request += data
            path = urlsplit(request.split(b" ", 2)[1].decode("latin-1")).path
            exhibit = path.strip("/").split("/", 1)[0]
            handler = HANDLERS.get(exhibit, exhibit_home if path == "/" else None)
            if self.server.tls is not None:
                handler = well_behaved
            exchange = Exchange(connection, path, self.server.zoo.stopping, self.server.zoo.lifetime_s)
            self.server.zoo.visited(exhibit)
            if handler is None:
                exchange.send(404, html_page("Không tìm thấy", "<h1>404</h1>"))
            else:
                handler(exchange)
        except (OSError, ssl.SSLError, IndexError):
            pass  # the browser gave up, or the exhibit broke the connection on purpose
        finally:
            try:
                connection.close()
            except OSError:
                pass


def expired_leaf(ca: trustme.CA) -> trustme.LeafCert:
    now = dt.datetime.now(dt.UTC)
    return ca.issue_cert("127.0.0.1", "localhost", not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=30))


def self_signed_pem(folder: Path) -> tuple[Path, Path]:
    """A certificate signed by its own key, trusted by no one."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"), x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "self-signed.pem", folder / "self-signed.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_path, key_path


class Zoo:
    """Starts every misbehaving server; `lifetime_s` bounds how long any exhibit misbehaves."""

    def __init__(self, lifetime_s: float = 120.0) -> None:
        self.lifetime_s = lifetime_s
        self.stopping = threading.Event()
        self._servers: dict[str, _Server] = {}
        self._folder = tempfile.TemporaryDirectory(prefix="assessor-zoo-")
        self._visits: dict[str, threading.Event] = {}
        self._visits_lock = threading.Lock()

    def _visit_event(self, exhibit: str) -> threading.Event:
        with self._visits_lock:
            return self._visits.setdefault(exhibit, threading.Event())

    def visited(self, exhibit: str) -> None:
        self._visit_event(exhibit).set()

    def wait_for_visit(self, exhibit: str, timeout_s: float = 60) -> bool:
        """Whether a request for the exhibit has arrived (within `timeout_s`): a test that must act
        while the exhibit misbehaves waits for this, not for a fixed time a busy machine outlasts."""
        return self._visit_event(exhibit).wait(timeout_s)

    def __enter__(self) -> Zoo:
        folder = Path(self._folder.name)
        expired = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        expired_leaf(trustme.CA()).configure_cert(expired)
        self_signed = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self_signed.load_cert_chain(*self_signed_pem(folder))
        for name, tls in (("plain", None), ("expired", expired), ("self-signed", self_signed)):
            server = _Server(self, tls)
            threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
            self._servers[name] = server
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        for server in self._servers.values():
            server.shutdown()
            server.server_close()
        self._folder.cleanup()

    def url(self, exhibit: str) -> str:
        if exhibit not in HANDLERS:
            raise KeyError(exhibit)
        return f"http://127.0.0.1:{self._servers['plain'].port}/{exhibit}/"

    def tls_url(self, kind: str) -> str:
        """kind: 'expired' or 'self-signed'; behind the certificate, a small ordinary site."""
        return f"https://127.0.0.1:{self._servers[kind].port}/"
