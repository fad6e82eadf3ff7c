"""The performance checks on snapshots built in code: every outcome each can return."""

from __future__ import annotations

import pytest

from assessor.artifacts.performance import (
    LabPage,
    LabResult,
    LabRun,
    LoadPageStats,
    LoadTestResult,
    PerformanceFacts,
    default_form_factors,
)
from assessor.checks.performance import further_runs_could_change, lab_metric, load_metric, runs_needed_for_median
from assessor.collect.load_test import NOT_ALLOWED
from assessor.model import Status
from tests.builders import make_snapshot, page, params_of

URL = "https://dichvucong.lamha.gov.vn/"


def lab_snapshot(runs_by_page: dict[tuple[str, str], list[LabRun]], **fields: object):
    pages = [LabPage(kind=kind, url=URL, form_factor=form_factor, runs=runs)
             for (kind, form_factor), runs in runs_by_page.items()]
    lab = LabResult(runs_per_page=3, form_factors=default_form_factors(), pages=pages)
    return make_snapshot(page(URL), performance=PerformanceFacts(lab=lab), **fields)


def fcp_runs(*values: float) -> list[LabRun]:
    return [LabRun(fcp_ms=value) for value in values]


def test_fast_pages_pass() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(700, 800, 900), ("home", "mobile"): fcp_runs(1500, 1600, 1700)})
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.status == Status.PASS
    table = finding.evidence[0].value
    assert {row["median"] for row in table} == {"0.80 s", "1.60 s"}
    assert all(evidence.label_in("en") != "Unstable" for evidence in finding.evidence)


def test_a_slow_mobile_page_gives_partial_and_is_named() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(800, 800, 800), ("search", "mobile"): fcp_runs(3000, 3000, 3000)})
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.status == Status.PARTIAL
    # desktop full marks, mobile at the median (0.5 / 0.9 of full marks): mean of the two.
    assert finding.fraction == pytest.approx(0.5 * (1 + 0.5 / 0.9))
    assert "search/mobile" in finding.message.en
    # In Vietnamese, the page and the device in Vietnamese too.
    assert "trang kém nhất là tìm kiếm/di động" in finding.message.vi


def test_a_key_page_that_answered_an_error_earns_nothing_and_is_named() -> None:
    """An error page is quick to load: the search page answering 500 scored 1.00 on every metric."""
    failing = [LabRun(fcp_ms=300, status=500)] * 3
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(800, 800, 800), ("search", "desktop"): failing})
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.fraction == pytest.approx(0.5)
    assert "worst page is search/desktop, which answered HTTP 500 (an error page)" in finding.message.en
    assert "trang kém nhất là tìm kiếm/máy tính, trả về HTTP 500 (trang lỗi)" in finding.message.vi


def test_a_criterion_of_several_metrics_names_the_one_that_lost_the_points() -> None:
    """"worst page is search/desktop, median 125 KiB" when what lost the points was 8069 DOM nodes."""
    heavy_dom = [LabRun(transfer_bytes=128_000, request_count=12, dom_nodes=8069)] * 3
    light = [LabRun(transfer_bytes=128_000, request_count=12, dom_nodes=300)] * 3
    snapshot = lab_snapshot({("home", "desktop"): light, ("search", "desktop"): heavy_dom})
    finding = lab_metric(snapshot, params_of("performance.page_weight"))
    assert "worst page is search/desktop, median DOM nodes 8069" in finding.message.en
    assert "trang kém nhất là tìm kiếm/máy tính, trung vị số nút DOM 8069" in finding.message.vi


def test_among_pages_with_full_marks_the_slowest_is_named() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(700, 700, 700), ("search", "mobile"): fcp_runs(1100, 1100, 1100)})
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.status == Status.PASS
    assert "search/mobile, median 1.10 s" in finding.message.en


def test_very_slow_pages_fail() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(60_000, 61_000), ("home", "mobile"): fcp_runs(90_000)})
    assert lab_metric(snapshot, params_of("performance.fcp")).status == Status.FAIL


def test_runs_that_disagree_are_flagged_unstable_and_the_median_is_scored() -> None:
    snapshot = lab_snapshot({("home", "mobile"): fcp_runs(1000, 3000, 9000)})
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.fraction == pytest.approx(0.5 / 0.9)
    assert any(evidence.label_in("en") == "Unstable" and evidence.value == "home/mobile" for evidence in finding.evidence)
    row = finding.evidence[0].value[0]
    assert (row["min"], row["max"], row["runs"]) == ("1.00 s", "9.00 s", 3)
    assert "unstable" not in lab_metric(lab_snapshot({("home", "mobile"): fcp_runs(1000, 1010, 1020)}),
                                        params_of("performance.fcp")).message.en


def test_several_metrics_are_weighted_and_only_listed_form_factors_count() -> None:
    heavy = [LabRun(transfer_bytes=8_000_000, request_count=20, dom_nodes=300)]
    light_mobile = [LabRun(transfer_bytes=1000, request_count=5, dom_nodes=100)]
    snapshot = lab_snapshot({("home", "desktop"): heavy, ("home", "mobile"): light_mobile})
    finding = lab_metric(snapshot, params_of("performance.page_weight"))  # scores desktop only
    params = params_of("performance.page_weight")
    bytes_fraction = round(params.metrics["transfer_bytes"].score(8_000_000), 2) / 0.9
    assert finding.status == Status.PARTIAL
    # bytes on their curve; 20 requests and 300 nodes are better than p10: full marks.
    assert finding.fraction == pytest.approx((bytes_fraction + 1 + 1) / 3)
    assert bytes_fraction < 0.5


def test_not_measured_needs_review_and_gatherer_failure_is_an_error() -> None:
    params = params_of("performance.lcp")
    assert lab_metric(make_snapshot(page(URL)), params).status == Status.NEEDS_REVIEW
    failed = make_snapshot(page(URL), gather_errors={"lab": "TimeoutError: browser gone"})
    finding = lab_metric(failed, params)
    assert finding.status == Status.ERROR and "browser gone" in finding.message.en


def test_metric_never_reported_needs_review() -> None:
    snapshot = lab_snapshot({("home", "desktop"): [LabRun(fcp_ms=500)], ("lookup", "mobile"): [LabRun(error="net::ERR")]})
    finding = lab_metric(snapshot, params_of("performance.lcp"))
    assert finding.status == Status.NEEDS_REVIEW


def load_snapshot(load: LoadTestResult | None, **fields: object):
    return make_snapshot(page(URL), performance=PerformanceFacts(load=load), **fields)


def finished_load(p95_ms: float, requests: int = 1000, failures: int = 0) -> LoadTestResult:
    total = LoadPageStats(name="Aggregated", requests=requests, failures=failures, rps=50, p50_ms=p95_ms / 3,
                          p95_ms=p95_ms, p99_ms=p95_ms * 1.5)
    return LoadTestResult(target=URL, users=20, duration_s=15, pages=[total.model_copy(update={"name": "home"})],
                          total=total, chart="perf/load_chart.png")


def test_load_latency_outcomes() -> None:
    params = params_of("performance.load_latency")
    fast = load_metric(load_snapshot(finished_load(300)), params)
    assert fast.status == Status.PASS
    assert any(evidence.kind == "screenshot" and evidence.path == "perf/load_chart.png" for evidence in fast.evidence)
    assert load_metric(load_snapshot(finished_load(1500)), params).status == Status.PARTIAL
    assert load_metric(load_snapshot(finished_load(30_000)), params).status == Status.FAIL


def test_load_error_ratio_outcomes() -> None:
    params = params_of("performance.load_errors")
    assert load_metric(load_snapshot(finished_load(300, failures=0)), params).status == Status.PASS
    assert load_metric(load_snapshot(finished_load(300, failures=20)), params).status == Status.PARTIAL
    failing = load_metric(load_snapshot(finished_load(300, failures=500)), params)
    assert failing.status == Status.FAIL and "0.500" in failing.message.en


def test_load_not_allowed_needs_review_with_the_reason() -> None:
    skipped = LoadTestResult(target=URL, skipped_reason="the portal's entry does not allow a load test")
    finding = load_metric(load_snapshot(skipped), params_of("performance.load_latency"))
    assert finding.status == Status.NEEDS_REVIEW and "does not allow" in finding.message.en
    assert load_metric(load_snapshot(None), params_of("performance.load_errors")).status == Status.NEEDS_REVIEW
    # Said in the report's language, with the two ways to a score: allow the test, or a reviewer's.
    not_allowed = load_metric(load_snapshot(LoadTestResult(target=URL, skipped_reason=NOT_ALLOWED.en,
                                                           skipped_reason_vi=NOT_ALLOWED.vi)),
                              params_of("performance.load_latency"))
    assert not_allowed.message.vi == (
        "Không chạy kiểm thử tải: mục của cổng không cho phép kiểm thử tải (đặt allow_load_test: true trong "
        "portals.yaml, hoặc dùng --allow-load-test); người đánh giá có thể chấm tiêu chí này bằng --reviews.")
    assert not_allowed.message.en == (
        "Load test not run: the portal's entry does not allow a load test (set allow_load_test: true in portals.yaml, "
        "or pass --allow-load-test); a reviewer may score this criterion with --reviews.")


def test_load_failures_are_errors() -> None:
    params = params_of("performance.load_latency")
    crashed = LoadTestResult(target=URL, error="Locust did not stop in time and was killed")
    assert load_metric(load_snapshot(crashed), params).status == Status.ERROR
    empty = finished_load(300, requests=0)
    assert load_metric(load_snapshot(empty), params).status == Status.ERROR
    gatherer = load_metric(load_snapshot(None, gather_errors={"load_test": "OSError: no locust"}), params)
    assert gatherer.status == Status.ERROR


def test_runs_cut_short_by_the_time_budget_are_noted() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(800)})
    snapshot.performance.lab.runs_planned = 3
    snapshot.performance.lab.runs_per_page = 1
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    assert finding.status == Status.PASS
    assert any(evidence.value == "1 of 3" for evidence in finding.evidence)


def lab_page(form_factor: str, runs: list[LabRun]) -> LabPage:
    return LabPage(kind="home", url=URL, form_factor=form_factor, runs=runs)


LAB_SCORERS = [params_of("performance.fcp"), params_of("performance.page_weight")]


def test_a_page_stays_open_until_more_than_half_its_runs_are_in() -> None:
    assert runs_needed_for_median(3) == 2 and runs_needed_for_median(5) == 3 and runs_needed_for_median(1) == 1
    assert further_runs_could_change(lab_page("desktop", fcp_runs(500)), LAB_SCORERS, planned=3)
    assert not further_runs_could_change(lab_page("desktop", fcp_runs(500, 510, 520)), LAB_SCORERS, planned=3)


def test_runs_that_earn_the_same_points_settle_the_page() -> None:
    # Both far better than p10 (1.8 s): full marks whatever a third run gives. Page weight, which
    # no run reports here, cannot change the points either.
    assert not further_runs_could_change(lab_page("desktop", fcp_runs(300, 900)), LAB_SCORERS, planned=3)
    assert not further_runs_could_change(lab_page("mobile", fcp_runs(1000, 1200)), LAB_SCORERS, planned=3)


def test_runs_on_the_slope_of_a_curve_keep_the_page_open() -> None:
    assert further_runs_could_change(lab_page("mobile", fcp_runs(2500, 3500)), LAB_SCORERS, planned=3)
    # Page weight is scored on desktop only: its slope matters there, not on mobile.
    heavy = [LabRun(fcp_ms=500, transfer_bytes=3_000_000), LabRun(fcp_ms=500, transfer_bytes=4_000_000)]
    assert further_runs_could_change(lab_page("desktop", heavy), LAB_SCORERS, planned=3)
    assert not further_runs_could_change(lab_page("mobile", heavy), LAB_SCORERS, planned=3)


def test_a_failed_run_or_a_metric_missing_from_one_run_keeps_the_page_open() -> None:
    failed = [LabRun(fcp_ms=500), LabRun(error="net::ERR_CONNECTION_RESET")]
    assert further_runs_could_change(lab_page("desktop", failed), LAB_SCORERS, planned=3)
    assert further_runs_could_change(lab_page("desktop", [LabRun(fcp_ms=500), LabRun()]), LAB_SCORERS, planned=3)


def test_settled_pages_are_noted_and_not_taken_for_a_time_budget_cut() -> None:
    snapshot = lab_snapshot({("home", "desktop"): fcp_runs(800, 820)})
    snapshot.performance.lab.pages[0].settled_early = True
    snapshot.performance.lab.runs_planned = 3
    snapshot.performance.lab.runs_per_page = 2
    finding = lab_metric(snapshot, params_of("performance.fcp"))
    notes = {evidence.label_in("en"): evidence.value for evidence in finding.evidence if evidence.kind == "note"}
    assert notes == {"Runs stopped once a further run could not change the points": "home/desktop (2 runs)"}
