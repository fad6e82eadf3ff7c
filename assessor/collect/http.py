"""httpx clients for raw probes, honouring --resolve and --ca-bundle like the browser does."""

from __future__ import annotations

import ssl
from http.cookiejar import Cookie, CookieJar, DefaultCookiePolicy
from pathlib import Path
from typing import Any

import httpx

from assessor.collect.user_agent import USER_AGENT
from assessor.snapshot import CollectSettings


class ResolvingTransport(httpx.AsyncHTTPTransport):
    """Sends requests for a mapped host to another address, keeping Host and TLS SNI intact
    (the equivalent of curl --resolve)."""

    def __init__(self, resolve: dict[str, str], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resolve = resolve

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        target = self.resolve.get(request.url.host)
        if target:
            address, _, port = target.rpartition(":")
            request.extensions = {**request.extensions, "sni_hostname": request.url.host}
            request.url = request.url.copy_with(host=address.strip("[]"), port=int(port))
        return await super().handle_async_request(request)


class SendableCookiesPolicy(DefaultCookiePolicy):
    """Keeps only the cookies httpx can send back. A portal may set one holding Vietnamese as raw
    UTF-8 bytes (`lang=tiếng-việt`); httpx writes request headers in ASCII, so once stored such a
    cookie fails every later request to that site. A browser would send it; the raw clients do
    without it (none of their requests needs a language or tracking cookie to be judged)."""

    def set_ok(self, cookie: Cookie, request: Any) -> bool:
        return cookie.name.isascii() and (cookie.value or "").isascii() and super().set_ok(cookie, request)


def tls_context(ca_bundle: Path | None) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_bundle is not None:
        context.load_verify_locations(cafile=str(ca_bundle))
    return context


def ca_bundle_problem(ca_bundle: Path) -> str | None:
    """Why a certificate-authority file cannot be trusted as given, or None: said before any work,
    not as a failure half-way through an assessment."""
    if ca_bundle.is_dir():
        return "a folder, not a file"
    if not ca_bundle.is_file():
        return "file not found"
    try:
        tls_context(ca_bundle)
    except ssl.SSLError as exc:
        return f"no certificate in it (PEM expected): {exc.reason or exc}"
    return None


def http_client(settings: CollectSettings, ca_bundle: Path | None = None, verify: bool = True,
                **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client like the browser: --resolve, the CA bundle (unless `verify` is False), the
    user agent, the page timeout and the cookies it can send back."""
    context = tls_context(ca_bundle) if verify else False
    options: dict[str, Any] = {
        "timeout": httpx.Timeout(settings.page_timeout_s, connect=min(10.0, settings.page_timeout_s)),
        "headers": {"User-Agent": settings.user_agent or USER_AGENT},
        "follow_redirects": False,
        "cookies": CookieJar(policy=SendableCookiesPolicy()),
    }
    options.update(kwargs)
    return httpx.AsyncClient(transport=ResolvingTransport(settings.resolve, verify=context), **options)
