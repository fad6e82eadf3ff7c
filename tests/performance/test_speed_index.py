"""Speed Index from screencast frames (speedline's histogram method)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from assessor.collect.timings import speed_index_ms, visual_progress


def frame(colour: tuple[int, int, int], painted_rows: int = 100) -> bytes:
    image = Image.new("RGB", (100, 100), "white")
    image.paste(colour, (0, 0, 100, painted_rows))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    return buffer.getvalue()


def test_blank_then_complete_page_scores_the_time_of_its_first_paint() -> None:
    start = 1_000_000.0
    frames = [(start + 10, frame((255, 255, 255))), (start + 800, frame((20, 60, 160)))]
    assert speed_index_ms(frames, start) == pytest.approx(800, abs=1)


def test_half_painted_page_counts_half_until_complete() -> None:
    start = 0.0
    frames = [(400.0, frame((20, 60, 160), painted_rows=50)), (1400.0, frame((20, 60, 160)))]
    # Blank for 400 ms, about half done for the next 1000 ms.
    assert speed_index_ms(frames, start) == pytest.approx(400 + 500, rel=0.1)


def test_no_frames_after_navigation_gives_none() -> None:
    assert speed_index_ms([(5.0, frame((0, 0, 0)))], navigation_start_ms=10.0) is None


def test_progress_is_complete_when_the_target_is_blank() -> None:
    assert visual_progress([0] * 768, [0] * 768) == 1.0
