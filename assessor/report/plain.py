"""Plain-text renderings shared by the CI outputs and the end-of-run summary: no markup, no
colour, one line per fact, so that logs, JUnit failure bodies and SARIF messages read the same."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assessor.model import Assessment, CriterionResult, Evidence, Status, said_in
from assessor.report.i18n import label
from assessor.report.numbers import group_points_text, points_text

MAX_EVIDENCE_LINES = 8
MAX_VALUE_CHARS = 200


# Control characters from a hostile portal (ESC sequences) must not drive the reader's terminal,
# nor bidirectional controls turn the rest of a line around.
CONTROL_CHARS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clip(text: str, limit: int = MAX_VALUE_CHARS) -> str:
    flat = CONTROL_CHARS.sub("\ufffd", " ".join(str(text).split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def evidence_line(evidence: Evidence, lang: str) -> str:
    """'label: value (url)' with the value flattened and clipped; tables say how many rows."""
    if evidence.kind == "table":
        rows = evidence.value if isinstance(evidence.value, list) else []
        value = f"{len(rows)} rows"
    elif evidence.kind == "screenshot":
        value = evidence.path or ""
    else:
        value = "" if evidence.value is None else clip(str(said_in(evidence.value, lang)))
    said = evidence.label_in(lang)
    parts = [f"{said}: {value}" if value else said]
    if evidence.url and evidence.url != value:
        parts.append(f"({clip(evidence.url)})")
    return " ".join(parts)


def evidence_summary(evidence: Iterable[Evidence], lang: str) -> str:
    items = list(evidence)
    lines = [f"- {evidence_line(item, lang)}" for item in items[:MAX_EVIDENCE_LINES]]
    if len(items) > MAX_EVIDENCE_LINES:
        lines.append(f"- … {len(items) - MAX_EVIDENCE_LINES} more")
    return "\n".join(lines)


def first_url(result: CriterionResult, default: str) -> str:
    """The page a finding is about: its first evidence URL, else the portal's start URL."""
    return next((item.url for item in result.evidence if item.url), default)


def headline(assessment: Assessment, lang: str) -> str:
    if assessment.grade is None:
        message = assessment.message.in_(lang) if assessment.message else ""
        status = label("status." + assessment.status, lang)
        said = clip(message, 300) if message.startswith(status) else f"{status}: {clip(message, 300)}"
        return f"{assessment.portal.url}: {said}"
    flags = [label(key, lang).split(":")[0] for key in ("provisional", "incomplete") if _flag(assessment, key)]
    suffix = f" ({', '.join(flags)})" if flags else ""
    return f"{assessment.portal.url}: {points_text(assessment.score)}/100, {label('grade', lang)} {assessment.grade}{suffix}"


def _flag(assessment: Assessment, key: str) -> bool:
    return assessment.provisional if key == "provisional" else assessment.status == "incomplete"


def plain_summary(assessment: Assessment, lang: str, gate_lines: Iterable[str] = (), outputs: Iterable[str] = ()) -> str:
    """The short summary printed at the end of a run: the grade, what failed and the points it earned
    of its own, the gates, the files."""
    lines = [headline(assessment, lang)]
    if assessment.grade is not None and assessment.message:
        lines.append(f"  {label('note', lang)}: {clip(assessment.message.in_(lang), 300)}")  # e.g. a failed login
    lines.extend(f"  {label('caps', lang)}: {cap.grade} ({cap.criterion}: {clip(cap.reason.in_(lang))})"
                 for cap in assessment.caps)
    for group in assessment.groups:
        lines.append(f"  {group.title.in_(lang)}: {group_points_text(group, lang, between='/')}")
    for status in (Status.FAIL, Status.PARTIAL, Status.ERROR):
        said = [f"{result.id} ({points_text(result.score)}/{points_text(result.points)})"
                for result in assessment.all_results() if result.status == status]
        if said:
            lines.append(f"  {label('finding.' + status.value, lang)} ({len(said)}): {', '.join(said)}")
    lines.extend(gate_lines)
    lines.extend(f"  → {path}" for path in outputs)
    return "\n".join(lines)
