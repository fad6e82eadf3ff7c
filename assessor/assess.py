"""One portal, end to end: collect -> snapshot -> checks -> scoring -> outputs."""

from __future__ import annotations

import asyncio
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from assessor.collect.run import collect
from assessor.criteria import Rubric
from assessor.model import Assessment, PortalRef, Review
from assessor.report.render import write_outputs
from assessor.scoring import score
from assessor.snapshot import CollectSettings, Snapshot


class LocalPortal(Protocol):
    resolve: dict[str, str]
    http_url: str
    ca_cert_path: Path


@dataclass
class RunOptions:
    rubric: Rubric
    out_dir: Path
    browser_path: str
    settings: CollectSettings = field(default_factory=CollectSettings)
    formats: tuple[str, ...] = ("json", "html")
    lang: str = "vi"
    ca_bundle: Path | None = None
    remote_browser: str | None = None
    reviews: dict[str, Review] = field(default_factory=dict)

    @classmethod
    def for_local_portal(cls, portal: LocalPortal, rubric: Rubric, out_dir: Path, browser_path: str, **settings: object) -> RunOptions:
        """Options to assess a portal served on this machine (the sample portal, test servers):
        its host names resolved to loopback, its private CA trusted, its HTTP port known."""
        return cls(
            rubric=rubric,
            out_dir=out_dir,
            browser_path=browser_path,
            settings=CollectSettings(resolve=dict(portal.resolve), http_url=portal.http_url, **settings),
            ca_bundle=portal.ca_cert_path,
        )


def slug(text: str) -> str:
    """A file-system-safe id: 'https://dichvucong.hanoi.gov.vn/' -> 'dichvucong-hanoi-gov-vn'."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")[:80] or "portal"


def portal_from_url(url: str, name: str | None = None, portal_id: str | None = None) -> PortalRef:
    parts = urlsplit(url)
    host = parts.hostname or url
    port = f"-{parts.port}" if parts.port else ""
    return PortalRef(id=portal_id or slug(host + port), name=name or host, url=url)


async def assess_portal(
    portal: PortalRef, options: RunOptions, progress: Callable[[str], None] = lambda message: None
) -> tuple[Assessment, Snapshot]:
    folder = options.out_dir / portal.id
    started = time.monotonic()
    snapshot = await collect(
        portal,
        options.settings,
        options.rubric,
        folder / "snapshot",
        options.browser_path,
        ca_bundle=options.ca_bundle,
        progress=progress,
        remote_browser=options.remote_browser,
    )
    progress("scoring")
    assessment = score(options.rubric, snapshot, options.reviews, duration_s=time.monotonic() - started)
    write_outputs(assessment, snapshot, options.rubric, folder, options.formats, options.lang)
    return assessment, snapshot


def assess(portal: PortalRef, options: RunOptions, progress: Callable[[str], None] = lambda m: None) -> Assessment:
    return asyncio.run(assess_portal(portal, options, progress))[0]
