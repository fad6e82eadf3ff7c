"""A tiny rubric and a param-driven check, to test the loader and the scoring rules alone."""

from __future__ import annotations

from pathlib import Path

import yaml

from assessor.checks.registry import CheckParams, check, registry
from assessor.model import Finding, Status, Text
from assessor.snapshot import Snapshot


class FixedParams(CheckParams):
    status: Status = Status.PASS
    fraction: float | None = 1.0


if "test.fixed" not in registry():

    @check("test.fixed")
    def fixed(snapshot: Snapshot, params: FixedParams) -> Finding:
        """Returns exactly the finding its params describe."""
        return Finding(status=params.status, fraction=params.fraction, message=Text(vi="cố định", en="fixed"))

    @check("test.crashes")
    def crashes(snapshot: Snapshot, params: CheckParams) -> Finding:
        raise RuntimeError("boom")


def criterion(cid: str, points: float, status: str = "pass", fraction: float | None = 1.0, **extra: object) -> dict:
    return {
        "id": cid,
        "title": {"vi": cid, "en": cid},
        "points": points,
        "check": "test.fixed",
        "params": {"status": status, "fraction": fraction},
        **extra,
    }


def rubric_data(a: list[dict], b: list[dict], **extra: object) -> dict:
    """Two groups, 60 + 40 points."""
    return {
        "id": "test-rubric",
        "version": "1",
        "title": {"vi": "Bộ thử", "en": "Test rubric"},
        "grades": [
            {"grade": "A", "min": 90},
            {"grade": "B", "min": 80},
            {"grade": "C", "min": 65},
            {"grade": "D", "min": 50},
            {"grade": "E", "min": 0},
        ],
        "groups": [
            {"id": "a", "title": {"vi": "A", "en": "A"}, "points": 60, "criteria": a},
            {"id": "b", "title": {"vi": "B", "en": "B"}, "points": 40, "criteria": b},
        ],
        **extra,
    }


def write_rubric(folder: Path, data: dict) -> Path:
    path = folder / "criteria.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
