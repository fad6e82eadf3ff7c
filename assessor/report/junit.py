"""JUnit XML for CI test reporters (GitLab, Jenkins, GitHub actions that read JUnit).

One test suite per criteria group, one test case per criterion. A failed or partial criterion
is a <failure> carrying the finding's message and a summary of its evidence; a criterion the
assessor could not judge is an <error>. Criteria awaiting a reviewer or not applicable pass, and
are listed in the suite's system-out so that nothing is silently dropped. An unreachable or
closed portal is one suite with one failing case saying why. The shape follows the Ant JUnit
schema, the one those reporters agree on (validated in tests/ci/).
"""

from __future__ import annotations

import re
import socket
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from assessor.criteria import Rubric
from assessor.model import Assessment, CriterionResult, Status
from assessor.report.i18n import label
from assessor.report.plain import clip, evidence_summary, headline
from assessor.snapshot import Snapshot

# XML 1.0 cannot carry most control characters, and a hostile portal's text may contain them.
NOT_XML_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FAILED = {Status.FAIL: "fail", Status.PARTIAL: "partial"}


def xml_text(value: object) -> str:
    return NOT_XML_CHARS.sub("\ufffd", str(value))


def render_junit(assessment: Assessment, snapshot: Snapshot | None, rubric: Rubric, lang: str) -> str:
    root = ET.Element("testsuites")
    timestamp = assessment.started_at.strftime("%Y-%m-%dT%H:%M:%S")
    hostname = urlsplit(assessment.portal.url).hostname or socket.gethostname() or "localhost"
    suites = assessment.groups or [None]
    for index, group in enumerate(suites):
        suite = ET.SubElement(root, "testsuite")
        results = group.criteria if group is not None else []
        properties = ET.SubElement(suite, "properties")
        for name, value in (
            ("portal", assessment.portal.url),
            ("criteria", f"{assessment.criteria.id} {assessment.criteria.version}"),
            ("status", assessment.status),
            ("score", "" if assessment.score is None else f"{assessment.score:.2f}"),
            ("grade", assessment.grade or ""),
        ):
            ET.SubElement(properties, "property", name=name, value=xml_text(value))
        if group is None:
            failures, errors = 1, 0
            case = ET.SubElement(suite, "testcase", name="portal.assessed", classname=f"assessor.{assessment.portal.id}", time="0")
            failure = ET.SubElement(case, "failure", type=assessment.status, message=xml_text(clip(headline(assessment, lang), 500)))
            failure.text = xml_text(evidence_summary(assessment.closure_evidence, lang) or headline(assessment, lang))
            name = "portal"
        else:
            failures = sum(1 for result in results if result.status in FAILED)
            errors = sum(1 for result in results if result.status == Status.ERROR)
            for result in results:
                add_case(suite, result, group.id, lang)
            name = group.id
        suite.set("package", f"assessor.{assessment.criteria.id}")
        suite.set("id", str(index))
        suite.set("name", name)
        suite.set("timestamp", timestamp)
        suite.set("hostname", xml_text(hostname))
        suite.set("tests", str(1 if group is None else len(results)))
        suite.set("failures", str(failures))
        suite.set("errors", str(errors))
        suite.set("time", f"{assessment.duration_s / len(suites):.3f}")
        ET.SubElement(suite, "system-out").text = xml_text(unscored_lines(results, lang))
        ET.SubElement(suite, "system-err").text = ""
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def add_case(suite: ET.Element, result: CriterionResult, group_id: str, lang: str) -> None:
    case = ET.SubElement(suite, "testcase", name=result.id, classname=f"assessor.{group_id}", time="0")
    if result.status not in FAILED and result.status != Status.ERROR:
        return
    element = "error" if result.status == Status.ERROR else "failure"
    message = f"{result.title.in_(lang)}: {result.message.in_(lang)} ({result.score:.2f}/{result.points:g})"
    node = ET.SubElement(case, element, type=result.status.value, message=xml_text(clip(message, 500)))
    node.text = xml_text("\n".join(filter(None, [result.message.in_(lang), evidence_summary(result.evidence, lang)])))


def unscored_lines(results: list[CriterionResult], lang: str) -> str:
    """Criteria that passed the test only because they were not judged here."""
    return "\n".join(
        f"{result.id}: {label('finding.' + result.status.value, lang)}: {clip(result.message.in_(lang))}"
        for result in results
        if result.status in (Status.NEEDS_REVIEW, Status.NOT_APPLICABLE)
    )
