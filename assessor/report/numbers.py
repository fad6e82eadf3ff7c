"""How a score or a number of points is written, the same on the console, in every report and
export that shows it to a person."""

from __future__ import annotations

import math


def cut_points(value: float) -> float:
    """Two decimals, cut rather than rounded: a score of 89.996 is a B on bands where A starts at
    90, and shown as "90" beside its B it would contradict them."""
    return math.floor(value * 100 + 1e-6) / 100  # the 1e-6: 0.29 * 100 is 28.999999999999996


def points_text(value: float | None) -> str:
    return "–" if value is None else f"{cut_points(value):.2f}".rstrip("0").rstrip(".")
