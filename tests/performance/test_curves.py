"""Lighthouse's log-normal curve: control points, clamping, validation."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest
from pydantic import ValidationError

from assessor.checks.curves import Curve

FCP = Curve(p10=1800, median=3000)


def test_control_points_score_as_lighthouse_defines_them() -> None:
    assert FCP.score(1800) == pytest.approx(0.9, abs=1e-9)
    assert FCP.score(3000) == pytest.approx(0.5, abs=1e-9)


@pytest.mark.parametrize("value", [1000, 2200, 4000, 6000])
def test_matches_the_log_normal_survival_function(value: float) -> None:
    # Independently: 1 - CDF of a log-normal whose median is 3000 and whose 10th percentile is 1800.
    sigma = math.log(3000 / 1800) / NormalDist().inv_cdf(0.9)
    expected = 1 - NormalDist(math.log(3000), sigma).cdf(math.log(value))
    assert FCP.score(value) == pytest.approx(expected, abs=1e-6)


def test_scores_fall_as_values_grow_and_stay_in_their_bands() -> None:
    values = [0, 100, 1800, 2500, 3000, 3001, 10_000, 1e9]
    scores = [FCP.score(value) for value in values]
    assert scores == sorted(scores, reverse=True)
    assert scores[0] == 1.0
    assert 0.5 <= FCP.score(2999) < 0.9
    assert FCP.score(3001) < 0.5
    assert FCP.score(1e9) == pytest.approx(0.0, abs=1e-6)


def test_p10_must_be_below_median() -> None:
    with pytest.raises(ValidationError, match="p10"):
        Curve(p10=3000, median=3000)
