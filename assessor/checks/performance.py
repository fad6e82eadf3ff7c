"""Performance (hiệu năng): lab metrics of key pages and the load test, scored on log-normal curves.

Lab: for each key page and form factor the median of the runs is scored on the criterion's curves
(`assessor.checks.curves`); a page whose fastest and slowest runs would earn visibly different
points is flagged unstable. Load: p95 latency or error ratio at the configured number of users.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field, field_validator

from assessor.artifacts.performance import (
    LabPage,
    LabRun,
    LabSettings,
    LoadSettings,
    LoadTestResult,
)
from assessor.checks.curves import Curve
from assessor.checks.registry import CheckParams, RubricProblem, check, rubric_rule
from assessor.model import Evidence, Finding, Text
from assessor.perf import limits
from assessor.snapshot import Snapshot

LabMetric = Literal[
    "ttfb_ms", "fcp_ms", "lcp_ms", "speed_index_ms", "total_blocking_time_ms", "longest_task_ms",
    "cls", "transfer_bytes", "request_count", "dom_nodes",
]
LoadMetric = Literal["p95_ms", "error_ratio"]

METRIC_NAMES: dict[str, str] = {
    "ttfb_ms": "TTFB", "fcp_ms": "FCP", "lcp_ms": "LCP", "speed_index_ms": "Speed Index",
    "total_blocking_time_ms": "TBT", "longest_task_ms": "longest task", "cls": "CLS",
    "transfer_bytes": "bytes", "request_count": "requests", "dom_nodes": "DOM nodes",
    "p95_ms": "p95", "error_ratio": "error ratio",
}


# In the Vietnamese messages: the metrics that are words, the key pages and the devices.
METRIC_NAMES_VI: dict[str, str] = {
    "longest_task_ms": "tác vụ dài nhất", "transfer_bytes": "dung lượng tải", "request_count": "số yêu cầu",
    "dom_nodes": "số nút DOM", "error_ratio": "tỷ lệ lỗi",
}
PAGE_KINDS_VI = {"home": "trang chủ", "search": "tìm kiếm", "procedure": "trang thủ tục", "lookup": "tra cứu hồ sơ"}
FORM_FACTORS_VI = {"desktop": "máy tính", "mobile": "di động"}


def page_said_vi(kind: str, form_factor: str) -> str:
    return f"{PAGE_KINDS_VI.get(kind, kind)}/{FORM_FACTORS_VI.get(form_factor, form_factor)}"


class WeightedCurve(Curve):
    weight: float = Field(default=1.0, gt=0)


class LabMetricParams(CheckParams):
    # Metric -> curve; several metrics are averaged by weight (page weight: bytes, requests, DOM).
    metrics: dict[LabMetric, WeightedCurve]
    # Form factor -> weight; form factors measured but not listed are not scored.
    form_factors: dict[str, float] = Field(default_factory=lambda: {"desktop": 1.0, "mobile": 1.0})
    # A curve score at or above this earns full marks (Lighthouse's "good" is 0.9); below, in proportion.
    full_marks_at: float = Field(default=0.9, gt=0, le=1)
    # Flag a page unstable when its fastest and slowest runs would earn fractions this far apart.
    unstable_fraction: float = Field(default=0.1, gt=0, le=1)
    # What the lab gatherer measures; put it on one criterion only (the collector merges params).
    lab: LabSettings | None = None


@rubric_rule
def form_factors_measured(params_by_criterion: dict[str, BaseModel]) -> list[RubricProblem]:
    """Each lab criterion judges form factors the lab measures: another would find no run, and
    score nothing as if the browser had reported nothing."""
    lab_params = {cid: params for cid, params in params_by_criterion.items() if isinstance(params, LabMetricParams)}
    blocks = [params.lab for params in lab_params.values() if params.lab is not None]
    measured = sorted({factor.name for lab in blocks or [LabSettings()] for factor in lab.form_factors})
    # Only those a criterion names: by default it judges desktop and mobile, whichever the lab measures.
    return [RubricProblem(cid, f"form factor '{name}' is not one the lab measures ({', '.join(measured)})")
            for cid, params in lab_params.items() if "form_factors" in params.model_fields_set
            for name in params.form_factors if name not in measured]


class LoadMetricParams(CheckParams):
    metric: LoadMetric
    curve: Curve
    full_marks_at: float = Field(default=0.9, gt=0, le=1)
    # The load test's size; put it on one criterion only (the collector merges params).
    load: LoadSettings | None = None

    @field_validator("load")
    @classmethod
    def _load_within_ceilings(cls, load: LoadSettings | None) -> LoadSettings | None:
        # Refused when the rubric is read: the run would refuse it, leaving the load criteria unscored.
        if load is not None:
            beyond = limits.above_ceilings(load.users, load.spawn_rate, load.duration_s, load.workers)
            if beyond is not None:
                raise ValueError(beyond)
        return load


def fraction_of(curve_score: float, full_marks_at: float) -> float:
    # Rounded to whole points out of 100 as Lighthouse shows them: the curve never quite reaches 0.
    return min(1.0, round(curve_score, 2) / full_marks_at)


def format_value(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value / 1000:.2f} s"
    if metric == "transfer_bytes":
        return f"{value / 1024:.0f} KiB"
    if metric in ("cls", "error_ratio"):
        return f"{value:.3f}"
    return f"{value:.0f}"


@dataclass(frozen=True)
class Spread:
    median: float
    low: float
    high: float
    cv: float  # coefficient of variation: population stdev / mean

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        mean = statistics.fmean(values)
        cv = statistics.pstdev(values) / mean if mean > 0 and len(values) > 1 else 0.0
        return cls(statistics.median(values), min(values), max(values), cv)


@dataclass(frozen=True)
class PageScore:
    page: LabPage
    fraction: float
    best_fraction: float
    worst_fraction: float
    rows: list[dict[str, object]]
    # The median's place on the curves before full marks cap it: which of two full-marks pages is slower.
    curve_score: float = 0.0
    # The metric of each row.
    metrics: list[str] = field(default_factory=list)
    # The error status the page answered, when it did (it then earns nothing).
    error_status: int | None = None

    def is_unstable(self, threshold: float) -> bool:
        return self.best_fraction - self.worst_fraction >= threshold


# Moments a run stopped before its load event may not have reached yet.
MILESTONES = ("ttfb_ms", "fcp_ms", "lcp_ms", "speed_index_ms")


def as_scored(run: LabRun) -> LabRun:
    """A run as it is scored. One stopped at `load_cut_at_ms` before its load event counts each
    time it had not seen finish as `load_cut_at_ms`, the least it can be: the load always; TTFB,
    FCP and LCP when they had not happened (none of them, if the document never answered); LCP and
    Speed Index while an image in view, larger than the largest paint so far, was still loading,
    since it could still become the largest paint and the screen was not complete."""
    cut_at_ms = run.load_cut_at_ms
    if cut_at_ms is None:
        return run
    unfinished = {"load_ms"} | {metric for metric in MILESTONES if getattr(run, metric) is None}
    if run.larger_image_pending:
        unfinished |= {"lcp_ms", "speed_index_ms"}
    return run.model_copy(update={metric: max(getattr(run, metric) or 0.0, cut_at_ms) for metric in unfinished})


def error_status(page: LabPage) -> int | None:
    """The error status every run of the page answered (an error page loads fast), else None."""
    statuses = {run.status for run in page.runs}
    if page.runs and len(statuses) == 1 and (status := next(iter(statuses))) is not None and status >= 400:
        return status
    return None


def score_lab_page(page: LabPage, params: LabMetricParams) -> PageScore | None:
    """The page's fraction from the median of its runs, and from its best and worst runs; none for
    a page that answered an error status."""
    status = error_status(page)
    if status is not None:
        metric = next(iter(params.metrics))
        row: dict[str, object] = {"page": page.kind, "form factor": page.form_factor, "metric": METRIC_NAMES[metric],
                                  "median": f"HTTP {status}", "min": "", "max": "", "CV": "", "runs": len(page.runs),
                                  "score": "0.00", "url": page.url}
        return PageScore(page, 0.0, 0.0, 0.0, [row], 0.0, [metric], error_status=status)
    weighted: list[tuple[float, float, float, float, float]] = []  # weight, median, best, worst fractions, curve
    rows: list[dict[str, object]] = []
    row_metrics: list[str] = []
    scored_runs = [as_scored(run) for run in page.runs]
    for metric, curve in params.metrics.items():
        values = [value for run in scored_runs if run.error is None and (value := getattr(run, metric)) is not None]
        if not values:
            continue
        spread = Spread.of([float(value) for value in values])
        median_fraction = fraction_of(curve.score(spread.median), params.full_marks_at)
        weighted.append((
            curve.weight,
            median_fraction,
            fraction_of(curve.score(spread.low), params.full_marks_at),
            fraction_of(curve.score(spread.high), params.full_marks_at),
            curve.score(spread.median),
        ))
        row_metrics.append(metric)
        rows.append({
            "page": page.kind, "form factor": page.form_factor, "metric": METRIC_NAMES[metric],
            "median": format_value(metric, spread.median), "min": format_value(metric, spread.low),
            "max": format_value(metric, spread.high), "CV": f"{spread.cv:.0%}", "runs": len(values),
            "score": f"{median_fraction:.2f}", "url": page.url,
        })
    if not weighted:
        return None
    total = sum(weight for weight, *_ in weighted)

    def mean(column: int) -> float:
        return sum(item[0] * item[column] for item in weighted) / total

    return PageScore(page, mean(1), mean(2), mean(3), rows, mean(4), row_metrics)


def runs_needed_for_median(planned: int) -> int:
    """The median of `planned` runs lies between the lowest and highest of any more than half of
    them (at most the rest can fall below, or above, that range)."""
    return planned // 2 + 1


def further_runs_could_change(page: LabPage, scorers: list[LabMetricParams], planned: int) -> bool:
    """Whether more runs of this page could change the points it earns, up to `planned` runs.

    Once more than half the planned runs are in, the final median lies between the lowest and
    highest value so far; curves are monotone, so if the page's best and worst runs earn the same
    fraction (`score_lab_page`), so does the median of all runs. A run that failed, or a metric
    some runs report and others do not, keeps the page open."""
    if len(page.runs) >= planned:
        return False
    if len(page.runs) < runs_needed_for_median(planned) or any(run.error for run in page.runs):
        return True
    scored_runs = [as_scored(run) for run in page.runs]
    for params in scorers:
        if page.form_factor not in params.form_factors:
            continue
        reported = [sum(getattr(run, metric) is not None for run in scored_runs) for metric in params.metrics]
        if any(0 < count < len(page.runs) for count in reported):
            return True
        scored = score_lab_page(page, params)
        if scored is not None and scored.best_fraction != scored.worst_fraction:
            return True
    return False


def missing_facts(snapshot: Snapshot, gatherer: str, what_vi: str, what_en: str) -> Finding:
    reason = snapshot.gather_errors.get(gatherer)
    if reason:
        return Finding.error(vi=f"Không đo được {what_vi}: {reason}", en=f"Could not measure {what_en}: {reason}")
    return Finding.needs_review(vi=f"Chưa đo {what_vi}.", en=f"{what_en.capitalize()} not measured.")


@check("performance.lab_metric")
def lab_metric(snapshot: Snapshot, params: LabMetricParams) -> Finding:
    lab = snapshot.performance.lab if snapshot.performance else None
    if lab is None:
        return missing_facts(snapshot, "lab", "chỉ số tải trang", "page-load lab metrics")
    names = ", ".join(METRIC_NAMES[metric] for metric in params.metrics)
    scored = [
        (params.form_factors[page.form_factor], result)
        for page in lab.pages
        if page.form_factor in params.form_factors and (result := score_lab_page(page, params)) is not None
    ]
    if not scored:
        return Finding.needs_review(
            vi=f"Trình duyệt không báo cáo {names} cho trang nào.",
            en=f"The browser reported no {names} for any page.",
        )
    total_weight = sum(weight for weight, _ in scored)
    fraction = sum(weight * result.fraction for weight, result in scored) / total_weight
    worst = min(scored, key=lambda item: (item[1].fraction, item[1].curve_score))[1]
    unstable = [result for _, result in scored if result.is_unstable(params.unstable_fraction)]
    evidence = [Evidence(kind="table", label=Text(vi=f"{names}: trung vị, nhỏ nhất, lớn nhất của tối đa {lab.runs_per_page} lần đo",
                                    en=f"{names}: median, min, max of up to {lab.runs_per_page} runs"),
                         value=[row for _, result in scored for row in result.rows])]
    if unstable:
        listed = ", ".join(f"{result.page.kind}/{result.page.form_factor}" for result in unstable)
        evidence.append(Evidence(kind="note", label=Text(vi="Không ổn định", en="Unstable"), value=listed))
    settled = [result.page for _, result in scored if result.page.settled_early]
    if settled:
        evidence.append(Evidence(kind="note", label=Text(vi="Dừng đo khi lần đo thêm không thể đổi điểm",
                                                       en="Runs stopped once a further run could not change the points"),
                                 value=", ".join(f"{page.kind}/{page.form_factor} ({len(page.runs)} runs)"
                                                 for page in settled)))
    cut = {f"{result.page.kind}/{result.page.form_factor} at {format_value('load_ms', run.load_cut_at_ms)}": None
           for _, result in scored for run in result.page.runs if run.load_cut_at_ms}
    if cut:
        evidence.append(Evidence(kind="note", label=Text(vi="Lần đo dừng trước khi trang tải xong; phần chưa xong tính bằng thời điểm dừng",
                                                       en="Runs stopped before the page finished loading; what they had "
                                                          "not seen finish counts as the time they stopped"),
                                 value=", ".join(cut)))
    if lab.runs_planned and any(len(result.page.runs) < lab.runs_planned and not result.page.settled_early
                                for _, result in scored):
        evidence.append(Evidence(kind="note", label=Text(vi="Số lần đo bị cắt do hết thời gian",
                                                       en="Runs cut short by the time budget"),
                                 value=f"{lab.runs_per_page} of {lab.runs_planned}"))
    if lab.missing_kinds:
        evidence.append(Evidence(kind="note", label=Text(vi="Không tìm thấy trang chính", en="Key pages not found"), value=", ".join(lab.missing_kinds)))
    # Of several metrics, the one that cost the worst page most.
    worst_metric, worst_row = min(zip(worst.metrics, worst.rows, strict=True),
                                  key=lambda item: float(str(item[1]["score"])))
    where = f"{worst.page.kind}/{worst.page.form_factor}"
    names_vi = ", ".join(METRIC_NAMES_VI.get(metric, METRIC_NAMES[metric]) for metric in params.metrics)
    median_en = median_vi = str(worst_row["median"])
    if len(params.metrics) > 1:
        median_en = f"{METRIC_NAMES[worst_metric]} {median_en}"
        median_vi = f"{METRIC_NAMES_VI.get(worst_metric, METRIC_NAMES[worst_metric])} {median_vi}"
    said_vi, said_en = f"trung vị {median_vi}", f"median {median_en}"
    if worst.error_status is not None:
        said_vi = f"trả về HTTP {worst.error_status} (trang lỗi)"
        said_en = f"which answered HTTP {worst.error_status} (an error page)"
    vi = (f"{names_vi}: trang kém nhất là {page_said_vi(worst.page.kind, worst.page.form_factor)}, {said_vi} "
          f"(tỷ lệ đạt {fraction:.0%} trên {len(scored)} trang × thiết bị).")
    en = (f"{names}: worst page is {where}, {said_en} "
          f"({fraction:.0%} achieved over {len(scored)} page × device pairs).")
    if unstable:
        listed_vi = ", ".join(page_said_vi(result.page.kind, result.page.form_factor) for result in unstable)
        vi += f" Kết quả không ổn định giữa các lần đo ở: {listed_vi}."
        en += f" Runs disagree enough to change the points on: {listed}."
    return Finding.scored(fraction, vi, en, evidence)


def load_value(load: LoadTestResult, metric: LoadMetric) -> float | None:
    assert load.total is not None
    return load.total.error_ratio if metric == "error_ratio" else load.total.p95_ms


@check("performance.load_metric")
def load_metric(snapshot: Snapshot, params: LoadMetricParams) -> Finding:
    load = snapshot.performance.load if snapshot.performance else None
    if load is None:
        return missing_facts(snapshot, "load_test", "khả năng chịu tải", "the load test")
    if load.skipped_reason:  # a reviewer's score is the other way to the points
        return Finding.needs_review(
            vi=f"Không chạy kiểm thử tải: {load.skipped_reason_vi or load.skipped_reason}; người đánh giá có thể "
               "chấm tiêu chí này bằng --reviews.",
            en=f"Load test not run: {load.skipped_reason}; a reviewer may score this criterion with --reviews.",
        )
    if load.error or load.total is None or load.total.requests == 0:
        reason = load.error or "no request completed"
        return Finding.error(vi=f"Kiểm thử tải thất bại: {reason}", en=f"Load test failed: {reason}")
    value = load_value(load, params.metric)
    if value is None:
        return Finding.error(vi="Kiểm thử tải không ghi nhận độ trễ.", en="The load test recorded no latency.")
    fraction = fraction_of(params.curve.score(value), params.full_marks_at)
    shown = format_value(params.metric, value)
    rows = [
        {"page": stats.name, "requests": stats.requests, "failures": stats.failures,
         "error ratio": f"{stats.error_ratio:.1%}", "req/s": f"{stats.rps:.1f}",
         "p50": format_value("p50_ms", stats.p50_ms), "p95": format_value("p95_ms", stats.p95_ms),
         "p99": format_value("p99_ms", stats.p99_ms)}
        for stats in [*load.pages, load.total]
    ]
    evidence = [
        Evidence(kind="value", label=METRIC_NAMES[params.metric], value=shown, url=load.target),
        Evidence(kind="table", label=Text(vi=f"{load.users} người dùng, {load.duration_s:g} s", en=f"{load.users} users, {load.duration_s:g} s"), value=rows),
    ]
    if load.chart:
        evidence.append(Evidence(kind="screenshot", label=Text(vi="Độ trễ và người dùng theo thời gian", en="Latency and users over time"),
                                 path=load.chart))
    name = METRIC_NAMES[params.metric]
    name_vi = METRIC_NAMES_VI.get(params.metric, name)
    return Finding.scored(
        fraction,
        vi=f"Với {load.users} người dùng đồng thời: {name_vi} = {shown} ({load.total.requests} yêu cầu).",
        en=f"With {load.users} concurrent users: {name} = {shown} ({load.total.requests} requests).",
        evidence=evidence,
    )
