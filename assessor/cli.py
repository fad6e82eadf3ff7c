"""The command line: `assessor run URL`, `assessor demo`, `assessor doctor`, ...

Exit codes: 0 success; 1 a gate failed (--fail-under); 2 usage or set-up error; 3 portal unreachable;
130 stopped by Ctrl-C; 143 stopped by SIGTERM.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from assessor import __version__
from assessor.assess import RunOptions, assess_portal, portal_from_url
from assessor.cli_campaign import campaign_app, history, reviews_or_exit
from assessor.cli_inputs import (
    BrowserOption,
    LangOption,
    NoProgressOption,
    UserAgentOption,
    ca_bundle_or_exit,
    out_folder_or_exit,
    rubric_or_exit,
    url_or_exit,
    user_agent_or_exit,
)
from assessor.collect.browser import BrowserNotFound, BrowserStartError, find_browser, started_version
from assessor.console import (
    EXIT_GATE,
    EXIT_UNREACHABLE,
    console,
    fail,
    live_progress_wanted,
    progress_line,
)
from assessor.criteria import CriteriaError, load_rubric
from assessor.gates import GateError, evaluate, gate_failed, parse_gates
from assessor.login_recipe import LoginRecipe, RecipeError, load_recipe
from assessor.model import Assessment, PortalRef
from assessor.perf.cli import (
    AllowLoadTestOption,
    LoadDurationOption,
    LoadUsersOption,
    apply_load_overrides,
    load_command,
)
from assessor.portals import PORTAL_ID_PATTERN
from assessor.report.plain import plain_summary
from assessor.report.render import FORMATS
from assessor.snapshot import CollectSettings
from assessor.stopping import sigterm_raises, stopped_by_sigterm_too, stops_reported

if TYPE_CHECKING:
    from collections.abc import Callable

app = typer.Typer(
    help="Assess Vietnam's online public-service portals against Decision 473/QĐ-BTTTT 2024.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
criteria_app = typer.Typer(help="Inspect and validate criteria (rubric) files.", no_args_is_help=True)
sample_app = typer.Typer(help="The bundled sample portal, for demos and tests.", no_args_is_help=True)
app.add_typer(criteria_app, name="criteria")
app.add_typer(sample_app, name="sample-portal")
app.add_typer(campaign_app, name="campaign")
app.command("load")(load_command)
app.command("history")(history)

CriteriaOption = Annotated[
    Path | None, typer.Option("--criteria", help="Criteria YAML file (default: the bundled Decision 473/2024 rubric).")
]
OutOption = Annotated[Path, typer.Option("--out", help="Folder for reports and snapshots.", envvar="ASSESSOR_OUT")]
FormatOption = Annotated[str, typer.Option("--format", help="Comma-separated outputs: " + ", ".join(FORMATS))]
ResolveOption = Annotated[
    list[str] | None,
    typer.Option("--resolve", help="HOST=IP:PORT, like curl's --resolve: send HOST's traffic there (repeatable)."),
]
CaBundleOption = Annotated[
    Path | None, typer.Option("--ca-bundle", help="Extra certificate authority (PEM) to trust, e.g. a staging CA.")
]


def version_callback(value: bool) -> None:
    if value:
        console.print(f"assessor {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True,
                                                  help="Print assessor's version and exit.")] = False,
) -> None:
    """assessor: automated quality assessment of public-service portals."""


HOST_NAME = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?")


def is_ip_address(text: str) -> bool:
    """An IPv4 address, or an IPv6 one in brackets (as in a URL)."""
    bracketed = text.startswith("[") and text.endswith("]")
    try:
        address = ipaddress.ip_address(text[1:-1] if bracketed else text)
    except ValueError:
        return False
    return bracketed == (address.version == 6)


def parse_resolve(entries: list[str] | None) -> dict[str, str]:
    """HOST=IP:PORT entries. Each becomes a rule of Chromium's resolver (`MAP HOST IP:PORT`), so
    nothing but a host name and an address may pass: a comma would add rules of its own."""
    resolve: dict[str, str] = {}
    for entry in entries or []:
        host, sep, target = (part.strip() for part in entry.partition("="))
        address, colon, port = target.rpartition(":")
        if not (sep and HOST_NAME.fullmatch(host) and colon and is_ip_address(address)
                and port.isdigit() and 0 < int(port) < 65536):
            raise fail(f"--resolve expects HOST=IP:PORT (a host name, an IP address, a port from 1 to 65535), "
                       f"got '{entry}'")
        resolve[host.lower()] = target
    return resolve


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [name for name in formats if name not in FORMATS]
    if unknown or not formats:
        raise fail(f"unknown --format {', '.join(unknown) or value!r}; choose from {', '.join(FORMATS)}")
    return formats


def recipe_or_exit(path: Path) -> LoginRecipe:
    try:
        recipe = load_recipe(path)
        missing = recipe.missing_env()
    except RecipeError as exc:
        raise fail(str(exc)) from None
    if missing:
        raise fail(f"--login-recipe needs environment variable(s) {', '.join(missing)}")
    return recipe


def browser_or_exit(explicit: str | None, *, must_start: bool = False) -> str:
    """The browser's path; with `must_start`, once it has been seen to start (a campaign checks it
    before its first portal, or every portal would fail alike)."""
    try:
        path = find_browser(explicit).path
        if must_start:
            asyncio.run(started_version(path))
    except (BrowserNotFound, BrowserStartError) as exc:
        raise fail(str(exc)) from None
    return path


def print_summary(assessment: Assessment, options: RunOptions, portal_id: str, gate_lines: list[str]) -> None:
    """The end of a run, live display or not: score, groups, findings, gates, and the files written
    (only those: a report.html was named though --format left it out)."""
    outputs = [str(options.out_dir / portal_id / FORMATS[name][0]) for name in options.formats]
    print(plain_summary(assessment, options.lang, gate_lines, outputs), flush=True)


@app.command()
def run(
    url: Annotated[str, typer.Argument(help="The portal's start URL.")],
    criteria: CriteriaOption = None,
    out: OutOption = Path("reports"),
    format: FormatOption = "json,html",
    fail_under: Annotated[
        str | None, typer.Option("--fail-under", help="Exit 1 below this grade (e.g. C) or score (e.g. 70).")
    ] = None,
    fail_on: Annotated[
        list[str] | None, typer.Option("--fail-on", help="Exit 1 when this criterion fails, is partial or errs; needs_review "
                                                "and not_applicable pass (repeatable).")
    ] = None,
    lang: LangOption = "vi",
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, max=2000, help="Pages the crawl visits at most (the rubric's function pages it missed are opened besides, up to 12).")] = 20,
    max_depth: Annotated[int, typer.Option("--max-depth", min=0, max=20, help="Clicks from the start page.")] = 3,
    time_budget: Annotated[float, typer.Option("--time-budget", min=5, help="Seconds for the crawl at most.")] = 120,
    page_timeout: Annotated[float, typer.Option("--page-timeout", min=1, help="Seconds per page at most.")] = 20,
    name: Annotated[str | None, typer.Option("--name", help="Portal name shown in the report.")] = None,
    portal_id: Annotated[str | None, typer.Option("--id", help="Portal id (folder name under --out).")] = None,
    resolve: ResolveOption = None,
    ca_bundle: CaBundleOption = None,
    http_url: Annotated[
        str | None, typer.Option("--http-url", help="The portal's plain-HTTP address if not port 80 (redirect probe).")
    ] = None,
    reviews: Annotated[
        Path | None, typer.Option("--reviews", help="Reviewers' scores for this portal: a YAML or CSV review file.")
    ] = None,
    allow_load_test: AllowLoadTestOption = False,
    load_users: LoadUsersOption = None,
    load_duration: LoadDurationOption = None,
    login_recipe: Annotated[
        Path | None,
        typer.Option("--login-recipe", help="YAML login steps; credentials as {env:VAR}, read at run time only."),
    ] = None,
    browser: BrowserOption = None,
    user_agent: UserAgentOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Assess one portal and write its report."""
    url_or_exit(url)
    if portal_id is not None and not re.fullmatch(PORTAL_ID_PATTERN, portal_id):
        raise fail(f"--id {portal_id!r}: lowercase letters, digits, '-' and '_' (up to 64), as ids in portals.yaml; "
                   "it names the report's folder under --out")
    rubric = rubric_or_exit(criteria)
    try:
        gates = parse_gates(fail_under, fail_on, rubric)
    except GateError as exc:
        raise fail(str(exc)) from None
    ca_bundle_or_exit(ca_bundle)
    out_folder_or_exit(out)
    settings = CollectSettings(
        max_pages=max_pages,
        max_depth=max_depth,
        time_budget_s=time_budget,
        page_timeout_s=page_timeout,
        resolve=parse_resolve(resolve),
        http_url=url_or_exit(http_url) if http_url else None,
        allow_load_test=allow_load_test,
        login_recipe=recipe_or_exit(login_recipe) if login_recipe else None,
        user_agent=user_agent_or_exit(user_agent),
    )
    apply_load_overrides(rubric, load_users, load_duration)
    options = RunOptions(
        rubric=rubric,
        out_dir=out,
        browser_path=browser_or_exit(browser),
        settings=settings,
        formats=parse_formats(format),
        lang=lang,
        ca_bundle=ca_bundle,
    )
    portal = portal_from_url(url, name=name, portal_id=portal_id)
    if (out / portal.id).exists() and not (out / portal.id).is_dir():
        raise fail(f"the portal's folder {out / portal.id} is a file, not a folder: choose another --id or --out")
    if reviews is not None:
        options.reviews = reviews_or_exit(reviews, rubric, portal.id)
    live = live_progress_wanted(no_progress)
    with progress_line(f"assessing {url}", live) as progress:
        assessment = assess_until_stopped(portal, options, progress)
    gate_results = evaluate(gates, assessment, rubric) if assessment.status != "unreachable" else []
    print_summary(assessment, options, portal.id, [result.line() for result in gate_results])
    if assessment.status == "unreachable":
        raise typer.Exit(EXIT_UNREACHABLE)
    if gate_failed(gate_results):
        raise typer.Exit(EXIT_GATE)


def assess_until_stopped(portal: PortalRef, options: RunOptions, progress: Callable[[str], None]) -> Assessment:
    """Assess one portal; Ctrl-C or SIGTERM stop it (browser and load test taken down) with one line."""
    with stops_reported(lambda: "no report was written"):
        try:
            return asyncio.run(stopped_by_sigterm_too(assess_portal(portal, options, progress)))[0]
        except BrowserStartError as exc:
            raise fail(str(exc)) from None


DEMO_LOAD_USERS = 10
DEMO_LOAD_SECONDS = 10


@app.command()
def demo(
    profile: Annotated[str, typer.Option("--profile", help="Sample portal profile: good, poor, ...")] = "good",
    out: OutOption = Path("reports"),
    lang: LangOption = "vi",
    browser: BrowserOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Start the bundled sample portal, assess it, and print where the report is."""
    from assessor.sample_portal.process import SamplePortalProcess
    from assessor.sample_portal.profile import resolve_profile

    try:
        chosen = resolve_profile(profile)
    except ValueError as exc:
        raise fail(str(exc)) from None
    rubric = rubric_or_exit(None)
    out_folder_or_exit(out)
    # The sample portal is ours and on loopback: the demo may load-test it, briefly.
    apply_load_overrides(rubric, DEMO_LOAD_USERS, DEMO_LOAD_SECONDS)
    # Served from its own process, as a real portal is from another machine (`sample_portal.process`).
    with SamplePortalProcess(chosen) as portal:
        options = RunOptions.for_local_portal(portal, rubric, out, browser_or_exit(browser), allow_load_test=True)
        options.lang = lang
        ref = portal_from_url(portal.url, name="Cổng Dịch vụ công tỉnh Lâm Hà (mẫu)", portal_id=f"sample-{profile}")
        with progress_line(f"assessing the sample portal ({profile})", live_progress_wanted(no_progress)) as progress:
            assessment = assess_until_stopped(ref, options, progress)
    print_summary(assessment, options, ref.id, [])


@app.command()
def doctor(browser: BrowserOption = None) -> None:
    """Show what assessor found on this machine: browser, axe-core, rubric."""
    table = Table(show_header=True, header_style="bold")
    table.add_column("component")
    table.add_column("status")
    problems = 0
    try:
        choice = find_browser(browser)
        version = asyncio.run(started_version(choice.path))
        table.add_row("browser", f"{choice.path} (from {choice.source}); starts: version {version}")
    except (BrowserNotFound, BrowserStartError) as exc:
        # What happened; a browser that would not start without the advice to run doctor.
        table.add_row("browser", Text(exc.what if isinstance(exc, BrowserStartError) else str(exc), style="red"))
        problems += 1
    try:
        from assessor.collect.axe import axe_source_path

        table.add_row("axe-core", str(axe_source_path()))
    except (ImportError, FileNotFoundError) as exc:
        table.add_row("axe-core", Text(f"missing: {exc}", style="red"))
        problems += 1
    try:
        rubric = load_rubric()
        table.add_row("criteria", f"{rubric.id} {rubric.version}: {len(rubric.all_criteria())} criteria")
    except CriteriaError as exc:
        table.add_row("criteria", Text(str(exc), style="red"))
        problems += 1
    table.add_row("python", os.sys.version.split()[0])
    console.print(table)
    if problems:
        raise typer.Exit(2)


@criteria_app.command("validate")
def criteria_validate(file: Annotated[Path, typer.Argument(help="Criteria YAML file.")]) -> None:
    """Check a criteria file: points add up, every check exists, params fit."""
    rubric = rubric_or_exit(file)
    console.print(f"{file}: ok ({rubric.id} {rubric.version}, {len(rubric.all_criteria())} criteria)", highlight=False)


@criteria_app.command("show")
def criteria_show(
    file: Annotated[Path | None, typer.Argument(help="Criteria YAML file (default: bundled).")] = None,
    lang: LangOption = "vi",
) -> None:
    """Print the criteria, their points and how each is judged."""
    rubric = rubric_or_exit(file)
    console.print(f"[bold]{escape(rubric.title.in_(lang))}[/] ({escape(rubric.id)} {escape(rubric.version)})", markup=True)
    console.print("  ".join(f"{band.grade} ≥ {band.min:g}" for band in rubric.grades))
    # Ids whole, however narrow the output (80 columns in a pipe): --fail-on takes them. The check
    # is shown where it is not the criterion's own id.
    id_width = max(len(criterion.id) for criterion in rubric.all_criteria())
    for group in rubric.groups:
        table = Table(title=f"{group.title.in_(lang)} ({group.points:g})", show_lines=False, title_justify="left")
        table.add_column("id", no_wrap=True, min_width=id_width)
        table.add_column("title")
        table.add_column("points", justify="right")
        table.add_column("how", overflow="fold")
        for criterion in group.criteria:
            how = "manual" if criterion.method == "manual" else (criterion.check or "not automated yet")
            table.add_row(criterion.id, criterion.title.in_(lang), f"{criterion.points:g}",
                          "automatic" if how == criterion.id else how)
        console.print(table)


@sample_app.command("serve")
def sample_portal_serve(
    profile: Annotated[str, typer.Option("--profile", help="Named profile: good, poor, ...")] = "good",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="HTTPS port (0: any free port).")] = 8443,
    http_port: Annotated[int, typer.Option("--http-port", min=0, max=65535, help="Plain HTTP port (0: any).")] = 8080,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    set_: Annotated[list[str] | None, typer.Option("--set", help="Override a flag: name=value (repeatable).")] = None,
) -> None:
    """Serve the sample portal until Ctrl-C."""
    from assessor.sample_portal.profile import parse_overrides, resolve_profile
    from assessor.sample_portal.server import serve

    try:
        chosen = resolve_profile(profile, **parse_overrides(set_ or []))
    except ValueError as exc:
        raise fail(str(exc)) from None
    try:
        # SIGTERM as Ctrl-C: the server's certificates go with its temporary folder either way.
        with stops_reported(lambda: "the sample portal is stopped"), sigterm_raises():
            serve(chosen, host, port, http_port)
    except OSError as exc:
        if exc.errno == errno.EADDRNOTAVAIL:
            raise fail(f"cannot listen on {host}: it is not an address of this machine (--host 127.0.0.1 is "
                       "this machine only, --host 0.0.0.0 every address)") from None
        raise fail(f"cannot listen on {host} (HTTPS port {port}, HTTP port {http_port}): {exc.strerror or exc}; "
                   "--port 0 --http-port 0 take free ports") from None
