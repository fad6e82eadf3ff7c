"""The runner on portals that break: each is recorded with its reason and the campaign goes on."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assessor.campaign import GIB, CampaignOptions, CampaignProgress, default_concurrency, longest_first, run_campaign
from assessor.collect.browser import find_browser
from assessor.criteria import default_criteria_path
from assessor.portals import PortalEntry, PortalList, parse_portals
from assessor.store import open_store
from tests.builders import closed_portal_list

pytestmark = pytest.mark.timeout(900)

def broken_fleet() -> PortalList:
    """An unreachable portal, and one whose worker crashes: its sample URL names a flag no profile
    has, which the list's validation now refuses, so the entry is made without it (as a list read
    by an older assessor would be). The crash's message, with every known flag, is longer than a
    line."""
    unreachable = parse_portals(closed_portal_list("closed-port")).portals
    crashing = PortalEntry.model_construct(id="bad-profile", name="Cổng hỏng", kind="other",
                                           url="sample:good?no_such_flag=1", login=None, allow_load_test=False,
                                           max_pages=None, extra_urls=[])
    return PortalList(portals=[*unreachable, crashing])


def test_unreachable_and_crashing_portals_are_recorded_and_the_campaign_finishes(tmp_path: Path) -> None:
    portals = broken_fleet()
    options = CampaignOptions(concurrency=2, max_pages=1, time_budget_s=30, browser_path=find_browser().path)
    with open_store(tmp_path / "db.sqlite3") as store:
        campaign = store.create_campaign("broken", "p.yaml", str(tmp_path / "out"), None, {})
        progress = asyncio.run(run_campaign(store, campaign, portals, options))
        rows = {row.portal_id: row for row in store.results(campaign)}
        assert store.campaign("broken").finished_at is not None
    assert (progress.done, progress.failed, progress.finished) == (1, 1, 2)
    unreachable, crashed = rows["closed-port"], rows["bad-profile"]
    assert (unreachable.outcome, unreachable.status, unreachable.grade) == ("done", "unreachable", None)
    assert "127.0.0.1:9" in unreachable.assessment.message.en
    # The crash's own last line, whole (its end was kept, cut mid-list), and where the rest is.
    assert crashed.outcome == "failed" and "unknown flag 'no_such_flag'" in crashed.error, crashed.error
    assert str(tmp_path / "out" / "bad-profile" / "worker.log") in crashed.error
    assert (tmp_path / "out" / "bad-profile" / "worker.log").is_file()

    # Resuming redoes nothing; --retry-failed takes the failed one and the unreachable one again.
    with open_store(tmp_path / "db.sqlite3") as store:
        campaign = store.campaign("broken")
        again = asyncio.run(run_campaign(store, campaign, portals, options))
        assert (again.skipped, again.done, again.failed) == (2, 0, 0)
        retried = asyncio.run(run_campaign(store, campaign, portals, options, retry_failed=True))
        assert (retried.skipped, retried.done, retried.failed) == (0, 1, 1)
        assert [a.portal_id for a in store.attempts(campaign)].count("closed-port") == 2


def test_portals_start_new_ones_first_then_the_longest_last_time() -> None:
    entries = [PortalEntry(id=name, name=name, kind="province", url=f"https://{name}.example/")
               for name in ("quick", "new-a", "slow", "middling", "new-b")]
    ordered = longest_first(entries, {"quick": 20.0, "slow": 90.0, "middling": 45.0})
    assert [entry.id for entry in ordered] == ["new-a", "new-b", "slow", "middling", "quick"]


def test_every_portal_is_scored_with_the_rubric_as_the_campaign_read_it(tmp_path: Path) -> None:
    """A criteria file edited (here: broken) while a campaign runs changes nothing for the portals
    still to come: the workers score with the rubric's text as read when the campaign started."""
    criteria = tmp_path / "mine.yaml"
    criteria.write_bytes(default_criteria_path().read_bytes())
    portals = parse_portals(closed_portal_list("closed-1", "closed-2"))
    options = CampaignOptions(concurrency=1, max_pages=1, time_budget_s=30, browser_path=find_browser().path)

    def edit_the_file_once_a_portal_runs(progress: CampaignProgress) -> None:
        if progress.running:
            criteria.write_text("groups: [\n", encoding="utf-8")

    with open_store(tmp_path / "db.sqlite3") as store:
        campaign = store.create_campaign("edited", "p.yaml", str(tmp_path / "out"), str(criteria), {})
        progress = asyncio.run(run_campaign(store, campaign, portals, options,
                                            on_change=edit_the_file_once_a_portal_runs))
        rows = store.results(campaign)
    assert (progress.done, progress.failed) == (2, 0), [row.error for row in rows]
    assert {row.status for row in rows} == {"unreachable"}


@pytest.mark.parametrize(("cores", "available_gib", "expected"), [
    (2, 24, 3),  # a portal waits on its server too, so one more than the cores (the fastest in bench/)
    (1, 24, 2),
    (16, 64, 8),  # at most 8
    (4, 2.5, 2),  # about 1 GiB of memory a portal (its Chromium, its worker)
    (2, 0.5, 1),  # always one
])
def test_default_concurrency_follows_the_cores_and_the_memory(cores: int, available_gib: float, expected: int) -> None:
    assert default_concurrency(cores, int(available_gib * GIB)) == expected
