"""Reading a page's own performance timings after it has loaded."""

from __future__ import annotations

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
