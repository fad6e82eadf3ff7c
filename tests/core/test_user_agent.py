"""The User-Agent the browser, the probes and the load test send."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assessor import __version__
from assessor.cli import app
from assessor.collect.browser import find_browser
from assessor.collect.run import collect
from assessor.collect.user_agent import USER_AGENT, browser_user_agent, client_hints, grease_brand
from assessor.criteria import load_rubric
from assessor.model import PortalRef
from assessor.perf.runner import LoadPlan, run_load_test
from assessor.snapshot import CollectSettings
from tests.core.local_site import QuietHandler, serve_handler

PAGE = "<html lang='vi'><title>Cổng thử</title><body><h1>Trang chủ</h1><a href='/thu-tuc'>Thủ tục</a></body></html>"


@pytest.mark.parametrize(("mobile", "expected"), [
    (False, ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
             f"Safari/537.36 assessor/{__version__}")),
    (True, ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 "
            f"Mobile Safari/537.36 assessor/{__version__}")),
])
def test_the_browser_says_it_is_chrome_for_its_form_factor_and_names_assessor(mobile: bool, expected: str) -> None:
    assert browser_user_agent("131.0.6778.85", mobile=mobile) == expected


@pytest.mark.parametrize(("user_agent", "platform", "mobile"), [
    (browser_user_agent("156.0.8078.114", mobile=False), ("Linux", ""), False),
    (browser_user_agent("156.0.8078.114", mobile=True), ("Android", "10"), True),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) QA-Team/1.0", ("Windows", "10.0"), False),  # a --user-agent
    ("QA-Team/1.0", ("Linux", ""), False),
], ids=["desktop", "mobile", "given windows", "given"])
def test_client_hints_name_chromium_and_the_platform_of_the_user_agent(user_agent: str, platform: tuple[str, str],
                                                                      mobile: bool) -> None:
    hints = client_hints(user_agent, "156.0.8078.114")
    assert hints["brands"] == [{"brand": "Not:A-Brand", "version": "8"}, {"brand": "Chromium", "version": "156"}]
    assert hints["fullVersionList"][1] == {"brand": "Chromium", "version": "156.0.8078.114"}
    assert (hints["platform"], hints["platformVersion"]) == platform
    assert hints["mobile"] is mobile and hints["formFactors"] == (["Mobile"] if mobile else ["Desktop"])


@pytest.mark.parametrize(("major", "brand"), [(156, ("Not:A-Brand", "8")), (131, ("Not_A Brand", "24")),
                                            (120, ("Not_A Brand", "8"))])
def test_the_made_up_brand_is_chromiums_own_for_its_version(major: int, brand: tuple[str, str]) -> None:
    """As Chromium 156 sends it beside its own (seen in the test below), and as Chromium 131 and
    120 sent theirs."""
    assert grease_brand(major) == brand


@contextmanager
def firewalled_site() -> Iterator[tuple[str, list[tuple[str, str, str]]]]:
    """A site behind a firewall that refuses a headless browser, by its User-Agent or by the brands
    its client hints name (403), and the (path, User-Agent, Sec-CH-UA) of every request it got."""
    seen: list[tuple[str, str, str]] = []

    class Handler(QuietHandler):
        def do_GET(self) -> None:
            agent, brands = self.headers.get("User-Agent", ""), self.headers.get("Sec-CH-UA", "")
            seen.append((self.path, agent, brands))
            refused = "Headless" in agent or "Headless" in brands
            self.reply(403 if refused else 200, ("<h1>403 Forbidden</h1>" if refused else PAGE).encode("utf-8"))

    with serve_handler(Handler) as base:
        yield base, seen


def crawl_of(base: str, folder: Path, user_agent: str | None):
    settings = CollectSettings(max_pages=2, max_depth=1, time_budget_s=30, page_timeout_s=10, http_url=base + "/",
                               user_agent=user_agent)
    portal = PortalRef(id="local", name="Local", url=base + "/")
    return asyncio.run(collect(portal, settings, load_rubric(), folder, find_browser().path))


def test_a_firewall_that_refuses_headless_browsers_lets_the_crawl_through(tmp_path: Path) -> None:
    with firewalled_site() as (base, seen):
        snapshot = crawl_of(base, tmp_path, None)
    assert snapshot.pages[0].status == 200 and "Trang chủ" in snapshot.pages[0].html
    browser = [(path, agent, brands) for path, agent, brands in seen if agent.startswith("Mozilla/5.0")]
    assert browser and all(f"assessor/{__version__}" in agent for _, agent, _ in browser)
    # Every page the browser opened (crawl, lab runs, functions, layouts) names Chromium, not HeadlessChrome.
    major = re.search(r"Chrome/(\d+)\.", browser[0][1]).group(1)
    grease, grease_version = grease_brand(int(major))
    assert {brands for _, _, brands in browser} == {f'"{grease}";v="{grease_version}", "Chromium";v="{major}"'}
    assert any(agent == USER_AGENT for _, agent, _ in seen), "the probes name assessor"


def test_a_given_user_agent_is_sent_by_the_browser_and_every_probe(tmp_path: Path) -> None:
    given = "QA-Team/1.0 (+mailto:qa@example.gov.vn)"
    with firewalled_site() as (base, seen):
        snapshot = crawl_of(base, tmp_path, given)
    assert snapshot.settings.user_agent == given
    assert {"/", "/thu-tuc", "/.env"} <= {path for path, _, _ in seen}  # the browser's pages, a probe
    assert {agent for _, agent, _ in seen} == {given}


def test_the_load_test_sends_the_given_user_agent() -> None:
    with firewalled_site() as (base, seen):
        result = run_load_test(LoadPlan(target=base, users=1, spawn_rate=1, duration_s=1, think_min_s=0,
                                        think_max_s=0.1, user_agent="QA-Team/1.0"))
    assert result.total is not None and result.total.requests > 0 and result.total.failures == 0
    assert {agent for _, agent, _ in seen} == {"QA-Team/1.0"}


@pytest.mark.parametrize("command", [["run", "https://127.0.0.1:9/"], ["load", "https://127.0.0.1:9/",
                                                                         "--allow-load-test"]], ids=["run", "load"])
@pytest.mark.parametrize("agent", ["Trình duyệt/1.0", "two\nlines", " "], ids=["not ascii", "two lines", "blank"])
def test_a_user_agent_that_cannot_be_a_header_is_refused(command: list[str], agent: str, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*command, "--user-agent", agent, "--out", str(tmp_path / "out")])
    assert result.exit_code == 2, result.output
    assert "--user-agent must be printable ASCII on one line" in " ".join(result.output.split())
