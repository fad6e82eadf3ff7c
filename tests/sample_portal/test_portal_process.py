"""The sample portal served from its own process: it serves its profile, stops with its owner,
reports a failed start, and never outlives a parent that was killed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import httpx
import pytest

from assessor.sample_portal.process import SamplePortalProcess
from assessor.sample_portal.profile import resolve_profile

from .support import client


def refused(url: str) -> bool:
    try:
        httpx.get(url, verify=False, timeout=2)
    except httpx.ConnectError:
        return True
    return False


def test_serves_its_profile_from_another_process_and_stops_with_its_owner() -> None:
    with SamplePortalProcess(resolve_profile("good", server_delay_ms=300)) as portal, client(portal) as http:
        started = time.monotonic()
        response = http.get("/")
        assert response.status_code == 200 and "Lâm Hà" in response.text
        assert time.monotonic() - started >= 0.3  # the profile's server delay came along
        assert portal.http_url.startswith("http://127.0.0.1:")
        assert set(portal.resolve) == {"f-emc.ngsp.gov.vn", "dichvucong.gov.vn", "cdn.sample.test"}
        assert portal.leaf_spki_sha256
        port = portal.url.rsplit(":", 1)[1].rstrip("/")
        rules, pin = portal.chromium_args()
        assert f"MAP f-emc.ngsp.gov.vn:443 127.0.0.1:{port}" in rules and pin.endswith(portal.leaf_spki_sha256)
        assert portal.pid is not None and portal.pid != os.getpid()
        url = portal.url
    assert refused(url)
    assert portal.pid is None


def test_a_portal_that_cannot_start_is_an_error_naming_why() -> None:
    # 192.0.2.1 (TEST-NET-1) is no address of this machine: the server cannot bind it.
    with pytest.raises(RuntimeError, match="the sample portal did not start: OSError"):
        SamplePortalProcess("good", host="192.0.2.1").start()


def test_the_portal_leaves_when_its_parent_is_killed(tmp_path) -> None:
    script = textwrap.dedent("""
        import sys, time
        from assessor.sample_portal.process import SamplePortalProcess
        if __name__ == "__main__":
            portal = SamplePortalProcess("good").start()
            print(portal.url, flush=True)
            time.sleep(600)
    """)
    (tmp_path / "owner.py").write_text(script, encoding="utf-8")
    owner = subprocess.Popen([sys.executable, str(tmp_path / "owner.py")], stdout=subprocess.PIPE, text=True)
    try:
        url = owner.stdout.readline().strip()
        assert url.startswith("https://127.0.0.1:")
        assert not refused(url)
        owner.kill()
        owner.wait(10)
        deadline = time.monotonic() + 15
        while not refused(url) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert refused(url)
    finally:
        owner.kill()
