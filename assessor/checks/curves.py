"""Lighthouse-style log-normal scoring curves, declared as data (p10 and median control points).

A value at the median scores 0.5, a value at p10 scores 0.9, smaller is better. This is
Lighthouse's `getLogNormalScore` (shared/statistics.js), with Python's exact erfc instead of its
polynomial approximation, and the same clamping so that a value better than p10 never scores
below 0.9 and a value worse than the median never reaches 0.5.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field, model_validator

# erfc^-1(0.2): the standardised distance of the 10th percentile from the median.
INVERSE_ERFC_ONE_FIFTH = 0.9061938024368232
MIN_PASSING_SCORE = 0.9
MAX_AVERAGE_SCORE = math.nextafter(0.9, 0.0)
MAX_FAILING_SCORE = math.nextafter(0.5, 0.0)


class Curve(BaseModel):
    """A log-normal curve: `p10` scores 0.9, `median` scores 0.5 (same unit as the metric)."""

    model_config = ConfigDict(extra="forbid")

    p10: float = Field(gt=0)
    median: float = Field(gt=0)

    @model_validator(mode="after")
    def _p10_below_median(self) -> Curve:
        if self.p10 >= self.median:
            raise ValueError(f"p10 ({self.p10:g}) must be below median ({self.median:g})")
        return self

    def score(self, value: float) -> float:
        if value <= 0:
            return 1.0
        x_log_ratio = math.log(value / self.median)
        p10_log_ratio = -math.log(self.p10 / self.median)
        standardized = x_log_ratio * INVERSE_ERFC_ONE_FIFTH / p10_log_ratio
        percentile = math.erfc(standardized) / 2
        if value <= self.p10:
            return max(MIN_PASSING_SCORE, min(1.0, percentile))
        if value <= self.median:
            return max(0.5, min(MAX_AVERAGE_SCORE, percentile))
        return max(0.0, min(MAX_FAILING_SCORE, percentile))
