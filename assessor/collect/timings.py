"""Reading a page's own performance timings after it has loaded."""

from __future__ import annotations

import io
from importlib import resources

from playwright.async_api import Page

from assessor.artifacts.page import PageTimings

INIT_SCRIPT = resources.files("assessor.collect").joinpath("page_metrics.js").read_text(encoding="utf-8")

# Long-task time beyond 50 ms counts as blocking (Lighthouse's TBT definition); here measured
# from navigation start to load end, as a lab approximation of FCP..TTI.
READ_TIMINGS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  const store = window.__assessorMetrics || { lcp: null, cls: 0, longTasks: [] };
  const resources = performance.getEntriesByType('resource');
  const bytes = resources.reduce((sum, r) => sum + (r.transferSize || 0), nav ? (nav.transferSize || 0) : 0);
  const tasks = store.longTasks.map((t) => t.duration);
  return {
    ttfb_ms: nav ? nav.responseStart - nav.startTime : null,
    fcp_ms: paint ? paint.startTime : null,
    lcp_ms: store.lcp,
    dom_content_loaded_ms: nav ? nav.domContentLoadedEventEnd : null,
    load_ms: nav && nav.loadEventEnd > 0 ? nav.loadEventEnd : null,
    cls: store.cls,
    total_blocking_time_ms: tasks.reduce((sum, d) => sum + Math.max(0, d - 50), 0),
    longest_task_ms: tasks.length ? Math.max(...tasks) : 0,
    transfer_bytes: bytes,
    request_count: resources.length + (nav ? 1 : 0),
    dom_nodes: document.getElementsByTagName('*').length,
  };
}"""


async def read_timings(page: Page) -> PageTimings:
    values = await page.evaluate(READ_TIMINGS)
    return PageTimings.model_validate(values)


# Speed Index from CDP screencast frames, after speedline (the library Lighthouse used): each
# frame's visual progress is how far its colour histogram has moved from the blank start towards
# the final frame, and Speed Index is the area above the progress curve:
#   SI = sum over frames of (1 - progress before the frame) x (frame time - previous frame time).
# Near-white pixels are left out of the histograms, as speedline does, so the blank page counts
# as empty. Frames come from Page.startScreencast at a small size, which keeps the cost low.
WHITE_LEVEL = 250


def visual_histogram(jpeg: bytes) -> list[int]:
    """768 counts (R, G, B) of the frame's non-white pixels."""
    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as image:
        rgb = image.convert("RGB")
        mask = rgb.convert("L").point(lambda level: 0 if level >= WHITE_LEVEL else 255)
        return rgb.histogram(mask=mask)


def visual_progress(current: list[int], target: list[int]) -> float:
    """Share of the way from blank (all counts 0) to `target`, averaged over the channels."""
    shares = []
    for channel in range(3):
        part = slice(channel * 256, (channel + 1) * 256)
        total = sum(target[part])
        matched = sum(min(now, final) for now, final in zip(current[part], target[part], strict=True))
        shares.append(1.0 if total == 0 else matched / total)
    return sum(shares) / 3


def speed_index_ms(frames: list[tuple[float, bytes]], navigation_start_ms: float) -> float | None:
    """Speed Index from (epoch ms, JPEG) screencast frames; None without frames after navigation."""
    after = sorted((at, data) for at, data in frames if at >= navigation_start_ms)
    if not after:
        return None
    histograms = [(at - navigation_start_ms, visual_histogram(data)) for at, data in after]
    target = histograms[-1][1]
    index, previous_at, previous_progress = 0.0, 0.0, 0.0
    for at, histogram in histograms:
        index += (1.0 - previous_progress) * (at - previous_at)
        previous_at, previous_progress = at, visual_progress(histogram, target)
    return index
