"""Total Blocking Time counts only what blocks after the first paint, as Lighthouse does."""

from __future__ import annotations

from assessor.collect.lab import blocking_time_after


def test_only_the_part_after_fcp_beyond_50_ms_blocks() -> None:
    tasks = [[0.0, 400.0], [900.0, 120.0], [1500.0, 40.0], [950.0 - 100.0, 200.0]]
    # FCP at 1000: the first task is over before it; 900+120 leaves 20 ms after FCP (not blocking);
    # 850+200 leaves 50 ms (not blocking); 1500+40 is short.
    assert blocking_time_after(1000.0, tasks) == 0.0
    assert blocking_time_after(100.0, tasks) == (300 - 50) + (120 - 50) + (200 - 50)


def test_no_paint_means_no_blocking_time() -> None:
    assert blocking_time_after(None, [[0.0, 900.0]]) is None
