"""Cumulative Layout Shift as the web-vitals define it: the largest session window of shifts (each
within 1 s of the last, at most 5 s long), not the sum of every shift in the page's life."""

from __future__ import annotations

import asyncio

from assessor.collect.browser import BrowserOptions, BrowserSession, find_browser
from assessor.collect.timings import INIT_SCRIPT, read_timings
from tests.core.local_site import serve_site

# A ticker pushing the page's text down by 60 px every 1.3 s, three times: three windows of one
# shift each, not one window of three.
TICKER = """<!DOCTYPE html><html lang="vi"><head><title>Tin</title><style>
  body { margin: 0; } #news { height: 0; overflow: hidden; } p { font-size: 20px; }
</style></head><body><div id="news"></div>
<p>Cổng Dịch vụ công tỉnh Lâm Hà</p><p>Thủ tục hành chính</p><p>Tra cứu hồ sơ</p>
<script>
  let grown = 0;
  const grow = () => { grown += 60; document.getElementById('news').style.height = grown + 'px'; };
  [300, 1600, 2900].forEach((at) => setTimeout(grow, at));
</script></body></html>"""
BURST = TICKER.replace("[300, 1600, 2900]", "[300, 600, 900]")


def measured_cls(html: str) -> float:
    async def measure() -> float:
        with serve_site({"/": (200, {}, html)}) as base:
            async with BrowserSession(BrowserOptions(executable=find_browser().path)) as session:
                context = await session.new_context(viewport={"width": 800, "height": 600})
                await context.add_init_script(INIT_SCRIPT)
                page = await context.new_page()
                await page.goto(base + "/")
                await page.wait_for_timeout(3600)
                timings = await read_timings(page)
                await context.close()
                assert timings.cls is not None
                return timings.cls

    return asyncio.run(measure())


def test_shifts_more_than_a_second_apart_are_separate_windows_and_the_largest_counts() -> None:
    spaced, burst = measured_cls(TICKER), measured_cls(BURST)
    # The same three shifts: apart, CLS is one of them; together, their sum.
    assert burst > 0
    assert spaced < burst * 0.5, (spaced, burst)
