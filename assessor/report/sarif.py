"""SARIF 2.1.0 for code-scanning dashboards.

One rule per criterion of the rubric (its id, both titles, points and group); one result per
failed or partial criterion (level error / warning) and per criterion the assessor could not
judge (level note), located at the page the finding is about (its first evidence URL, else the
start URL). An unreachable or closed portal yields one result under a rule of its own. The
score and grade ride in the run's properties. Validated against the OASIS schema in tests/ci/.
"""

from __future__ import annotations

import json

from assessor import __version__
from assessor.criteria import Rubric
from assessor.model import Assessment, CriterionResult, Status
from assessor.report.plain import evidence_summary, first_url, headline
from assessor.snapshot import Snapshot

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {Status.FAIL: "error", Status.PARTIAL: "warning", Status.ERROR: "note"}
PORTAL_RULE = "portal.assessed"


def render_sarif(assessment: Assessment, snapshot: Snapshot | None, rubric: Rubric, lang: str) -> str:
    rules = [
        {
            "id": criterion.id,
            "name": criterion.id.replace(".", "_"),
            "shortDescription": {"text": criterion.title.in_(lang)},
            "fullDescription": {"text": f"{criterion.title.vi} / {criterion.title.en}"},
            "properties": {"group": group.id, "points": criterion.points, "method": criterion.method},
        }
        for group in rubric.groups
        for criterion in group.criteria
    ]
    rules.append(
        {
            "id": PORTAL_RULE,
            "shortDescription": {"text": "The portal could be assessed (reachable and open)"},
        }
    )
    index = {rule["id"]: position for position, rule in enumerate(rules)}
    results = [
        result_for(criterion, index[criterion.id], assessment.portal.url, lang)
        for criterion in assessment.all_results()
        if criterion.status in LEVELS and criterion.id in index
    ]
    if assessment.grade is None:
        results.append(
            {
                "ruleId": PORTAL_RULE,
                "ruleIndex": index[PORTAL_RULE],
                "level": "error",
                "message": {"text": headline(assessment, lang)},
                "locations": [location(assessment.portal.url)],
                "properties": {"status": assessment.status},
            }
        )
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "assessor",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                        "properties": {"criteria": assessment.criteria.id, "criteriaVersion": assessment.criteria.version},
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": assessment.status in ("complete", "incomplete", "closed"),
                        "startTimeUtc": assessment.started_at.isoformat().replace("+00:00", "Z"),
                    }
                ],
                "results": results,
                "properties": {
                    "portal": assessment.portal.model_dump(),
                    "status": assessment.status,
                    "score": assessment.score,
                    "grade": assessment.grade,
                    "provisional": assessment.provisional,
                    "scoringVersion": assessment.scoring_version,
                },
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def result_for(criterion: CriterionResult, rule_index: int, start_url: str, lang: str) -> dict:
    summary = evidence_summary(criterion.evidence, lang)
    text = criterion.message.in_(lang) + (f"\n{summary}" if summary else "")
    return {
        "ruleId": criterion.id,
        "ruleIndex": rule_index,
        "level": LEVELS[criterion.status],
        "message": {"text": text},
        "locations": [location(first_url(criterion, start_url))],
        "properties": {
            "status": criterion.status.value,
            "score": criterion.score,
            "points": criterion.points,
            "fraction": criterion.fraction,
        },
    }


def location(url: str) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": url}}}
