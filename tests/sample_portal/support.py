"""Helpers for the sample portal's tests: module-scoped portals and clients that trust their CA."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal

PROCEDURE_CODE = "1.001193.000.00.00.H35"  # Đăng ký khai sinh
KNOWN_DOSSIER = "H35.22-240101-0001"


def client(portal: SamplePortal, **kwargs: Any) -> httpx.Client:
    context = ssl.create_default_context(cafile=str(portal.ca_cert_path))
    kwargs.setdefault("timeout", 15)
    return httpx.Client(base_url=portal.url, verify=context, **kwargs)


@contextmanager
def running(profile: str = "good", **overrides: Any) -> Iterator[tuple[SamplePortal, httpx.Client]]:
    with SamplePortal(resolve_profile(profile, **overrides)) as portal, client(portal) as http:
        yield portal, http
