"""JUnit XML and SARIF: valid against their schemas, one case / rule per criterion, failures
carrying the message and the evidence, for every finding status and for portals with no grade."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from assessor.model import AppliedCap, Assessment, Text
from assessor.report.junit import render_junit
from assessor.report.numbers import points_text
from assessor.report.plain import plain_summary
from assessor.report.render import FORMATS, write_outputs
from assessor.report.sarif import PORTAL_RULE, render_sarif
from tests.ci.outputs import (
    closed_assessment,
    every_status_assessment,
    every_status_rubric,
    unreachable_assessment,
    validate_junit,
    validate_sarif,
)


@pytest.fixture()
def rubric(tmp_path: Path):
    return every_status_rubric(tmp_path)


def cases(xml_text: str) -> dict[str, ET.Element]:
    return {case.get("name"): case for case in ET.fromstring(xml_text).iter("testcase")}


def test_junit_has_one_case_per_criterion_and_fails_failed_and_partial(rubric) -> None:
    text = render_junit(every_status_assessment(rubric), None, rubric, "en")
    validate_junit(text)
    by_name = cases(text)
    assert set(by_name) == {c.id for c in rubric.all_criteria()}
    failure = by_name["a.fail"].find("failure")
    assert failure is not None and failure.get("type") == "fail"
    assert "fixed" in failure.get("message") and "0.00/10" in failure.get("message")
    # The evidence summary: the URL, the hostile header value as text (control chars replaced).
    assert "thu-tuc?q=<b>" in failure.text and '<script>alert("x")</script>' in failure.text
    assert "\x01" not in failure.text and "rows: 2 rows" in failure.text
    assert by_name["a.partial"].find("failure").get("type") == "partial"
    assert by_name["a.error"].find("error") is not None
    for passing in ("a.pass", "a.review", "a.na", "b.pass"):
        assert list(by_name[passing]) == [], passing
    suite_a = ET.fromstring(text).find("testsuite[@name='a']")
    assert (suite_a.get("tests"), suite_a.get("failures"), suite_a.get("errors")) == ("6", "2", "1")
    assert "a.review" in suite_a.findtext("system-out") and "a.na" in suite_a.findtext("system-out")


@pytest.mark.parametrize("make", [unreachable_assessment, lambda rubric: closed_assessment()])
def test_junit_for_a_portal_without_grade_is_one_failing_case(rubric, make) -> None:
    assessment: Assessment = make(rubric)
    text = render_junit(assessment, None, rubric, "vi")
    validate_junit(text)
    (case,) = cases(text).values()
    assert case.find("failure").get("type") == assessment.status


def test_sarif_has_one_rule_per_criterion_and_results_for_failed_partial_and_error(rubric) -> None:
    log = validate_sarif(render_sarif(every_status_assessment(rubric), None, rubric, "en"))
    run = log["runs"][0]
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert rule_ids[:-1] == [c.id for c in rubric.all_criteria()] and rule_ids[-1] == PORTAL_RULE
    levels = {result["ruleId"]: result["level"] for result in run["results"]}
    assert levels == {"a.fail": "error", "a.partial": "warning", "a.error": "note"}
    failed = next(result for result in run["results"] if result["ruleId"] == "a.fail")
    assert rule_ids[failed["ruleIndex"]] == "a.fail"
    assert failed["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith("thu-tuc?q=<b>")
    assert '<script>alert("x")</script>' in failed["message"]["text"]
    partial = next(result for result in run["results"] if result["ruleId"] == "a.partial")
    assert partial["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "https://dichvucong.lamha.gov.vn/"
    assert run["properties"]["grade"] is not None and run["properties"]["score"] > 0


@pytest.mark.parametrize("make", [unreachable_assessment, lambda rubric: closed_assessment()])
def test_sarif_for_a_portal_without_grade_reports_why(rubric, make) -> None:
    assessment: Assessment = make(rubric)
    log = validate_sarif(render_sarif(assessment, None, rubric, "vi"))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == PORTAL_RULE and result["properties"]["status"] == assessment.status


def test_the_formats_are_registered_and_written(rubric, tmp_path: Path) -> None:
    written = write_outputs(every_status_assessment(rubric), None, rubric, tmp_path / "out", ["junit", "sarif"])
    assert {name: path.name for name, path in written.items()} == {"junit": "junit.xml", "sarif": "assessor.sarif"}
    assert set(FORMATS) >= {"json", "html", "junit", "sarif"}
    validate_junit(written["junit"].read_text(encoding="utf-8"))
    validate_sarif(written["sarif"].read_text(encoding="utf-8"))


def test_the_plain_summary_does_not_say_the_status_twice(rubric) -> None:
    """It read "Không truy cập được: Không truy cập được cổng: ..."."""
    first = plain_summary(unreachable_assessment(rubric), "vi").splitlines()[0]
    assert first.startswith("https://dichvucong.lamha.gov.vn/: Không truy cập được cổng: net::ERR_CONNECTION_REFUSED")
    assert plain_summary(unreachable_assessment(rubric), "en").splitlines()[0].startswith(
        "https://dichvucong.lamha.gov.vn/: Unreachable: The portal is unreachable: net::ERR_CONNECTION_REFUSED")


def test_the_plain_summary_says_when_and_why_the_grade_was_capped(rubric) -> None:
    """The grade a critical failure caps (an invalid certificate: C at most) read as a plain C."""
    assessment = every_status_assessment(rubric)
    assessment.caps = [AppliedCap(grade="C", criterion="security.certificate",
                                  reason=Text(vi="Chứng chỉ không hợp lệ", en="Invalid certificate"))]
    assert "  Grade capped by a critical failure: C (security.certificate: Invalid certificate)" in \
        plain_summary(assessment, "en").splitlines()
    assert "  Giới hạn xếp loại do lỗi nghiêm trọng: C (security.certificate: Chứng chỉ không hợp lệ)" in \
        plain_summary(assessment, "vi").splitlines()


def test_the_plain_summary_names_what_failed_and_carries_no_control_characters(rubric) -> None:
    assessment = every_status_assessment(rubric)
    summary = plain_summary(assessment, "en", ["  gate --fail-under C: FAILED (grade D)"], ["out/junit.xml"])
    assert summary.splitlines()[0] == "https://dichvucong.lamha.gov.vn/: 61.11/100, Grade D (Provisional, Incomplete)"
    partial = assessment.criterion("a.partial")
    # Each names the points it earned of its own: a log shows what a finding cost, not only that it
    # exists (a demo's 95.14 against 95.5 could not be traced back to its criterion from the log).
    assert "Fail (1): a.fail (0/" in summary and "Error (1): a.error (0/" in summary
    assert f"Partial (1): a.partial ({points_text(partial.score)}/{points_text(partial.points)})" in summary
    assert 0 < partial.score < partial.points
    assert summary.endswith("gate --fail-under C: FAILED (grade D)\n  → out/junit.xml")
    unreachable = plain_summary(unreachable_assessment(rubric).model_copy(update={"message": None}), "en")
    assert unreachable.endswith("Unreachable: ")
    hostile = unreachable_assessment(rubric)
    hostile.message = hostile.message.model_copy(update={"en": "reset \x1b[31mred\x1b[0m \x07"})
    assert "\x1b" not in plain_summary(hostile, "en") and "\x07" not in plain_summary(hostile, "en")
