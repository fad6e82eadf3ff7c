"""`assessor load` as its user meets it: against hostile or failing portals on 127.0.0.1, it ends in
time with one line and the right exit code, its numbers mean what they say, and a failed request
says why. Every load test here is small (2 users, a few seconds) and stops by itself."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor.artifacts.performance import LabSettings
from assessor.cli import app
from assessor.perf import cli as load_cli
from assessor.perf.cli import discover_paths
from tests.core.local_site import serve_site
from tests.zoo.servers import Zoo

# Short enough for a test, long enough for a busy machine to fetch a small page.
TEST_DEADLINE_S = 3.0
HOME = "<html><head><title>Cổng thử</title></head><body><h1>Dịch vụ công</h1></body></html>"


def one_line(output: str) -> str:
    return " ".join(output.split())


def invoke_load(url: str, out: Path, *options: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["load", url, "--allow-load-test", "--out", str(out), *options])
    assert result.exception is None or isinstance(result.exception, SystemExit), "no traceback"
    return result.exit_code, result.output


@pytest.fixture
def short_discovery(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(load_cli, "DISCOVERY_DEADLINE_S", TEST_DEADLINE_S)
    return TEST_DEADLINE_S


def test_a_home_page_that_trickles_ends_the_command_at_the_discovery_deadline(short_discovery: float,
                                                                             tmp_path: Path) -> None:
    """A page that sends a byte a second never trips a read timeout: only an overall deadline ends it
    (the zoo's lifetime bounds the test if the deadline does not)."""
    with Zoo(lifetime_s=25) as zoo:
        started = time.monotonic()
        code, output = invoke_load(zoo.url("drip"), tmp_path, "--users", "2", "--duration", "3")
        took_s = time.monotonic() - started
    assert code == 3, output
    assert took_s < short_discovery + 6, f"took {took_s:.0f} s"
    error_lines = [line for line in output.splitlines() if line.startswith("error:")]
    assert len(error_lines) == 1 and len(output.strip().splitlines()) == 1, output
    assert f"did not arrive in full within {short_discovery:g} s" in error_lines[0]
    assert list(tmp_path.iterdir()) == [], "no load was generated, no report written"


def test_linked_pages_that_never_finish_do_not_hold_up_the_discovery(short_discovery: float) -> None:
    """The zoo's home page links to a silent page, a dripping one and a 50 MB one: the key pages are
    chosen from what arrived by the deadline."""
    with Zoo(lifetime_s=25) as zoo:
        started = time.monotonic()
        paths, _ = asyncio.run(discover_paths(zoo.url("drip").removesuffix("drip/"), LabSettings(), None))
        took_s = time.monotonic() - started
    assert paths["home"] == "/"
    assert took_s < short_discovery + 4, f"took {took_s:.0f} s"


@pytest.mark.parametrize(("portal", "said"), [
    ("closed port", "ConnectError: All connection attempts failed"),
    ("expired certificate", "ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED]"),
    ("redirect loop", "TooManyRedirects"),
    ("connection reset", "ReadError"),
    ("home page 503", "the home page answered HTTP 503 Service Unavailable"),
])
def test_an_unreachable_portal_gets_one_line_and_no_path_hint(portal: str, said: str, tmp_path: Path) -> None:
    """Naming the pages with --path cannot help a portal that cannot be reached or fails: the hint
    sent users to a load test of 100 % errors."""
    with Zoo() as zoo, serve_site({"/": (503, {}, "<h1>Bảo trì</h1>")}) as failing_site:
        url = {"closed port": "http://127.0.0.1:9/", "expired certificate": zoo.tls_url("expired"),
               "redirect loop": zoo.url("loop"), "connection reset": zoo.url("reset"),
               "home page 503": failing_site + "/"}[portal]
        code, output = invoke_load(url, tmp_path)
    assert code == 3, output
    assert len(output.strip().splitlines()) == 1, output
    assert f"error: cannot find the key pages of {url}: {said}" in one_line(output)
    assert "--path" not in output and "developer.mozilla.org" not in output
    assert list(tmp_path.iterdir()) == []


def test_a_home_page_not_found_gets_the_path_hint(tmp_path: Path) -> None:
    """The portal answers, but not with its home page at this address: the pages can be named."""
    with serve_site({}) as site:
        code, output = invoke_load(site + "/", tmp_path)
    assert code == 3, output
    assert len(output.strip().splitlines()) == 1, output
    assert "the home page answered HTTP 404 Not Found (give the key pages with --path KIND=/path)" in one_line(output)


@pytest.mark.parametrize("portal", ["closed port", "expired certificate"])
def test_an_unreachable_portal_with_given_paths_ends_with_exit_3_before_any_load(portal: str,
                                                                                tmp_path: Path) -> None:
    with Zoo() as zoo:
        url = {"closed port": "http://127.0.0.1:9/", "expired certificate": zoo.tls_url("expired")}[portal]
        code, output = invoke_load(url, tmp_path, "--path", "home=/", "--users", "2", "--duration", "3")
    assert code == 3, output
    assert len(output.strip().splitlines()) == 1, output
    assert f"error: cannot reach {url}:" in one_line(output)
    assert list(tmp_path.iterdir()) == [], "no load was generated, no report written"


def test_requests_per_second_are_over_the_test_duration(tmp_path: Path) -> None:
    """Two users who read for 5 s make one request each in a 3-second test: 2 requests over 3 s, not
    over the milliseconds between the first and the last request (Locust's own total_rps)."""
    with serve_site({"/": (200, {}, HOME)}) as site:
        code, output = invoke_load(site + "/", tmp_path, "--path", "home=/", "--users", "2", "--spawn-rate", "2",
                                   "--duration", "3", "--think-min", "5", "--think-max", "5")
    assert code == 0, output
    load = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    requests, rps = load["total"]["requests"], load["total"]["rps"]
    assert requests == 2
    assert 3 <= load["elapsed_s"] < 6
    assert rps == pytest.approx(requests / load["elapsed_s"])
    assert load["pages"][0]["rps"] == pytest.approx(rps)
    assert f"2 requests in {load['elapsed_s']:.1f} s, {rps:.1f} req/s" in one_line(output)
    assert f"<td>{rps:.1f}</td>" in (tmp_path / "load-report.html").read_text(encoding="utf-8")


def test_failed_requests_say_why_per_page_type(tmp_path: Path) -> None:
    with serve_site({"/": (200, {}, HOME), "/tra-cuu": (503, {}, "<h1>Quá tải</h1>")}) as site:
        code, output = invoke_load(site + "/", tmp_path, "--path", "home=/", "--path", "lookup=/tra-cuu",
                                   "--users", "2", "--spawn-rate", "2", "--duration", "2", "--think-min", "0",
                                   "--think-max", "0.2")
    assert code == 1, output
    load = json.loads((tmp_path / "load.json").read_text(encoding="utf-8"))
    lookup = next(stats for stats in load["pages"] if stats["name"] == "lookup")
    assert [error["page"] for error in load["errors"]] == ["lookup"]
    assert "503" in load["errors"][0]["error"]
    assert load["errors"][0]["occurrences"] == lookup["failures"] > 0
    report = (tmp_path / "load-report.html").read_text(encoding="utf-8")
    assert load["errors"][0]["error"] in report
    assert f"lookup: {lookup['failures']} × {load['errors'][0]['error']}" in one_line(output)


@pytest.mark.parametrize(("options", "named"), [
    (["--think-min", "5", "--think-max", "1"], "--think-max 1 must not be below --think-min 5"),
    (["--think-max", "0.5"], "--think-max 0.5 must not be below --think-min 1"),
    (["--spawn-rate", "0"], "'--spawn-rate'"),
    (["--spawn-rate", "500"], "'--spawn-rate'"),
    (["--users", "1000"], "'--users'"),
    (["--duration", "100000"], "'--duration'"),
    (["--workers", "5", "--remote-workers", "5"], "--workers and --remote-workers: 10 in all, above the ceiling of 8"),
])
def test_option_errors_name_the_option(options: list[str], named: str, tmp_path: Path) -> None:
    """Said before anything is sent: the portal here does not even exist."""
    code, output = invoke_load("http://127.0.0.1:9/", tmp_path, *options)
    assert code == 2, output
    assert named in one_line(output)
    assert "_s " not in output and "Input should" not in output
