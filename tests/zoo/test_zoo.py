"""Hostile and broken portals: every assessment ends in time with the right status and a
clear message, memory stays bounded, and the HTML report of a portal full of markup runs no
script and opens no dialog in a real browser.

The whole zoo is assessed once per module, a few portals at a time, with short budgets.
"""

from __future__ import annotations

import asyncio
import resource
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

from assessor.assess import RunOptions, assess_portal, portal_from_url
from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.collect.page_visit import MAX_HTML_CHARS
from assessor.criteria import load_rubric
from assessor.model import Assessment
from assessor.snapshot import CollectSettings, Snapshot
from tests.zoo.servers import EXHIBITS, HOSTILE, Zoo

TIME_BUDGET_S = 15.0
PAGE_TIMEOUT_S = 5.0
MAX_PAGES = 5
AT_ONCE = 4
# The crawl and then the portal-wide measurements each get the budget; a page in flight may
# overrun it by its own timeout; launching the browser and scoring cost the rest.
DEADLINE_S = 2 * TIME_BUDGET_S + PAGE_TIMEOUT_S + 45
MAX_RSS_MB = 1500
TLS_KINDS = ("expired", "self-signed")


@dataclass
class Outcome:
    assessment: Assessment
    snapshot: Snapshot
    elapsed_s: float
    folder: Path


async def assess_one(zoo: Zoo, name: str, out: Path, gate: asyncio.Semaphore) -> Outcome:
    url = zoo.tls_url(name) if name in TLS_KINDS else zoo.url(name)
    settings = CollectSettings(time_budget_s=TIME_BUDGET_S, page_timeout_s=PAGE_TIMEOUT_S, max_pages=MAX_PAGES)
    options = RunOptions(load_rubric(), out, find_browser(None).path, settings, formats=("json", "html", "junit", "sarif"))
    async with gate:
        started = time.monotonic()
        # The test's own guard: a hang fails here instead of stalling the suite.
        assessment, snapshot = await asyncio.wait_for(assess_portal(portal_from_url(url, portal_id=name), options), 3 * DEADLINE_S)
        return Outcome(assessment, snapshot, time.monotonic() - started, out / name)


@pytest.fixture(scope="module")
def zoo_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Outcome]:
    out = tmp_path_factory.mktemp("zoo")

    async def assess_all() -> dict[str, Outcome]:
        gate = asyncio.Semaphore(AT_ONCE)
        names = [*EXHIBITS, *TLS_KINDS]
        outcomes = await asyncio.gather(*(assess_one(zoo, name, out, gate) for name in names))
        return dict(zip(names, outcomes, strict=True))

    with Zoo(lifetime_s=3 * DEADLINE_S) as zoo:
        return asyncio.run(assess_all())


# exhibit -> (statuses it may end with, a fragment of the reason shown for an unreachable one)
EXPECTED: dict[str, tuple[set[str], str | None]] = {
    "silent": ({"unreachable"}, "no complete page within 5 s"),
    "reset": ({"unreachable"}, "ERR_CONNECTION_RESET"),
    "loop": ({"unreachable"}, "ERR_TOO_MANY_REDIRECTS"),
    **{name: ({"complete", "incomplete"}, None) for name in EXHIBITS if name not in ("silent", "reset", "loop")},
    **{name: ({"complete", "incomplete"}, None) for name in TLS_KINDS},
}


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_portal_ends_in_time_with_the_right_status(zoo_outcomes: dict[str, Outcome], name: str) -> None:
    outcome = zoo_outcomes[name]
    statuses, reason = EXPECTED[name]
    assert outcome.elapsed_s < DEADLINE_S, f"{name} took {outcome.elapsed_s:.0f} s"
    assert outcome.assessment.status in statuses, (name, outcome.assessment.status, outcome.snapshot.error)
    if reason is not None:
        assert reason in outcome.assessment.message.en
        assert outcome.assessment.grade is None
    else:
        assert outcome.assessment.grade is not None and outcome.snapshot.home.status == 200
    for output in ("assessment.json", "report.html", "junit.xml", "assessor.sarif"):
        assert (outcome.folder / output).is_file(), output


def test_slow_and_stuck_pages_are_kept_with_what_was_recorded(zoo_outcomes: dict[str, Outcome]) -> None:
    for name in ("drip", "spin"):
        home = zoo_outcomes[name].snapshot.home
        assert home.status == 200, name
        assert home.error and "no complete page within 5 s" in home.error or any("did not settle" in e for e in home.page_errors), name


def test_a_crawler_trap_stays_within_the_page_budget(zoo_outcomes: dict[str, Outcome]) -> None:
    pages = zoo_outcomes["calendar"].snapshot.pages
    # Each month links to two more months and 28 days: the budget (pages or time) ends it.
    assert 1 < len(pages) <= MAX_PAGES and all("/calendar/" in page.url for page in pages)


def test_a_huge_page_is_bounded(zoo_outcomes: dict[str, Outcome]) -> None:
    home = zoo_outcomes["huge"].snapshot.home
    assert len(home.html or "") <= MAX_HTML_CHARS


def test_windows_1258_and_broken_encodings_are_read(zoo_outcomes: dict[str, Outcome]) -> None:
    cp1258 = zoo_outcomes["cp1258"].snapshot.home
    assert unicodedata.normalize("NFC", cp1258.title) == "Cổng Dịch vụ công"
    assert "Lâm Hà" in unicodedata.normalize("NFC", cp1258.html)
    broken = zoo_outcomes["broken-encoding"].snapshot.home
    assert broken.title.startswith("Tr") and "\ufffd" in broken.title


def test_dialogs_popups_and_runaway_pages_do_not_stop_the_crawl(zoo_outcomes: dict[str, Outcome]) -> None:
    assert len(zoo_outcomes["dialogs"].snapshot.pages) >= 2  # the link after the dialogs was followed
    assert zoo_outcomes["runaway"].snapshot.home.status == 200
    assert zoo_outcomes["popups"].snapshot.home.title == "Cửa sổ bật lên"


@pytest.mark.parametrize("kind", TLS_KINDS)
def test_a_refused_certificate_is_reported_and_the_rest_still_judged(zoo_outcomes: dict[str, Outcome], kind: str) -> None:
    snapshot = zoo_outcomes[kind].snapshot
    assert snapshot.certificate_error and "ERR_CERT" in snapshot.certificate_error
    assert snapshot.reachable and len(snapshot.pages) > 1


def test_memory_stays_bounded(zoo_outcomes: dict[str, Outcome]) -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    assert peak_mb < MAX_RSS_MB, f"peak {peak_mb:.0f} MB after the whole zoo (a 50 MB page among it)"


def test_the_report_of_a_hostile_portal_runs_no_script_in_a_browser(zoo_outcomes: dict[str, Outcome]) -> None:
    outcome = zoo_outcomes["hostile"]
    assert HOSTILE.replace("<", "&lt;") not in outcome.snapshot.home.title  # the browser decoded it
    assert "<script>" in outcome.snapshot.home.title  # the portal's title really carries markup

    async def open_report() -> tuple[list[str], list[str], str, int]:
        dialogs: list[str] = []
        errors: list[str] = []
        async with BrowserSession(BrowserOptions(executable=find_browser(None).path)) as session:
            context = await session.new_context()
            page = await context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), asyncio.ensure_future(dialog.dismiss())))
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            await page.goto((outcome.folder / "report.html").as_uri(), wait_until="load")
            await page.wait_for_timeout(500)
            text = await page.inner_text("body")
            scripts = await page.evaluate("() => document.querySelectorAll('script, img[onerror], [onload]').length")
            await context.close()
        return dialogs, errors, text, scripts

    dialogs, errors, text, injected = asyncio.run(open_report())
    assert dialogs == [] and injected == 0
    assert "<script>alert(\"xss\")</script>" in text  # shown as text, escaped
