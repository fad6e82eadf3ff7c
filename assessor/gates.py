"""CI gates: when an assessment should fail the build (exit 1).

`--fail-under` takes a grade (fail when the grade is worse) or a score (fail when the score is
lower); `--fail-on CRITERION_ID` fails when that criterion did not fully pass. A portal that
earned no grade (closed) fails a --fail-under gate: it cannot be above any threshold. An
unreachable portal is not judged by the gates at all: it has its own exit code (3).

`assessor load` has gates of its own on the load test's totals: `--max-error-ratio` (default 0, any
failed request fails the command, as Locust's own exit code does) and `--max-p95` in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assessor.artifacts.performance import LoadPageStats
from assessor.criteria import Rubric, default_criteria_path
from assessor.model import Assessment, Status

# A criterion gated with --fail-on fails the gate with these; needs_review and not_applicable
# are not failures of the portal (a reviewer decides the first; the second does not apply).
GATE_FAILING = (Status.FAIL, Status.PARTIAL, Status.ERROR)


class GateError(ValueError):
    """A gate that cannot be understood: a usage error (exit 2)."""


@dataclass(frozen=True)
class Threshold:
    grade: str | None = None
    score: float | None = None

    def __str__(self) -> str:
        return self.grade if self.grade is not None else f"{self.score:g}"


@dataclass(frozen=True)
class GateResult:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"  gate {self.name}: {'passed' if self.passed else 'FAILED'} ({self.detail})"


@dataclass(frozen=True)
class Gates:
    fail_under: Threshold | None = None
    fail_on: tuple[str, ...] = ()

    @property
    def any(self) -> bool:
        return self.fail_under is not None or bool(self.fail_on)


def parse_threshold(value: str, rubric: Rubric) -> Threshold:
    """'C' (a grade of the rubric, any case) or '72.5' (a score between 0 and the rubric's total)."""
    grades = [band.grade for band in rubric.grades]
    text = value.strip()
    if text.upper() in (grade.upper() for grade in grades):
        return Threshold(grade=next(grade for grade in grades if grade.upper() == text.upper()))
    try:
        score = float(text)
    except ValueError:
        raise GateError(
            f"--fail-under expects a grade ({', '.join(grades)}) or a score from 0 to 100, got {value!r}"
        ) from None
    if not 0 <= score <= 100:
        raise GateError(f"--fail-under score must be from 0 to 100, got {value!r}")
    return Threshold(score=score)


def parse_gates(fail_under: str | None, fail_on: list[str] | None, rubric: Rubric) -> Gates:
    known = {criterion.id for criterion in rubric.all_criteria()}
    unknown = [criterion_id for criterion_id in fail_on or [] if criterion_id not in known]
    if unknown:
        shown = "assessor criteria show" + ("" if Path(rubric.source) == default_criteria_path() else f" {rubric.source}")
        raise GateError(f"--fail-on: no criterion {', '.join(unknown)} in {rubric.id} (see `{shown}`)")
    threshold = parse_threshold(fail_under, rubric) if fail_under is not None else None
    return Gates(fail_under=threshold, fail_on=tuple(dict.fromkeys(fail_on or [])))


def evaluate(gates: Gates, assessment: Assessment, rubric: Rubric) -> list[GateResult]:
    results: list[GateResult] = []
    if gates.fail_under is not None:
        results.append(threshold_result(gates.fail_under, assessment, rubric))
    for criterion_id in gates.fail_on:
        results.append(criterion_result(criterion_id, assessment))
    return results


def threshold_result(threshold: Threshold, assessment: Assessment, rubric: Rubric) -> GateResult:
    name = f"--fail-under {threshold}"
    if assessment.grade is None or assessment.score is None:
        return GateResult(name, False, f"no grade: portal {assessment.status}")
    if threshold.grade is not None:
        passed = rubric.grade_rank(assessment.grade) <= rubric.grade_rank(threshold.grade)
        return GateResult(name, passed, f"grade {assessment.grade}")
    passed = assessment.score >= threshold.score - 1e-9
    return GateResult(name, passed, f"score {assessment.score:.2f}")


def criterion_result(criterion_id: str, assessment: Assessment) -> GateResult:
    name = f"--fail-on {criterion_id}"
    try:
        status = assessment.criterion(criterion_id).status
    except KeyError:
        # Closed and unreachable assessments judge no criterion: the gate cannot pass.
        return GateResult(name, False, f"not judged: portal {assessment.status}")
    return GateResult(name, status not in GATE_FAILING, status.value)


def gate_failed(results: list[GateResult]) -> bool:
    return any(not result.passed for result in results)


def load_gate_results(totals: LoadPageStats, max_error_ratio: float, max_p95_ms: float | None) -> list[GateResult]:
    """The load test's gates. A test in which no request was answered passes neither: it shows
    nothing about the portal's errors or speed."""
    results = [GateResult(
        f"--max-error-ratio {max_error_ratio:g}",
        totals.requests > 0 and totals.error_ratio <= max_error_ratio + 1e-12,
        f"errors {totals.error_ratio:.1%} of {totals.requests} requests" if totals.requests else "no request was answered",
    )]
    if max_p95_ms is not None:
        results.append(GateResult(
            f"--max-p95 {max_p95_ms:g}",
            totals.p95_ms is not None and totals.p95_ms <= max_p95_ms,
            f"p95 {totals.p95_ms:.0f} ms" if totals.p95_ms is not None else "no latency measured",
        ))
    return results
