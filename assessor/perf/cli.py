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

from assessor.artifacts.performance import LabSettings, LoadSettings, LoadTestResult
from assessor.cli_inputs import UserAgentOption, ca_bundle_or_exit, out_folder_or_exit, url_or_exit, user_agent_or_exit
from assessor.collect.http import http_client
from assessor.console import EXIT_GATE, EXIT_UNREACHABLE, console, fail
from assessor.criteria import Rubric, load_rubric
from assessor.gates import gate_failed, load_gate_results
from assessor.perf.chart import draw_load_chart
from assessor.perf.key_pages import SeenPage, choose_key_pages
from assessor.perf.runner import LoadPlan, run_load_test
from assessor.snapshot import CollectSettings
from assessor.stopping import sigterm_raises, stopped_by_sigterm_too, stops_reported

LOAD_CHECK = "performance.load_metric"
LAB_CHECK = "performance.lab_metric"
DISCOVERY_LINKS = 25

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


async def discover_paths(url: str, lab: LabSettings, ca_bundle: Path | None,
                         user_agent: str | None = None) -> dict[str, str]:
    """The key pages, from the home page and the same-site pages it links to (no browser)."""
    origin = urlsplit(url).netloc
    async with http_client(CollectSettings(user_agent=user_agent), ca_bundle, follow_redirects=True) as client:
        home = (await client.get(url)).raise_for_status()
        links = [urljoin(str(home.url), anchor["href"]) for anchor in
                 BeautifulSoup(home.text, "lxml").find_all("a", href=True)]
        same_site = list(dict.fromkeys(link.split("#")[0] for link in links if urlsplit(link).netloc == origin))
        responses = await asyncio.gather(*(client.get(link) for link in same_site[:DISCOVERY_LINKS]),
                                         return_exceptions=True)
    seen = [SeenPage(str(home.url), home.text)] + [
        SeenPage(str(response.url), response.text) for response in responses
        if not isinstance(response, BaseException) and response.status_code < 400
    ]
    chosen, _ = choose_key_pages(seen, lab.pages)
    return {kind: (urlsplit(page).path or "/") + (f"?{urlsplit(page).query}" if urlsplit(page).query else "")
            for kind, page in chosen.items()}


def discovered_paths_or_exit(url: str, lab: LabSettings, ca_bundle: Path | None,
                             user_agent: str | None) -> dict[str, str]:
    """The key pages, or a one-line error when the portal cannot show them; Ctrl-C and SIGTERM
    stop the discovery as they stop the load test."""
    with stops_reported(lambda: "stopped while finding the key pages, no load was generated"):
        try:
            return asyncio.run(stopped_by_sigterm_too(discover_paths(url, lab, ca_bundle, user_agent)))
        except httpx.HTTPError as exc:
            raise fail(f"cannot find the key pages of {url}: {type(exc).__name__}: {exc} "
                       "(give them with --path KIND=/path)", EXIT_UNREACHABLE) from None


def parse_paths(entries: list[str]) -> dict[str, str]:
    paths: dict[str, str] = {}
    for entry in entries:
        kind, sep, path = entry.partition("=")
        if not sep or not kind or not path.startswith("/"):
            raise fail(f"--path expects KIND=/path, got '{entry}'")
        paths[kind.strip()] = path.strip()
    return paths


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


def load_command(
    url: Annotated[str, typer.Argument(help="The portal's start URL.")],
    allow_load_test: AllowLoadTestOption = False,
    users: Annotated[int | None, typer.Option("--users", min=1, help="Simulated users (default: the rubric's).")] = None,
    spawn_rate: Annotated[float | None, typer.Option("--spawn-rate", help="Users started per second.")] = None,
    duration: Annotated[float | None, typer.Option("--duration", min=1, help="Seconds the test lasts.")] = None,
    think_min: Annotated[float | None, typer.Option("--think-min", min=0, help="Shortest pause between pages, s.")] = None,
    think_max: Annotated[float | None, typer.Option("--think-max", min=0, help="Longest pause between pages, s.")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, help="Locust worker processes on this machine.")] = 0,
    remote_workers: Annotated[
        int, typer.Option("--remote-workers", min=0, help="Workers on other machines the master waits for.")
    ] = 0,
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
    sizes = load_settings.model_copy(update={key: value for key, value in asked.items() if value is not None})
    paths = parse_paths(path) if path else discovered_paths_or_exit(url, lab_settings, ca_bundle, user_agent)
    try:
        plan = LoadPlan.from_settings(
            url, paths, sizes.model_copy(update={"workers": workers}), remote_workers=remote_workers,
            master_bind_host=master_bind_host, verify=str(ca_bundle) if ca_bundle else True,
            user_agent=user_agent,
        )
    except ValidationError as exc:
        raise fail("; ".join(error["msg"].removeprefix("Value error, ") for error in exc.errors())) from None
    if remote_workers:
        console.print(f"ASSESSOR_LOAD_PLAN='{plan.environment()['ASSESSOR_LOAD_PLAN']}'", highlight=False, markup=False)
    console.print(f"load test: {plan.users} users for {plan.duration_s:g} s on {', '.join(paths)}", highlight=False)
    with stops_reported(lambda: "the load test was stopped, no report was written"), sigterm_raises():
        result = run_load_test(plan)
    report = write_load_report(result, out)
    if result.error or result.total is None:
        raise fail(f"load test failed: {result.error or 'no statistics'} (report: {report})", code=1)
    total = result.total
    console.print(f"{total.requests} requests, {total.rps:.1f} req/s, p95 {total.p95_ms or 0:.0f} ms, "
                  f"errors {total.error_ratio:.1%}", highlight=False)
    gates = load_gate_results(total, max_error_ratio=max_error_ratio, max_p95_ms=max_p95)
    for gate in gates:
        console.print(gate.line(), highlight=False)
    console.print(f"report: {report}", highlight=False, soft_wrap=True)
    if gate_failed(gates):
        raise typer.Exit(EXIT_GATE)
