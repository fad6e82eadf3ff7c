"""--fail-under (grade or score) and --fail-on CRITERION_ID, on every outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from assessor.artifacts.performance import LoadPageStats
from assessor.criteria import load_rubric
from assessor.gates import (
    GateError,
    Threshold,
    evaluate,
    gate_failed,
    load_gate_results,
    parse_gates,
    parse_threshold,
)
from tests.ci.outputs import closed_assessment, every_status_assessment, every_status_rubric, unreachable_assessment


@pytest.fixture()
def rubric(tmp_path: Path):
    return every_status_rubric(tmp_path)


@pytest.fixture()
def assessment(rubric):
    # 10 + 5 + 40 points earned of 90 applicable (a.na leaves the denominator): 61.1, grade D.
    result = every_status_assessment(rubric)
    assert (round(result.score, 1), result.grade) == (61.1, "D")
    return result


@pytest.mark.parametrize(
    ("text", "expected"),
    [("C", Threshold(grade="C")), ("c", Threshold(grade="C")), ("70", Threshold(score=70.0)), (" 0 ", Threshold(score=0.0))],
)
def test_fail_under_accepts_a_grade_or_a_score(rubric, text: str, expected: Threshold) -> None:
    assert parse_threshold(text, rubric) == expected


@pytest.mark.parametrize(("text", "fragment"), [("Q", "expects a grade"), ("101", "from 0 to 100"), ("-1", "from 0 to 100")])
def test_fail_under_rejects_what_it_cannot_use(rubric, text: str, fragment: str) -> None:
    with pytest.raises(GateError, match=fragment):
        parse_threshold(text, rubric)


def test_fail_on_an_unknown_criterion_is_a_usage_error_pointing_at_the_rubric_used(rubric) -> None:
    with pytest.raises(GateError, match="no criterion a.nope") as caught:
        parse_gates(None, ["a.pass", "a.nope"], rubric)
    assert str(caught.value).endswith(f"(see `assessor criteria show {rubric.source}`)")
    with pytest.raises(GateError) as bundled:
        parse_gates(None, ["a.nope"], load_rubric())
    assert str(bundled.value).endswith("(see `assessor criteria show`)")


@pytest.mark.parametrize(("threshold", "passed"), [("D", True), ("C", False), ("E", True), ("61", True), ("61.2", False)])
def test_fail_under_compares_grade_or_score(rubric, assessment, threshold: str, passed: bool) -> None:
    (result,) = evaluate(parse_gates(threshold, None, rubric), assessment, rubric)
    assert result.passed is passed and gate_failed([result]) is not passed


@pytest.mark.parametrize(
    ("criterion_id", "passed"),
    [("a.pass", True), ("a.partial", False), ("a.fail", False), ("a.error", False), ("a.review", True), ("a.na", True)],
)
def test_fail_on_fails_unless_the_criterion_passed(rubric, assessment, criterion_id: str, passed: bool) -> None:
    (result,) = evaluate(parse_gates(None, [criterion_id], rubric), assessment, rubric)
    assert result.passed is passed
    assert result.detail == assessment.criterion(criterion_id).status.value


def test_gates_combine_and_any_failure_fails(rubric, assessment) -> None:
    results = evaluate(parse_gates("E", ["a.pass", "a.fail", "a.pass"], rubric), assessment, rubric)
    assert [r.passed for r in results] == [True, True, False]
    assert gate_failed(results) and "FAILED" in results[-1].line()
    assert evaluate(parse_gates(None, None, rubric), assessment, rubric) == []


@pytest.mark.parametrize("make", [unreachable_assessment, lambda rubric: closed_assessment()])
def test_a_portal_without_grade_fails_every_gate(rubric, make) -> None:
    results = evaluate(parse_gates("E", ["a.pass"], rubric), make(rubric), rubric)
    assert [r.passed for r in results] == [False, False]
    assert "no grade" in results[0].detail and "not judged" in results[1].detail


def load_totals(requests: int, failures: int, p95_ms: float | None) -> LoadPageStats:
    return LoadPageStats(name="Aggregated", requests=requests, failures=failures, rps=10.0, p95_ms=p95_ms)


@pytest.mark.parametrize(
    ("totals", "max_error_ratio", "passed", "detail"),
    [(load_totals(200, 0, 80), 0.0, True, "errors 0.0% of 200 requests"),
     (load_totals(200, 1, 80), 0.0, False, "errors 0.5% of 200 requests"),
     (load_totals(200, 1, 80), 0.01, True, "errors 0.5% of 200 requests"),
     (load_totals(200, 4, 80), 0.01, False, "errors 2.0% of 200 requests"),
     (load_totals(0, 0, None), 0.0, False, "no request was answered")],
)
def test_a_load_test_fails_its_gate_when_too_many_requests_failed(
    totals: LoadPageStats, max_error_ratio: float, passed: bool, detail: str
) -> None:
    (result,) = load_gate_results(totals, max_error_ratio=max_error_ratio, max_p95_ms=None)
    assert (result.name, result.passed, result.detail) == (f"--max-error-ratio {max_error_ratio:g}", passed, detail)


@pytest.mark.parametrize(
    ("p95_ms", "passed", "detail"),
    [(80.0, True, "p95 80 ms"), (500.0, True, "p95 500 ms"), (501.0, False, "p95 501 ms"),
     (None, False, "no latency measured")],
)
def test_a_load_test_fails_its_gate_when_p95_is_too_slow(p95_ms: float | None, passed: bool, detail: str) -> None:
    requests = 0 if p95_ms is None else 200
    error_gate, latency_gate = load_gate_results(load_totals(requests, 0, p95_ms), max_error_ratio=1.0, max_p95_ms=500)
    assert (latency_gate.name, latency_gate.passed, latency_gate.detail) == ("--max-p95 500", passed, detail)
    assert error_gate.passed is (requests > 0)
