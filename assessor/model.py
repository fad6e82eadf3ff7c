"""The data that flows through assessor: what checks find and what scoring yields.

What collectors record (the Snapshot and its artifacts) lives in `assessor.snapshot` and
`assessor.artifacts`; this module holds the judging side, shared by checks, scoring and reports.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ASSESSMENT_SCHEMA = "assessor.assessment/1"
# Bumped whenever scoring rules change, so stored results say which rules made them.
SCORING_VERSION = "2026.11.1"

Lang = Literal["vi", "en"]


class Status(StrEnum):
    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"
    NEEDS_REVIEW = "needs_review"
    ERROR = "error"


class Text(BaseModel):
    """A message in Vietnamese and English; reports pick one."""

    model_config = ConfigDict(frozen=True)

    vi: str
    en: str

    def in_(self, lang: Lang) -> str:
        return self.vi if lang == "vi" else self.en


def said_in(value: object, lang: Lang) -> object:
    """An evidence value or table cell as one language says it: a `Text`, or the `{vi, en}` that
    assessment.json keeps of one, gives that language's; any other value is itself."""
    if isinstance(value, Text):
        return value.in_(lang)
    if isinstance(value, dict) and value.keys() == {"vi", "en"}:
        return value["vi" if lang == "vi" else "en"]
    return value


class Evidence(BaseModel):
    """One piece of proof behind a finding: a URL, a header as received, a measured value,
    a selector, a screenshot inside the snapshot folder, or a table of rows."""

    kind: Literal["url", "value", "header", "selector", "screenshot", "code", "table", "note"]
    # Said in each language; a plain string is the same in both (a header's or a tool's name).
    label: Text | str
    value: Any = None
    url: str | None = None
    path: str | None = None

    def label_in(self, lang: Lang) -> str:
        return self.label.in_(lang) if isinstance(self.label, Text) else self.label


class Finding(BaseModel):
    status: Status
    fraction: float | None = Field(default=None, ge=0.0, le=1.0)
    message: Text
    evidence: list[Evidence] = Field(default_factory=list)

    @classmethod
    def scored(cls, fraction: float, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        """A finding whose status follows from the fraction earned: 1 pass, 0 fail, else partial."""
        fraction = min(1.0, max(0.0, fraction))
        status = Status.PASS if fraction >= 1.0 else Status.FAIL if fraction <= 0.0 else Status.PARTIAL
        return cls(status=status, fraction=fraction, message=Text(vi=vi, en=en), evidence=evidence or [])

    @classmethod
    def passed(cls, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        return cls.scored(1.0, vi, en, evidence)

    @classmethod
    def failed(cls, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        return cls.scored(0.0, vi, en, evidence)

    @classmethod
    def not_applicable(cls, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        return cls(status=Status.NOT_APPLICABLE, message=Text(vi=vi, en=en), evidence=evidence or [])

    @classmethod
    def needs_review(cls, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        return cls(status=Status.NEEDS_REVIEW, message=Text(vi=vi, en=en), evidence=evidence or [])

    @classmethod
    def error(cls, vi: str, en: str, evidence: list[Evidence] | None = None) -> Finding:
        return cls(status=Status.ERROR, message=Text(vi=vi, en=en), evidence=evidence or [])


class PortalRef(BaseModel):
    id: str
    name: str
    url: str


class RubricRef(BaseModel):
    id: str
    title: Text
    version: str
    # The rubric file's very text (Rubric.fingerprint): copies sharing an id and a version, one of
    # them edited, are told apart. None in an assessment stored before it was recorded.
    fingerprint: str | None = None


class Review(BaseModel):
    """A reviewer's score for one criterion, merged at scoring time."""

    criterion: str
    fraction: float = Field(ge=0.0, le=1.0)
    note: str = ""
    reviewer: str = ""
    date: str = ""


class CriterionResult(BaseModel):
    id: str
    title: Text
    points: float
    score: float
    status: Status
    fraction: float | None
    message: Text
    evidence: list[Evidence] = Field(default_factory=list)
    method: Literal["auto", "manual"] = "auto"
    check: str | None = None
    review: Review | None = None


class GroupResult(BaseModel):
    id: str
    title: Text
    points: float
    score: float
    # Points of the group's criteria that apply (not_applicable ones leave the denominator).
    applicable_points: float
    criteria: list[CriterionResult]


class AppliedCap(BaseModel):
    grade: str
    reason: Text
    criterion: str


AssessmentStatus = Literal["complete", "incomplete", "closed", "unreachable"]


class Assessment(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    schema_: str = Field(default=ASSESSMENT_SCHEMA, alias="schema")
    portal: PortalRef
    criteria: RubricRef
    status: AssessmentStatus
    score: float | None
    grade: str | None
    provisional: bool = False
    started_at: datetime
    duration_s: float
    groups: list[GroupResult] = Field(default_factory=list)
    caps: list[AppliedCap] = Field(default_factory=list)
    # Why the portal is unreachable or closed, or what went wrong while collecting.
    message: Text | None = None
    closure_evidence: list[Evidence] = Field(default_factory=list)
    scoring_version: str = SCORING_VERSION
    snapshot_dir: str | None = None

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    @property
    def points_earned(self) -> float:
        """The groups' points: the score is 100 x this / `applicable_points`."""
        return sum(group.score for group in self.groups)

    @property
    def applicable_points(self) -> float:
        return sum(group.applicable_points for group in self.groups)

    def all_results(self) -> list[CriterionResult]:
        """Every criterion's result, group after group (as `Rubric.all_criteria`)."""
        return [result for group in self.groups for result in group.criteria]

    def criterion(self, criterion_id: str) -> CriterionResult:
        for result in self.all_results():
            if result.id == criterion_id:
                return result
        raise KeyError(criterion_id)

    def reviews(self) -> dict[str, Review]:
        """The reviewers' scores it was scored with, by criterion."""
        return {result.id: result.review for result in self.all_results() if result.review is not None}
