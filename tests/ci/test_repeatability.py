"""Assessing the same portal twice gives the same grade and scores within one point."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assessor.assess import RunOptions, assess_portal, portal_from_url
from assessor.collect.browser import find_browser
from assessor.criteria import load_rubric
from assessor.model import Assessment
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal


# The shared run is set up inside the first test; on a busy machine it outlasts the default limit.
pytestmark = pytest.mark.timeout(900)


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assessment, Assessment]:
    rubric = load_rubric()
    runs = []
    with SamplePortal(resolve_profile("good")) as portal:
        for attempt in (1, 2):
            out = tmp_path_factory.mktemp(f"repeat{attempt}")
            options = RunOptions.for_local_portal(portal, rubric, out, find_browser(None).path, max_pages=6, time_budget_s=60)
            ref = portal_from_url(portal.url, portal_id="sample-good")
            runs.append(asyncio.run(assess_portal(ref, options))[0])
    return runs[0], runs[1]


def test_two_runs_agree_on_grade_and_score(two_runs: tuple[Assessment, Assessment]) -> None:
    first, second = two_runs
    assert first.grade is not None and first.grade == second.grade
    assert abs(first.score - second.score) <= 1.0, (first.score, second.score)
