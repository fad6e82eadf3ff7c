"""Findings -> points -> grade. The rules, stated once (and shown in every report):

- points = criterion points x fraction (rounded only for display);
- `not_applicable` criteria leave the denominator; the total is rescaled to 100;
- `error` scores 0 and marks the assessment incomplete;
- `needs_review` scores 0 until a reviewer's entry supplies it, and marks the grade provisional;
- caps declared in the rubric limit the grade after a critical failure;
- a closed portal (shut, or redirected to the national portal) gets status `closed`, no grade;
- a portal whose start page could not be fetched gets status `unreachable`, no grade.
"""

from __future__ import annotations

from datetime import UTC, datetime

from assessor.checks.registry import run_check
from assessor.criteria import Criterion, Rubric
from assessor.model import (
    AppliedCap,
    Assessment,
    CriterionResult,
    Finding,
    GroupResult,
    Review,
    Status,
    Text,
)
from assessor.page_errors import page_error_text
from assessor.snapshot import Snapshot

SCORING_RULES = Text(
    vi=(
        "Điểm tiêu chí = điểm tối đa × tỷ lệ đạt. Tiêu chí không áp dụng được loại khỏi mẫu số và tổng "
        "được quy đổi về thang 100. Tiêu chí lỗi được 0 điểm và kết quả được đánh dấu chưa đầy đủ. "
        "Tiêu chí cần đánh giá thủ công được 0 điểm cho đến khi người đánh giá chấm, và xếp loại là tạm thời. "
        "Một số lỗi nghiêm trọng giới hạn mức xếp loại cao nhất."
    ),
    en=(
        "Criterion points = maximum points x fraction achieved. Not-applicable criteria leave the "
        "denominator and the total is rescaled to 100. A criterion in error scores 0 and marks the "
        "assessment incomplete. A criterion needing review scores 0 until a reviewer scores it, and the "
        "grade is provisional. Some critical failures cap the best grade reachable."
    ),
)

NOT_AUTOMATED = Finding.needs_review(
    vi="Chưa được tự động hoá: cần người đánh giá chấm điểm.",
    en="Not automated yet: a reviewer must score this criterion.",
)
MANUAL = Finding.needs_review(
    vi="Tiêu chí đánh giá thủ công: chờ người đánh giá chấm điểm.",
    en="Manual criterion: awaiting a reviewer's score.",
)


def without_float_noise(points: float) -> float:
    """2.0999999999999996 (3 points x 0.7) as 2.1: nine decimals, far finer than any point a rubric
    gives, so that JSON readers and CI gates see the number the arithmetic meant."""
    return round(points, 9)


def judge(criterion: Criterion, snapshot: Snapshot) -> Finding:
    if criterion.method == "manual":
        return MANUAL
    if criterion.check is None:
        return NOT_AUTOMATED
    return run_check(criterion.check, snapshot, criterion.parsed_params)


def apply_review(finding: Finding, review: Review) -> Finding:
    return Finding.scored(
        review.fraction,
        vi=f"Người đánh giá {review.reviewer or '(không tên)'} chấm: {review.note}".rstrip(": "),
        en=f"Scored by reviewer {review.reviewer or '(unnamed)'}: {review.note}".rstrip(": "),
        evidence=finding.evidence,
    )


def criterion_result(criterion: Criterion, finding: Finding, review: Review | None) -> CriterionResult:
    if review is not None:
        finding = apply_review(finding, review)
    unscored = finding.status in (Status.NOT_APPLICABLE, Status.ERROR, Status.NEEDS_REVIEW)
    earned = 0.0 if unscored else without_float_noise(criterion.points * (finding.fraction or 0.0))
    return CriterionResult(
        id=criterion.id,
        title=criterion.title,
        points=criterion.points,
        score=earned,
        status=finding.status,
        fraction=finding.fraction,
        message=finding.message,
        evidence=finding.evidence,
        method=criterion.method,
        check=criterion.check,
        review=review,
    )


def score(
    rubric: Rubric,
    snapshot: Snapshot,
    reviews: dict[str, Review] | None = None,
    duration_s: float | None = None,
) -> Assessment:
    """Judge a snapshot against a rubric; pure apart from reading the snapshot."""
    reviews = reviews or {}
    started = snapshot.started_at
    finished = snapshot.finished_at or datetime.now(UTC)
    base = {
        "portal": snapshot.portal,
        "criteria": rubric.ref,
        "started_at": started,
        "duration_s": duration_s if duration_s is not None else (finished - started).total_seconds(),
        "snapshot_dir": str(snapshot.folder) if snapshot.folder else None,
    }
    if not snapshot.reachable:
        return Assessment(
            status="unreachable",
            score=None,
            grade=None,
            message=unreachable_message(snapshot.error),
            **base,
        )
    if rubric.closure is not None:
        closure = run_check(rubric.closure.check, snapshot, rubric.closure.parsed)
        if closure.status == Status.FAIL:
            return Assessment(
                status="closed",
                score=None,
                grade=None,
                message=closure.message,
                closure_evidence=closure.evidence,
                **base,
            )

    groups: list[GroupResult] = []
    for group in rubric.groups:
        results = [
            criterion_result(criterion, judge(criterion, snapshot), reviews.get(criterion.id))
            for criterion in group.criteria
        ]
        applicable = sum(result.points for result in results if result.status != Status.NOT_APPLICABLE)
        groups.append(
            GroupResult(
                id=group.id,
                title=group.title,
                points=group.points,
                score=without_float_noise(sum(result.score for result in results)),
                applicable_points=applicable,
                criteria=results,
            )
        )

    all_results = [result for group in groups for result in group.criteria]
    applicable_total = sum(group.applicable_points for group in groups)
    earned_total = sum(group.score for group in groups)
    # Out of 100 whatever the rubric's own total (a rubric with a criterion taken out sums to 99):
    # the grade bands, the gates and every report read a score on that scale.
    total = without_float_noise(100 * earned_total / applicable_total) if applicable_total > 0 else 0.0

    grade = rubric.grade_for(total)
    caps: list[AppliedCap] = []
    by_id = {result.id: result for result in all_results}
    for cap in rubric.caps:
        result = by_id[cap.criterion]
        if result.status in cap.when:
            caps.append(AppliedCap(grade=cap.grade, reason=cap.reason, criterion=cap.criterion))
            if rubric.grade_rank(cap.grade) > rubric.grade_rank(grade):
                grade = cap.grade

    incomplete = any(result.status == Status.ERROR for result in all_results)
    provisional = any(result.status == Status.NEEDS_REVIEW for result in all_results)
    return Assessment(
        status="incomplete" if incomplete else "complete",
        score=total,
        grade=grade,
        provisional=provisional,
        groups=groups,
        caps=caps,
        message=collection_message(snapshot),
        **base,
    )


def collection_message(snapshot: Snapshot) -> Text | None:
    """What went wrong while collecting that the reviewer must know to read the scores: an error;
    a home page that answered an error status or never finished loading (a portal answering 500
    everywhere is still graded, and its report would otherwise say only "incomplete"); a login
    recipe that did not log in (the pages behind the login then went unassessed)."""
    if snapshot.error:
        return page_error_text(snapshot.error)
    notes = [note for note in (home_page_problem(snapshot), login_problem(snapshot)) if note is not None]
    if not notes:
        return None
    return Text(vi=" ".join(note.vi for note in notes), en=" ".join(note.en for note in notes))


def home_page_problem(snapshot: Snapshot) -> Text | None:
    home = snapshot.home
    if home is None or home.status is None:
        return None
    if home.status >= 400:
        return Text(vi=f"Trang chủ {home.final_url} trả về lỗi HTTP {home.status}.",
                    en=f"The home page {home.final_url} answered HTTP {home.status}.")
    if home.error:
        said = page_error_text(home.error)
        return Text(vi=f"Trang chủ {home.final_url} không tải xong: {said.vi}.",
                    en=f"The home page {home.final_url} did not finish loading: {said.en}.")
    return None


def unreachable_message(error: str | None) -> Text:
    said = page_error_text(error or "no response")
    return Text(vi=f"Không truy cập được cổng: {said.vi}", en=f"The portal is unreachable: {said.en}")


def login_problem(snapshot: Snapshot) -> Text | None:
    login = snapshot.functions.login if snapshot.functions else None
    if login is not None and login.attempted and not login.logged_in:
        return Text(vi=f"Không đăng nhập được bằng công thức đăng nhập ({login.error}): "
                       "các trang sau đăng nhập chưa được đánh giá.",
                    en=f"Could not log in with the login recipe ({login.error}): "
                       "the pages behind the login were not assessed.")
    return None
