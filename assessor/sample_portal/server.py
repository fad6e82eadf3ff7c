"""Serving the sample portal over HTTPS and plain HTTP from background threads.

The stdlib `ThreadingHTTPServer` is used on purpose: zero extra dependencies, one thread per
connection, and enough for the few hundred requests per second that tests and load demos need.
TLS comes from a throw-away `trustme` CA made at start-up; tests trust its PEM file, or pin the leaf
certificate's public key in Chromium (`leaf_spki_sha256`).
"""

from __future__ import annotations

import base64
import hashlib
import ssl
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .app import HttpRequest, PortalApp
from .content import TEST_PASSWORD, TEST_USERNAME
from .emc import CDN_HOST, EMC_HOST, NATIONAL_HOST
from .paths import Paths
from .profile import Profile, resolve_profile

__all__ = ["SamplePortal", "serve", "TEST_USERNAME", "TEST_PASSWORD"]

CERT_IDENTITIES = ("127.0.0.1", "localhost", EMC_HOST, NATIONAL_HOST, CDN_HOST)
_MAX_BODY = 20 * 1024 * 1024


def _handler_class(app: PortalApp, scheme: str, quiet: bool) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as real portals and browsers use it
        # Headers and body go out in one buffered write (flushed per request), with Nagle off: otherwise
        # delayed ACKs add ~40 ms to every keep-alive response.
        wbufsize = 64 * 1024
        disable_nagle_algorithm = True

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > _MAX_BODY:
                self.send_error(413)
                return
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            response = app.handle(HttpRequest(self.command, self.path, headers, body, scheme))
            self.send_response(response.status, response.reason)
            for name, value in response.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _serve

        def send_response(self, code: int, message: str | None = None) -> None:
            # No "Server: BaseHTTP/0.6 Python/3.11" header: version disclosure is a defect the profile
            # switches on explicitly.
            self.log_request(code)
            self.send_response_only(code, message)
            self.send_header("Date", self.date_time_string())

        def log_message(self, format: str, *args: Any) -> None:
            if not quiet:
                sys.stderr.write(f"[{scheme}] {self.address_string()} {format % args}\n")

    return Handler


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that drop the connection or refuse the certificate are normal in tests: stay quiet.
        pass


class SamplePortal:
    """A running sample portal; use as a context manager (or call start() and stop())."""

    def __init__(self, profile: Profile | str = "good", host: str = "127.0.0.1", https_port: int = 0,
                 http_port: int = 0, quiet: bool = True) -> None:
        self.profile = resolve_profile(profile) if isinstance(profile, str) else profile
        self.host = host
        self._ports = (https_port, http_port)
        self._quiet = quiet
        self._servers: list[_Server] = []
        self._threads: list[threading.Thread] = []
        self._tmpdir: tempfile.TemporaryDirectory[str] | None = None
        self.app: PortalApp | None = None
        self.url = self.http_url = ""
        self.ca_cert_path = Path()
        self.leaf_cert_path = Path()
        self.leaf_spki_sha256 = ""
        self.resolve: dict[str, str] = {}

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> SamplePortal:
        ca = trustme.CA(organization_name="Sample Portal Test CA")
        leaf = ca.issue_cert(*CERT_IDENTITIES)
        self._tmpdir = tempfile.TemporaryDirectory(prefix="sample-portal-")
        tmp = Path(self._tmpdir.name)
        self.ca_cert_path = tmp / "ca.pem"
        ca.cert_pem.write_to_path(str(self.ca_cert_path))
        self.leaf_cert_path = tmp / "leaf.pem"
        leaf.cert_chain_pems[0].write_to_path(str(self.leaf_cert_path))
        cert = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes())
        spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
        self.leaf_spki_sha256 = base64.b64encode(hashlib.sha256(spki).digest()).decode()

        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.set_alpn_protocols(["http/1.1"])
        leaf.configure_cert(ctx)

        https_server = _Server((self.host, self._ports[0]), _UnboundHandler)
        http_server = _Server((self.host, self._ports[1]), _UnboundHandler)
        url_host = f"[{self.host}]" if ":" in self.host else self.host
        https_port, http_port = https_server.server_address[1], http_server.server_address[1]
        self.url = f"https://{url_host}:{https_port}/"
        self.http_url = f"http://{url_host}:{http_port}/"
        self.app = PortalApp(self.profile, self.url, self.http_url)
        https_server.RequestHandlerClass = _handler_class(self.app, "https", self._quiet)
        http_server.RequestHandlerClass = _handler_class(self.app, "http", self._quiet)
        # The handshake runs in the connection's own thread, not in the accept loop.
        https_server.socket = ctx.wrap_socket(https_server.socket, server_side=True, do_handshake_on_connect=False)
        target = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        self.resolve = {name: f"{target}:{https_port}" for name in (EMC_HOST, NATIONAL_HOST, CDN_HOST)}
        for server in (https_server, http_server):
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                                      name=f"sample-portal-{server.server_address[1]}")
            thread.start()
            self._servers.append(server)
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.shutdown()
            server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()
        if self._tmpdir is not None:
            self._tmpdir.cleanup()
            self._tmpdir = None

    def __enter__(self) -> SamplePortal:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ observations
    @property
    def emc_hits(self) -> list[dict[str, Any]]:
        """Tracking hits the stand-in EMC collector received: {"params", "time", "referer", "user_agent"}."""
        return self.app.emc_hits if self.app else []

    @property
    def requests_seen(self) -> int:
        return self.app.requests_seen if self.app else 0

    @property
    def paths(self) -> Paths:
        """Where each function lives for this profile's theme."""
        assert self.app is not None, "portal not started"
        return self.app.paths

    @property
    def cdn_script_integrity(self) -> str:
        assert self.app is not None, "portal not started"
        return self.app.cdn_script_integrity

    def chromium_args(self) -> list[str]:
        return chromium_args(self.resolve, self.leaf_spki_sha256)


def chromium_args(resolve: dict[str, str], leaf_spki_sha256: str) -> list[str]:
    """Chromium flags that map the stand-in hosts (EMC, national portal, CDN) to the sample portal
    and accept its certificate: without them a browser would look the real hosts up."""
    rules = ", ".join(f"MAP {name}:443 {target}" for name, target in resolve.items())
    return [f"--host-resolver-rules={rules}", f"--ignore-certificate-errors-spki-list={leaf_spki_sha256}"]


class _UnboundHandler(BaseHTTPRequestHandler):
    """Bound before the ports are known; replaced by the real handler right after binding."""


def serve(profile: Profile, host: str = "127.0.0.1", https_port: int = 8443, http_port: int = 8080) -> None:
    """Run the sample portal in the foreground until Ctrl-C, printing where it is."""
    with SamplePortal(profile, host, https_port, http_port, quiet=False) as portal:
        print(f"Sample portal, profile {profile.name!r} (theme {profile.theme})")
        defects = profile.defects()
        if defects:
            print("Defects: " + ", ".join(f"{k}={v}" for k, v in defects.items()))
        print(f"HTTPS:   {portal.url}")
        print(f"HTTP:    {portal.http_url}")
        print(f"CA cert: {portal.ca_cert_path}")
        print(f"Test account: {TEST_USERNAME} / {TEST_PASSWORD}")
        print("Resolve map (host -> ip:port):")
        for name, target in portal.resolve.items():
            print(f"  {name} -> {target}")
        print("Chromium flags: " + " ".join(f"'{arg}'" for arg in portal.chromium_args()))
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("Stopping.")
