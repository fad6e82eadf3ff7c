"""A link the crawl did not open is probed over HTTP; one that answers 200 with the portal's own
"page not found" page is a broken link, as a crawled one is (a real crawl on a local site)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from assessor.checks.function_reach import link_health
from assessor.collect.browser import find_browser
from assessor.collect.run import collect
from assessor.criteria import load_rubric
from assessor.model import PortalRef, Status
from assessor.snapshot import CollectSettings
from tests.builders import params_of
from tests.core.local_site import serve_site

NOT_FOUND = ("<html><head><title>Lỗi</title></head><body><h2>404 - Không tìm thấy trang bạn yêu cầu</h2>"
             "<p>Trang không tồn tại hoặc đã bị xóa.</p></body></html>")
LINKS = "".join(f'<a href="/tin-tuc/{n}">Tin {n}</a> ' for n in range(1, 30))
ROUTES = {
    "/": (200, {}, (f"<html lang='vi'><head><title>Cổng thử</title></head><body>{LINKS}"
                   "<a href='/van-ban/cu'>Văn bản cũ</a></body></html>")),
    **{f"/tin-tuc/{n}": (200, {}, f"<html><head><title>Tin {n}</title></head><body>Tin</body></html>")
       for n in range(1, 30)},
    "/van-ban/cu": (200, {}, NOT_FOUND),
}


def test_a_probed_link_to_a_soft_404_is_broken(tmp_path: Path) -> None:
    with serve_site(ROUTES) as base:
        portal = PortalRef(id="local", name="Local", url=base + "/")
        # Two pages crawled: the old document link is among those probed, not opened in the browser.
        settings = CollectSettings(max_pages=2, max_depth=1, time_budget_s=60, page_timeout_s=10)
        snapshot = asyncio.run(collect(portal, settings, load_rubric(), tmp_path / "snapshot", find_browser().path))
    probed = next(link for link in snapshot.functions.links if link.url.endswith("/van-ban/cu"))
    assert probed.status == 200 and "Không tìm thấy trang" in (probed.said or "")
    finding = link_health(snapshot, params_of("function.link_health"))
    assert finding.status != Status.PASS
    assert [row["url"] for row in finding.evidence[1].value] == [base + "/van-ban/cu"]
