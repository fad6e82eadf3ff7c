"""How a score or a number of points is written, the same on the console, in every report and
export that shows it to a person."""

from __future__ import annotations

import math

from assessor.model import Assessment, GroupResult
from assessor.report.i18n import label


def cut_points(value: float) -> float:
    """Two decimals, cut rather than rounded: a score of 89.996 is a B on bands where A starts at
    90, and shown as "90" beside its B it would contradict them."""
    return math.floor(value * 100 + 1e-6) / 100  # the 1e-6: 0.29 * 100 is 28.999999999999996


def points_text(value: float | None) -> str:
    return "–" if value is None else f"{cut_points(value):.2f}".rstrip("0").rstrip(".")


def group_points_text(group: GroupResult, lang: str, between: str = " / ") -> str:
    """`50 / 60 (applicable: 50)`: a group's points out of its own, and, when a criterion does not
    apply, the points that do (the score counts out of those), as the campaign's heat map says it."""
    said = f"{points_text(group.score)}{between}{points_text(group.points)}"
    if group.points - group.applicable_points > 1e-9:
        said += f" ({label('applicable_points', lang).format(points=points_text(group.applicable_points))})"
    return said


def score_sum_text(assessment: Assessment, lang: str) -> str:
    """`70.5 / 90 points that apply → 78.33 / 100`: how the groups add up to the score."""
    return label("sum_applicable", lang).format(
        earned=points_text(assessment.points_earned),
        applicable=points_text(assessment.applicable_points),
        score=points_text(assessment.score),
    )
