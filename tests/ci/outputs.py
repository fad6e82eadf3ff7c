"""Assessments with every finding status, and validators for the CI formats' schemas."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import xmlschema

from assessor.criteria import Rubric, load_rubric
from assessor.model import Assessment, Evidence, PortalRef, Status
from assessor.scoring import score
from tests.builders import make_snapshot, page
from tests.core.rubric_fixtures import criterion, rubric_data, write_rubric

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "schemas"
HOSTILE = '<script>alert("x")</script>&amp;\x01\x0b]]>'


def every_status_rubric(folder: Path) -> Rubric:
    """Group a holds one criterion per status; group b passes fully."""
    a = [
        criterion("a.pass", 10),
        criterion("a.partial", 10, "partial", 0.5),
        criterion("a.fail", 10, "fail", 0.0),
        criterion("a.error", 10, "error", None),
        criterion("a.review", 10, "needs_review", None),
        criterion("a.na", 10, "not_applicable", None),
    ]
    return load_rubric(write_rubric(folder, rubric_data(a, [criterion("b.pass", 40)])))


def every_status_assessment(rubric: Rubric) -> Assessment:
    assessment = score(rubric, make_snapshot(page()))
    # A hostile portal's strings reach messages and evidence; the formats must stay valid.
    failed = assessment.criterion("a.fail")
    failed.evidence = [
        Evidence(kind="url", label="trang lỗi", url="https://dichvucong.lamha.gov.vn/thu-tuc?q=<b>"),
        Evidence(kind="header", label="Server", value=HOSTILE),
        Evidence(kind="table", label="rows", value=[{"a": 1}, {"a": 2}]),
    ]
    return assessment


def unreachable_assessment(rubric: Rubric) -> Assessment:
    return score(rubric, make_snapshot(reachable=False, error=f"net::ERR_CONNECTION_REFUSED {HOSTILE}"))


def closed_assessment() -> Assessment:
    rubric = load_rubric()
    return Assessment(
        portal=PortalRef(id="closed", name="Cổng đã đóng", url="https://closed.gov.vn/"),
        criteria=rubric.ref,
        status="closed",
        score=None,
        grade=None,
        started_at=datetime(2026, 11, 23, tzinfo=UTC),
        duration_s=3.0,
        closure_evidence=[Evidence(kind="url", label="redirected to", url="https://dichvucong.gov.vn/")],
    )


def validate_junit(text: str) -> None:
    xmlschema.XMLSchema(SCHEMAS / "junit.xsd").validate(text)


def validate_sarif(text: str) -> dict:
    log = json.loads(text)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(log)
    return log


FAILING_STATUSES = {Status.FAIL, Status.PARTIAL}
