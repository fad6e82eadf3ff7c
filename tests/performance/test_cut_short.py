"""`as_scored`: what a lab run stopped before its load event counts, outcome by outcome."""

from __future__ import annotations

from assessor.artifacts.performance import LabRun
from assessor.checks.performance import as_scored

SEEN = LabRun(ttfb_ms=200, fcp_ms=900, lcp_ms=1500, speed_index_ms=1200, load_ms=None, cls=0.01,
              transfer_bytes=50_000, request_count=9)


def cut_short(run: LabRun, cut_at_ms: float, larger_image_pending: bool) -> LabRun:
    return as_scored(run.model_copy(update={"load_cut_at_ms": cut_at_ms, "larger_image_pending": larger_image_pending}))


def test_a_run_that_loaded_is_scored_as_seen() -> None:
    assert as_scored(SEEN) == SEEN


def test_a_page_whose_paints_are_done_counts_only_its_load_as_unfinished() -> None:
    run = cut_short(SEEN, 10_000, larger_image_pending=False)
    assert run.load_cut_at_ms == 10_000 and run.load_ms == 10_000
    assert (run.ttfb_ms, run.fcp_ms, run.lcp_ms, run.speed_index_ms) == (200, 900, 1500, 1200)
    assert (run.cls, run.transfer_bytes, run.request_count) == (0.01, 50_000, 9)


def test_an_image_still_loading_in_view_makes_lcp_and_speed_index_unfinished() -> None:
    run = cut_short(SEEN, 10_000, larger_image_pending=True)
    assert (run.lcp_ms, run.speed_index_ms, run.load_ms) == (10_000, 10_000, 10_000)
    assert (run.ttfb_ms, run.fcp_ms) == (200, 900)


def test_a_paint_that_had_not_happened_counts_as_the_cut() -> None:
    run = cut_short(LabRun(ttfb_ms=300), 8_000, larger_image_pending=False)
    assert (run.ttfb_ms, run.fcp_ms, run.lcp_ms, run.speed_index_ms) == (300, 8_000, 8_000, 8_000)


def test_a_document_that_never_answered_counts_every_moment_as_the_cut() -> None:
    run = cut_short(LabRun(request_count=1), 5_000, larger_image_pending=True)
    assert (run.ttfb_ms, run.fcp_ms, run.lcp_ms, run.speed_index_ms, run.load_ms) == (5_000,) * 5
    assert run.error is None


def test_a_time_already_past_the_cut_is_kept() -> None:
    late = SEEN.model_copy(update={"lcp_ms": 12_000})
    assert cut_short(late, 10_000, larger_image_pending=True).lcp_ms == 12_000
