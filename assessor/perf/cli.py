"""`assessor load URL`: a load test on its own, with its own small report; and the load-test
options of `assessor run`.

    assessor load https://dichvucong.example.gov.vn/ --allow-load-test --users 20 --duration 30
    assessor load URL --allow-load-test --workers 2          # Locust master + 2 local workers
    assessor load URL --allow-load-test --max-error-ratio 0.01 --max-p95 800   # exit 1 beyond either
    assessor load URL --allow-load-test --remote-workers 3 --master-bind-host 0.0.0.0
        # then on each remote machine, with the same ASSESSOR_LOAD_PLAN (printed by this command):
        # python -m locust -f <assessor>/perf/locustfile.py --worker --master-host THIS_MACHINE
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Annotated
from urllib.parse import urljoin, urlsplit

import httpx
import typer
from bs4 import BeautifulSoup
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import ValidationError

from assessor.artifacts.performance import LabSettings, LoadError, LoadSettings, LoadTestResult
from assessor.cli_inputs import UserAgentOption, ca_bundle_or_exit, out_folder_or_exit, url_or_exit, user_agent_or_exit
from assessor.collect.http import http_client
from assessor.console import EXIT_GATE, EXIT_UNREACHABLE, console, fail
from assessor.criteria import Rubric, load_rubric
from assessor.gates import gate_failed, load_gate_results
from assessor.perf import limits
from assessor.perf.chart import draw_load_chart
from assessor.perf.key_pages import SeenPage, choose_key_pages
from assessor.perf.runner import LoadPlan, run_load_test
from assessor.snapshot import CollectSettings
from assessor.stopping import sigterm_raises, stopped_by_sigterm_too, stops_reported

LOAD_CHECK = "performance.load_metric"
LAB_CHECK = "performance.lab_metric"
DISCOVERY_LINKS = 25
# Finding the key pages (the home page and the pages it links to) ends by then, whatever the portal does.
DISCOVERY_DEADLINE_S = 30.0
# Of each page only so much is read for its links and text: a 50 MB page must not fill the memory.
DISCOVERY_PAGE_BYTES = 5_000_000

AllowLoadTestOption = Annotated[
    bool, typer.Option("--allow-load-test", help="Allow a load test on this portal for this run.",
                       envvar="ASSESSOR_ALLOW_LOAD_TEST")
]
LoadUsersOption = Annotated[
    int | None, typer.Option("--load-users", min=1, help="Simulated users of the load test (default: the rubric's).")
]
LoadDurationOption = Annotated[
    float | None, typer.Option("--load-duration", min=1, help="Seconds the load test lasts (default: the rubric's).")
]

def apply_load_overrides(rubric: Rubric, users: int | None, duration_s: float | None) -> None:
    """Put command-line sizes into the rubric's `load` block, which the collector reads."""
    if users is None and duration_s is None:
        return
    carriers = [criterion for criterion in rubric.all_criteria() if criterion.check == LOAD_CHECK]
    if not carriers:
        return
    carrier = next((criterion for criterion in carriers if "load" in criterion.params), carriers[0])
    load = dict(carrier.params.get("load") or {})
    if users is not None:
        load["users"] = users
    if duration_s is not None:
        load["duration_s"] = duration_s
    carrier.params["load"] = load


def rubric_settings(rubric: Rubric) -> tuple[LoadSettings, LabSettings]:
    merged: dict[str, dict[str, object]] = {}
    for criterion in rubric.all_criteria():
        for check_id, key in ((LOAD_CHECK, "load"), (LAB_CHECK, "lab")):
            if criterion.check == check_id and key in criterion.params:
                merged[key] = criterion.params[key]
    return LoadSettings.model_validate(merged.get("load", {})), LabSettings.model_validate(merged.get("lab", {}))


class KeyPagesUnavailable(Exception):
    """The portal answered, but not with a home page to find the key pages from (one line)."""


def one_line_error(exc: httpx.HTTPError) -> str:
    """`Type: message` on one line: httpx's own messages run over several (a link to MDN)."""
    return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}".rstrip(": ")


async def read_page(client: httpx.AsyncClient, url: str) -> tuple[httpx.Response, str]:
    """The response and its first DISCOVERY_PAGE_BYTES, decoded: enough for its links and text."""
    body = bytearray()
    async with client.stream("GET", url) as response:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= DISCOVERY_PAGE_BYTES:
                break
    return response, bytes(body[:DISCOVERY_PAGE_BYTES]).decode(response.encoding or "utf-8", errors="replace")


async def read_pages_until(client: httpx.AsyncClient, urls: list[str], deadline: float) -> list[SeenPage]:
    """The pages among `urls` that arrived in full, without an error status, by `deadline` (loop
    time); the others are given up."""
    tasks = [asyncio.ensure_future(read_page(client, url)) for url in urls]
    try:
        if tasks:
            await asyncio.wait(tasks, timeout=max(0.0, deadline - asyncio.get_running_loop().time()))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    arrived = [task.result() for task in tasks if not task.cancelled() and task.exception() is None]
    return [SeenPage(str(response.url), text) for response, text in arrived if response.status_code < 400]


async def discover_paths(url: str, lab: LabSettings, ca_bundle: Path | None,
                         user_agent: str | None = None) -> tuple[dict[str, str], list[str]]:
    """The key pages (kind -> path), from the home page and the same-site pages it links to (no
    browser), and the kinds not found. All within DISCOVERY_DEADLINE_S: a page that drips a byte
    at a time never trips a read timeout, so the home page must arrive in full by then, and the
    linked pages that have not are left out."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DISCOVERY_DEADLINE_S
    origin = urlsplit(url).netloc
    async with http_client(CollectSettings(user_agent=user_agent), ca_bundle, follow_redirects=True) as client:
        try:
            async with asyncio.timeout_at(deadline):
                home, html = await read_page(client, url)
        except TimeoutError:
            raise KeyPagesUnavailable(
                f"the home page did not arrive in full within {DISCOVERY_DEADLINE_S:g} s") from None
        if home.status_code >= 400:
            # Not found here: the portal's pages may be elsewhere and can be named. Any other
            # error is the portal failing, which naming its pages would not change.
            hint = " (give the key pages with --path KIND=/path)" if home.status_code in (404, 410) else ""
            raise KeyPagesUnavailable(f"the home page answered HTTP {home.status_code} {home.reason_phrase}{hint}")
        links = [urljoin(str(home.url), anchor["href"]) for anchor in
                 BeautifulSoup(html, "lxml").find_all("a", href=True)]
        same_site = list(dict.fromkeys(link.split("#")[0] for link in links if urlsplit(link).netloc == origin))
        linked = await read_pages_until(client, same_site[:DISCOVERY_LINKS], deadline)
    chosen, missing = choose_key_pages([SeenPage(str(home.url), html), *linked], lab.pages)
    return {kind: (urlsplit(page).path or "/") + (f"?{urlsplit(page).query}" if urlsplit(page).query else "")
            for kind, page in chosen.items()}, missing


def discovered_paths_or_exit(url: str, lab: LabSettings, ca_bundle: Path | None,
                             user_agent: str | None) -> dict[str, str]:
    """The key pages, or a one-line error when the portal cannot show them; Ctrl-C and SIGTERM
    stop the discovery as they stop the load test."""
    with stops_reported(lambda: "stopped while finding the key pages, no load was generated"):
        try:
            paths, missing = asyncio.run(stopped_by_sigterm_too(discover_paths(url, lab, ca_bundle, user_agent)))
        except KeyPagesUnavailable as exc:
            raise fail(f"cannot find the key pages of {url}: {exc}", EXIT_UNREACHABLE) from None
        except httpx.HTTPError as exc:
            raise fail(f"cannot find the key pages of {url}: {one_line_error(exc)}", EXIT_UNREACHABLE) from None
    if missing:
        console.print(f"note: no {', '.join(missing)} page found from the home page; "
                      "name them with --path KIND=/path", highlight=False)
    return paths


async def answers(url: str, ca_bundle: Path | None, user_agent: str | None) -> None:
    """Return once `url` has answered (its status line and headers, whatever the status); raise
    when it cannot be reached or has not answered within DISCOVERY_DEADLINE_S."""
    async with http_client(CollectSettings(user_agent=user_agent), ca_bundle, follow_redirects=True) as client:
        try:
            async with asyncio.timeout(DISCOVERY_DEADLINE_S), client.stream("GET", url):
                pass
        except TimeoutError:
            raise KeyPagesUnavailable(f"no answer within {DISCOVERY_DEADLINE_S:g} s") from None


def reachable_or_exit(url: str, ca_bundle: Path | None, user_agent: str | None) -> None:
    """With the key pages given, the portal is still asked once before the load: a load test of a
    portal that cannot be reached (refused, a bad certificate) is 100 % errors that say nothing
    a one-line error does not. An error status is left for the load test to measure."""
    with stops_reported(lambda: "stopped while reaching the portal, no load was generated"):
        try:
            asyncio.run(stopped_by_sigterm_too(answers(url, ca_bundle, user_agent)))
        except KeyPagesUnavailable as exc:
            raise fail(f"cannot reach {url}: {exc}", EXIT_UNREACHABLE) from None
        except httpx.HTTPError as exc:
            raise fail(f"cannot reach {url}: {one_line_error(exc)}", EXIT_UNREACHABLE) from None


def parse_paths(entries: list[str]) -> dict[str, str]:
    paths: dict[str, str] = {}
    for entry in entries:
        kind, sep, path = entry.partition("=")
        if not sep or not kind or not path.startswith("/"):
            raise fail(f"--path expects KIND=/path, got '{entry}'")
        paths[kind.strip()] = path.strip()
    return paths


def most_frequent_errors(result: LoadTestResult) -> list[LoadError]:
    """Each page type's most frequent reason for failed requests (the report lists more)."""
    firsts: dict[str, LoadError] = {}
    for error in result.errors:
        firsts.setdefault(error.page, error)
    return list(firsts.values())


def write_load_report(result: LoadTestResult, folder: Path) -> Path:
    """load.json, load_chart.png and load-report.html (scriptless, like the main report)."""
    folder.mkdir(parents=True, exist_ok=True)
    if result.timeline:
        draw_load_chart(result.timeline, folder / "load_chart.png")
        result.chart = "load_chart.png"
    (folder / "load.json").write_text(result.model_dump_json(indent=1), encoding="utf-8")
    chart = folder / "load_chart.png"
    env = Environment(loader=PackageLoader("assessor.perf", "templates"), autoescape=select_autoescape(default=True))
    html = env.get_template("load_report.html.j2").render(
        r=result,
        chart=base64.b64encode(chart.read_bytes()).decode("ascii") if result.chart else None,
        rows=[*result.pages, *([result.total] if result.total else [])],
    )
    path = folder / "load-report.html"
    path.write_text(html, encoding="utf-8")
    return path


# LoadPlan's fields as the options that set them, for errors the options' own ranges did not catch.
OPTION_OF_FIELD = {"users": "--users", "spawn_rate": "--spawn-rate", "duration_s": "--duration",
                   "think_min_s": "--think-min", "think_max_s": "--think-max", "workers": "--workers",
                   "remote_workers": "--remote-workers"}


def above_zero(value: float | None) -> float | None:
    if value is not None and value <= 0:
        raise typer.BadParameter(f"{value:g} is not above 0.")
    return value


def plan_or_exit(url: str, sizes: LoadSettings, given: dict[str, float | None], **extra: object) -> LoadPlan:
    """The load plan, or a one-line error naming the options at fault (exit 2), before anything
    is sent. `given` holds what the command line asked, beside the rubric's defaults in `sizes`."""
    if sizes.think_max_s < sizes.think_min_s:
        think_min = f"--think-min {sizes.think_min_s:g}" + ("" if given["think_min_s"] is not None else " (the rubric's)")
        raise fail(f"--think-max {sizes.think_max_s:g} must not be below {think_min}")
    workers = sizes.workers + int(extra.get("remote_workers") or 0)
    if workers > limits.MAX_WORKERS:
        raise fail(f"--workers and --remote-workers: {workers} in all, above the ceiling of {limits.MAX_WORKERS}")
    try:
        return LoadPlan.from_settings(url, {}, sizes, **extra)
    except ValidationError as exc:
        raise fail("; ".join(
            f"{OPTION_OF_FIELD.get(str(error['loc'][0]), error['loc'][0])}: {error['msg']}" if error["loc"]
            else error["msg"].removeprefix("Value error, ")
            for error in exc.errors()
        )) from None


def load_command(
    url: Annotated[str, typer.Argument(help="The portal's start URL.")],
    allow_load_test: AllowLoadTestOption = False,
    users: Annotated[int | None, typer.Option(
        "--users", min=1, max=limits.MAX_USERS, help="Simulated users (default: the rubric's).")] = None,
    spawn_rate: Annotated[float | None, typer.Option(
        "--spawn-rate", min=0, max=limits.MAX_SPAWN_RATE, callback=above_zero,
        help="Users started per second, above 0 (default: the rubric's).")] = None,
    duration: Annotated[float | None, typer.Option(
        "--duration", min=1, max=limits.MAX_DURATION_S, help="Seconds the test lasts (default: the rubric's).")] = None,
    think_min: Annotated[float | None, typer.Option("--think-min", min=0, help="Shortest pause between pages, s.")] = None,
    think_max: Annotated[float | None, typer.Option("--think-max", min=0, help="Longest pause between pages, s.")] = None,
    workers: Annotated[int, typer.Option(
        "--workers", min=0, max=limits.MAX_WORKERS, help="Locust worker processes on this machine.")] = 0,
    remote_workers: Annotated[int, typer.Option(
        "--remote-workers", min=0, max=limits.MAX_WORKERS, help="Workers on other machines the master waits for.",
    )] = 0,
    master_bind_host: Annotated[
        str, typer.Option("--master-bind-host", help="Where the master listens (0.0.0.0 for remote workers).")
    ] = "127.0.0.1",
    path: Annotated[list[str] | None, typer.Option("--path", help="KIND=/path of a key page (repeatable).")] = None,
    ca_bundle: Annotated[Path | None, typer.Option("--ca-bundle", help="Certificate authority (PEM) to trust.")] = None,
    out: Annotated[Path, typer.Option("--out", help="Folder for the load report.")] = Path("reports/load"),
    user_agent: UserAgentOption = None,
    max_error_ratio: Annotated[float, typer.Option(
        "--max-error-ratio", min=0, max=1,
        help="Exit 1 when a larger share of requests failed (default 0: any failure, as Locust does).",
    )] = 0.0,
    max_p95: Annotated[float | None, typer.Option(
        "--max-p95", min=0, help="Exit 1 when the 95th percentile of response times is above this, in ms.",
    )] = None,
) -> None:
    """Load-test one portal with simulated citizens (needs --allow-load-test)."""
    url_or_exit(url)
    user_agent = user_agent_or_exit(user_agent)
    if not allow_load_test:
        raise fail("a load test needs the portal owner's permission: pass --allow-load-test")
    ca_bundle_or_exit(ca_bundle)
    out_folder_or_exit(out)
    load_settings, lab_settings = rubric_settings(load_rubric())
    asked = {"users": users, "spawn_rate": spawn_rate, "duration_s": duration, "think_min_s": think_min,
             "think_max_s": think_max}
    sizes = load_settings.model_copy(update={key: value for key, value in asked.items() if value is not None}
                                     | {"workers": workers})
    plan = plan_or_exit(url, sizes, asked, remote_workers=remote_workers, master_bind_host=master_bind_host,
                        verify=str(ca_bundle) if ca_bundle else True, user_agent=user_agent)
    if path:
        paths = parse_paths(path)
        reachable_or_exit(url.rstrip("/") + next(iter(paths.values())), ca_bundle, user_agent)
    else:
        paths = discovered_paths_or_exit(url, lab_settings, ca_bundle, user_agent)
    plan = plan.model_copy(update={"paths": paths})
    if remote_workers:
        console.print(f"ASSESSOR_LOAD_PLAN='{plan.environment()['ASSESSOR_LOAD_PLAN']}'", highlight=False, markup=False)
    console.print(f"load test: {plan.users} users for {plan.duration_s:g} s on {', '.join(paths)}", highlight=False)
    with stops_reported(lambda: "the load test was stopped, no report was written"), sigterm_raises():
        result = run_load_test(plan)
    report = write_load_report(result, out)
    if result.error or result.total is None:
        raise fail(f"load test failed: {result.error or 'no statistics'} (report: {report})", code=1)
    total = result.total
    over = f" in {result.elapsed_s:.1f} s" if result.elapsed_s else ""
    console.print(f"{total.requests} requests{over}, {total.rps:.1f} req/s, p95 {total.p95_ms or 0:.0f} ms, "
                  f"errors {total.error_ratio:.1%}", highlight=False)
    for error in most_frequent_errors(result):
        console.print(f"  {error.page}: {error.occurrences} × {error.error}", highlight=False)
    gates = load_gate_results(total, max_error_ratio=max_error_ratio, max_p95_ms=max_p95)
    for gate in gates:
        console.print(gate.line(), highlight=False)
    console.print(f"report: {report}", highlight=False, soft_wrap=True)
    if gate_failed(gates):
        raise typer.Exit(EXIT_GATE)
