"""Shared fixtures: start the sample portal for a test, and talk to it over HTTPS."""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from assessor.sample_portal.profile import Profile, resolve_profile
from assessor.sample_portal.server import SamplePortal


@pytest.fixture
def start_portal() -> Iterator[Callable[..., SamplePortal]]:
    """start_portal(profile="good", **overrides) -> a running SamplePortal on 127.0.0.1, stopped after the test."""
    started: list[SamplePortal] = []

    def factory(profile: str | Profile = "good", **overrides: Any) -> SamplePortal:
        resolved = profile if isinstance(profile, Profile) else resolve_profile(profile, **overrides)
        portal = SamplePortal(resolved, host="127.0.0.1").start()
        started.append(portal)
        return portal

    yield factory
    for portal in started:
        portal.stop()


@pytest.fixture
def portal_client() -> Iterator[Callable[..., httpx.Client]]:
    """portal_client(portal, **httpx_kwargs) -> an httpx.Client on portal.url that trusts the portal's CA.

    Redirects are not followed unless follow_redirects=True is passed. Clients are closed after the test.
    """
    clients: list[httpx.Client] = []

    def factory(portal: SamplePortal, **kwargs: Any) -> httpx.Client:
        context = ssl.create_default_context(cafile=str(portal.ca_cert_path))
        kwargs.setdefault("timeout", 15)
        client = httpx.Client(base_url=portal.url, verify=context, **kwargs)
        clients.append(client)
        return client

    yield factory
    for client in clients:
        client.close()
