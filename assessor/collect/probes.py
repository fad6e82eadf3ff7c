"""Polite HTTP probes with httpx: the plain-HTTP entrance, a few well-known paths, one 404.

A handful of GET requests, never a fuzz: the plain-HTTP home followed hop by hop (does it send
citizens to HTTPS on the same host?), the paths the exposed-files check names in the rubric,
the folders the home page loads its scripts and styles from and the rubric's upload folders
(is a listing shown?), and one
address that cannot exist (does the error page show a stack trace?). Bodies are cut to an excerpt.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from assessor.artifacts.http import HttpProbe
from assessor.artifacts.page import Hop, header_values
from assessor.artifacts.probes import HTTP_ROOT, NOT_FOUND, listing_probe_name, path_probe_name
from assessor.collect.context import CollectContext
from assessor.collect.gatherers import STAGE_INDEPENDENT, portal_gatherer
from assessor.snapshot import Snapshot

MAX_HOPS = 8
BODY_EXCERPT_CHARS = 4000
# Used when the rubric names no paths for the exposed-files check.
DEFAULT_PATHS = ("/.git/HEAD", "/.env", "/phpinfo.php", "/backup.zip")
DEFAULT_LISTING_PATHS = ("/uploads/",)
# A path no portal serves: its answer shows the portal's own error page.
NOT_FOUND_PATH = "/assessor-probe-khong-ton-tai-404"
LISTING_FOLDERS = 3


def plain_http_url(snapshot: Snapshot) -> str:
    """settings.http_url, else the start URL on http:// and port 80."""
    if snapshot.settings.http_url:
        return snapshot.settings.http_url
    parts = urlsplit(snapshot.start_url)
    return urlunsplit(("http", parts.hostname or "", parts.path or "/", parts.query, ""))


def asset_folders(snapshot: Snapshot, limit: int = LISTING_FOLDERS) -> list[str]:
    """Same-site folders the home page loads scripts and styles from, e.g. /static/js/."""
    home = snapshot.home
    if home is None:
        return []
    origin = urlsplit(home.final_url)
    folders: list[str] = []
    for request in home.requests:
        parts = urlsplit(request.url)
        if request.resource_type not in ("script", "stylesheet") or parts.netloc != origin.netloc:
            continue
        folder = parts.path.rsplit("/", 1)[0] + "/"
        if folder != "/" and folder not in folders:
            folders.append(folder)
    return folders[:limit]


async def fetch(client: httpx.AsyncClient, name: str, url: str) -> HttpProbe:
    """One GET, redirects not followed."""
    probe = HttpProbe(name=name, url=url)
    try:
        response = await client.get(url)
    except httpx.HTTPError as exc:
        probe.error = f"{type(exc).__name__}: {exc}"[:300]
        return probe
    probe.final_url = str(response.url)
    probe.status = response.status_code
    probe.headers = list(response.headers.multi_items())
    probe.body_excerpt = response.content[:BODY_EXCERPT_CHARS].decode("utf-8", errors="replace")
    return probe


async def follow(client: httpx.AsyncClient, name: str, url: str) -> HttpProbe:
    """GET, following redirects one hop at a time so that every hop is on record."""
    hops: list[Hop] = []
    current = url
    for _ in range(MAX_HOPS):
        probe = await fetch(client, name, current)
        location = probe.header("location")
        if probe.status is None or probe.status not in (301, 302, 303, 307, 308) or not location:
            probe.url, probe.redirects = url, hops
            return probe
        hops.append(Hop(url=current, status=probe.status, location=location,
                        set_cookies=header_values(probe.headers, "set-cookie")))
        current = urljoin(current, location)
    probe = HttpProbe(name=name, url=url, redirects=hops, error=f"more than {MAX_HOPS} redirects")
    return probe


def probe_client(snapshot: Snapshot, ctx: CollectContext) -> httpx.AsyncClient:
    """Verifying like the browser; when the browser refused the certificate (and the crawl went on
    without verification), the probes go on the same way so the rest is judged all the same."""
    return ctx.http(verify=snapshot.certificate_error is None)


@portal_gatherer("probes", stage=STAGE_INDEPENDENT)
async def gather_probes(snapshot: Snapshot, ctx: CollectContext) -> None:
    base = snapshot.home.final_url if snapshot.home else snapshot.start_url
    params = ctx.params_for("security.exposed_files", ("paths", "listing_paths"))
    paths = params.get("paths") or list(DEFAULT_PATHS)
    folders = list(dict.fromkeys(asset_folders(snapshot) + list(params.get("listing_paths") or DEFAULT_LISTING_PATHS)))
    # A few at a time (the per-host limit), in this order on record: a slow server's delay is
    # paid once per batch rather than once per probe.
    at_once = asyncio.Semaphore(max(1, ctx.settings.per_host_concurrency))

    async def polite(probe: Awaitable[HttpProbe]) -> HttpProbe:
        async with at_once:
            return await probe

    async with probe_client(snapshot, ctx) as client:
        probes = [
            follow(client, HTTP_ROOT, plain_http_url(snapshot)),
            *(fetch(client, path_probe_name(path), urljoin(base, path)) for path in paths),
            *(fetch(client, listing_probe_name(folder), urljoin(base, folder)) for folder in folders),
            fetch(client, NOT_FOUND, urljoin(base, NOT_FOUND_PATH)),
        ]
        snapshot.probes.extend(await asyncio.gather(*(polite(probe) for probe in probes)))
