"""Issue 2's promise, end to end on the sample portal with the bundled rubric: the good profile
grades A, the poor one D or E, and one defect switched on lowers exactly the criteria that judge it.

Performance criteria are left out of the one-defect comparison: they are timings, and timings of
two runs on a shared machine differ by a little whatever the defect (the repeatability test in
tests/ci covers them)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from assessor.assess import RunOptions, assess_portal, portal_from_url
from assessor.collect.browser import find_browser
from assessor.criteria import load_rubric
from assessor.model import Assessment
from assessor.perf.cli import apply_load_overrides
from assessor.sample_portal.profile import resolve_profile
from assessor.sample_portal.server import SamplePortal

pytestmark = pytest.mark.timeout(900)


def assess_sample(folder: Path, profile: str, **flags: object) -> Assessment:
    """As `assessor demo` does: the whole rubric, a brief load test of our own loopback portal."""
    rubric = load_rubric()
    apply_load_overrides(rubric, 5, 5)
    with SamplePortal(resolve_profile(profile, **flags)) as portal:
        options = RunOptions.for_local_portal(portal, rubric, folder, find_browser().path, allow_load_test=True)
        ref = portal_from_url(portal.url, portal_id=profile)
        return asyncio.run(assess_portal(ref, options))[0]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Assessment:
    return assess_sample(tmp_path_factory.mktemp("good"), "good")


def judged(assessment: Assessment) -> dict[str, tuple[str, float | None]]:
    return {c.id: (c.status.value, c.fraction) for g in assessment.groups if g.id != "performance" for c in g.criteria}


def test_the_good_profile_grades_a(good: Assessment) -> None:
    assert good.status == "complete", [(c.id, c.message.en) for g in good.groups for c in g.criteria if c.status == "error"]
    assert good.grade == "A", good.score


def test_the_poor_profile_grades_d_or_e(tmp_path: Path) -> None:
    poor = assess_sample(tmp_path, "poor")
    assert poor.grade in ("D", "E"), poor.score


@pytest.mark.parametrize(
    ("flag", "value", "dependents"),
    [
        ("weak_headers", True, {"security.headers"}),
        ("no_sitemap", True, {"layout.sitemap_links"}),
        ("emc_badge", False, {"emc.badge"}),
    ],
)
def test_one_defect_lowers_exactly_the_criteria_that_judge_it(
    good: Assessment, tmp_path: Path, flag: str, value: object, dependents: set[str]
) -> None:
    defective = assess_sample(tmp_path, "good", **{flag: value})
    before, after = judged(good), judged(defective)
    changed = {cid for cid in before if before[cid] != after[cid]}
    assert changed == dependents
    for cid in dependents:
        assert (after[cid][1] or 0) < (before[cid][1] or 0)
