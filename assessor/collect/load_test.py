"""The load test as a portal gatherer: only for portals that allow it, on the lab's key pages.

Permission comes from the portal's entry (`allow_load_test: true` in portals.yaml) or from
`--allow-load-test` for one run; without it the load test is recorded as skipped with the
reason, and its criteria ask for review. The size comes from the rubric's `load` block (or the
command line), bounded by `assessor.perf.limits`.
"""

from __future__ import annotations

import asyncio
import threading
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pydantic import ValidationError

from assessor.artifacts.performance import LoadSettings, LoadTestResult
from assessor.checks.common import same_portal
from assessor.collect.gatherers import STAGE_LOAD, portal_gatherer
from assessor.collect.lab import key_pages_of, lab_settings, performance_facts
from assessor.model import Text
from assessor.perf.chart import draw_load_chart
from assessor.perf.runner import LoadPlan, run_load_test
from assessor.snapshot import Snapshot

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext

LOAD_CHECK = "performance.load_metric"
CHART_FILE = "perf/load_chart.png"


def load_settings(ctx: CollectContext) -> LoadSettings:
    return LoadSettings.model_validate(ctx.params_for(LOAD_CHECK, ("load",)).get("load") or {})


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def key_page_paths(snapshot: Snapshot, ctx: CollectContext, origin: str) -> dict[str, str]:
    """The key pages the lab measures, as paths on the portal's origin."""
    urls, _ = key_pages_of(snapshot, lab_settings(ctx))
    paths: dict[str, str] = {}
    for kind, url in urls.items():
        parts = urlsplit(url)
        if origin_of(url) == origin:
            paths[kind] = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return paths or {"home": "/"}


def load_target(snapshot: Snapshot) -> str:
    """The origin the load goes to: where the start URL landed when that is still the portal (a
    redirect to its own www. or subdomain host), else the start URL's (refused: see `refusal`)."""
    home = snapshot.home
    if home is not None and same_portal(home.final_url, snapshot.start_url):
        return origin_of(home.final_url)
    return origin_of(snapshot.start_url)


NOT_ALLOWED = Text(vi="mục của cổng không cho phép kiểm thử tải (đặt allow_load_test: true trong portals.yaml, "
                      "hoặc dùng --allow-load-test)",
                   en="the portal's entry does not allow a load test (set allow_load_test: true in portals.yaml, "
                      "or pass --allow-load-test)")


def refusal(snapshot: Snapshot, ctx: CollectContext, target: str) -> Text | None:
    if not ctx.settings.allow_load_test:
        return NOT_ALLOWED
    host = urlsplit(target).hostname or ""
    if snapshot.home and not same_portal(snapshot.home.final_url, snapshot.start_url):
        # A closed portal sends visitors elsewhere: permission covers the portal, not where it points.
        return Text(vi=f"cổng chuyển hướng sang trang khác ({snapshot.home.final_url})",
                    en=f"the portal redirects to another site ({snapshot.home.final_url})")
    if host in ctx.settings.resolve:
        # Locust resolves names itself: a load meant for a --resolve stand-in would hit the real host.
        return Text(vi=f"{host} được chuyển hướng bằng --resolve, điều mà bộ tạo tải không làm theo",
                    en=f"{host} is redirected with --resolve, which the load generator does not follow")
    return None


# After the lab, alone: its load must not slow what the lab measures, nor anything else.
@portal_gatherer("load_test", stage=STAGE_LOAD)
async def load_test(snapshot: Snapshot, ctx: CollectContext) -> None:
    facts = performance_facts(snapshot)
    target = load_target(snapshot)
    reason = refusal(snapshot, ctx, target)
    if reason is None:
        try:
            verify: str | bool = str(ctx.ca_bundle) if ctx.ca_bundle else snapshot.certificate_error is None
            plan = LoadPlan.from_settings(target, key_page_paths(snapshot, ctx, target), load_settings(ctx),
                                          verify=verify, user_agent=ctx.settings.user_agent)
        except ValidationError as exc:
            beyond = "; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())
            reason = Text(vi=f"bị từ chối: {beyond}", en=f"refused: {beyond}")
    if reason is not None:
        facts.load = LoadTestResult(target=target, skipped_reason=reason.en, skipped_reason_vi=reason.vi)
        return
    ctx.progress(f"load test: {plan.users} users for {plan.duration_s:g} s")
    cancel = threading.Event()
    try:
        result = await asyncio.to_thread(run_load_test, plan, cancel)
    finally:
        # Cancelled (Ctrl-C, SIGTERM, the portal's time budget): the thread cannot be, so it is told
        # to stop Locust now; otherwise the load would run on, and the process wait for it to end.
        cancel.set()
    if result.timeline:
        draw_load_chart(result.timeline, ctx.folder / CHART_FILE)
        result.chart = CHART_FILE
    facts.load = result
