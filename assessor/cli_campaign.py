"""`assessor campaign run|status|list|rescore|report|validate` and `assessor history PORTAL_ID`."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, TypeVar

import typer
from rich.console import Group
from rich.live import Live
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text as RichText

from assessor.campaign import (
    CampaignOptions,
    CampaignProgress,
    CollectedOtherwise,
    SnapshotsMissing,
    default_concurrency,
    rescore_campaign,
    rescore_changed_reviews,
    run_campaign,
)
from assessor.campaign_lock import CampaignBusy, campaign_held, holder_of
from assessor.cli_inputs import (
    BrowserOption,
    LangOption,
    NoProgressOption,
    OwnLangOption,
    UserAgentOption,
    out_folder_or_exit,
    rubric_or_exit,
    user_agent_or_exit,
)
from assessor.console import console, error_console, fail, live_progress_wanted
from assessor.criteria import Rubric
from assessor.model import Review
from assessor.portals import PortalList, PortalsError, load_portals
from assessor.report.campaign_report import other_rubric, write_campaign_report
from assessor.report.numbers import cut_points, points_text
from assessor.reviews import CampaignReviews, ReviewError, load_reviews, reviews_for_portal
from assessor.stopping import stopped_by_sigterm_too, stops_reported
from assessor.store import CampaignRow, ResultRow, Store, StoreError, open_store

Rescored = TypeVar("Rescored")

campaign_app = typer.Typer(help="Assess a list of portals, store the results, rank them.", no_args_is_help=True)

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLite file or postgresql://user@host/db (default reports/assessor.sqlite3).",
                  envvar="ASSESSOR_DB"),
]
CriteriaOption = Annotated[Path | None, typer.Option("--criteria", help="Criteria YAML file (default: bundled).")]
ReviewsOption = Annotated[
    Path | None, typer.Option("--reviews", help="Reviewers' scores: a YAML/CSV file or a folder of them.")
]
# For commands on a stored campaign, whose own criteria and reviews are the default.
OwnCriteriaOption = Annotated[Path | None, typer.Option("--criteria", help="Criteria YAML file (default: the campaign's own).")]
OwnReviewsOption = Annotated[
    Path | None, typer.Option("--reviews", help="Reviewers' scores, a YAML/CSV file or a folder (default: the campaign's own).")
]



def store_or_exit(db: str | None, create: bool = False) -> Store:
    """The results store; only `campaign run` makes a new one."""
    try:
        return open_store(db, create=create)
    except StoreError as exc:
        raise fail(str(exc)) from None


@contextmanager
def campaign_held_or_exit(store: Store, name: str) -> Iterator[None]:
    """Work on the campaign alone (assessor.campaign_lock), or say who else does."""
    try:
        with campaign_held(store, name):
            yield
    except CampaignBusy as exc:
        raise fail(str(exc)) from None


def campaign_or_exit(store: Store, name: str, purpose: str = "") -> CampaignRow:
    campaign = store.campaign(name)
    if campaign is None:
        known = ", ".join(row.name for row in store.campaigns()) or "none yet"
        raise fail(f"no campaign named {name!r}{purpose} (campaigns: {known})")
    return campaign


def secrets_missing(portals: PortalList) -> list[str]:
    """The portals whose login recipes name environment variables that are not set here."""
    return [
        f"portal {entry.id}: its login recipe needs environment variable(s) {', '.join(missing)}"
        for entry in portals.portals
        if entry.login is not None and (missing := entry.login_recipe().missing_env())
    ]


def logins_ready_or_exit(portals: PortalList) -> None:
    """Every login recipe finds its secrets in the environment. Otherwise those portals would be
    assessed without logging in, which their reports would show only once the campaign is over."""
    if problems := secrets_missing(portals):
        raise fail("; ".join(problems))


def portals_or_exit(path: Path) -> PortalList:
    try:
        return load_portals(path)
    except PortalsError as exc:
        for problem in exc.problems[:-1]:
            error_console.print(f"[bold red]error:[/] {escape(problem)}", highlight=False, markup=True)
        raise fail(exc.problems[-1]) from None


def campaign_reviews_or_exit(path: Path | str | None, rubric: Rubric, portals: Collection[str]) -> CampaignReviews:
    if path is None:
        return {}
    try:
        return load_reviews(path, rubric, portals)
    except ReviewError as exc:
        raise fail(str(exc)) from None


def campaign_portal_ids(store: Store, campaign: CampaignRow, held: Collection[str] | None = None) -> list[str]:
    """A campaign's portals: those its list names, then those it holds results for (`held`, read
    from the store when not given) that the list no longer names, which its report holds too."""
    held = {row.portal_id for row in store.results(campaign)} if held is None else set(held)
    listed = campaign.portal_ids
    if listed is None:  # stored before campaigns kept their portals: their list, if it is still there
        try:
            listed = [entry.id for entry in load_portals(campaign.portals_file).portals]
        except PortalsError:
            listed = []  # the list has moved or changed since: the stored results still say which portals
    return listed + sorted(held - set(listed))


def campaign_name_or_exit(name: str) -> str:
    """A new campaign's name is also its folder under --out: one folder, inside --out."""
    if not name.strip() or name in (".", "..") or name.startswith(".") or any(
        char in name for char in '/\\') or not name.isprintable() or len(name) > 100:
        raise fail(f"--name {name!r}: a campaign's name is also its folder under --out, so it must be one "
                   "folder name: not empty, no '/' or '\\', no leading dot, at most 100 characters "
                   "(for example dot-1-2026)")
    return name


# What decides a portal's results, as CampaignOptions field -> (the run command's parameter, its
# option): a resumed campaign assesses its remaining portals as it assessed the first ones.
RESULT_OPTIONS = {
    "max_pages": ("max_pages", "--max-pages"),
    "max_depth": ("max_depth", "--max-depth"),
    "time_budget_s": ("time_budget", "--time-budget"),
    "page_timeout_s": ("page_timeout", "--page-timeout"),
    "per_host_concurrency": ("per_host", "--per-host"),
    "lang": ("lang", "--lang"),
    "user_agent": ("user_agent", "--user-agent"),
}


def given_options(ctx: typer.Context) -> set[str]:
    """The command's parameters the user gave, on the command line or through the environment.
    By name: Typer bundles its own copy of Click, whose ParameterSource is not click's."""
    return {name for name in ctx.params
            if getattr(ctx.get_parameter_source(name), "name", None) in ("COMMANDLINE", "ENVIRONMENT")}


def campaign_to_resume(db: str | None, name: str) -> CampaignRow:
    """The stored campaign that `--resume` continues. One that is not there is an error: a
    mistyped name would otherwise start a new campaign and assess every portal again."""
    with store_or_exit(db) as store:
        return campaign_or_exit(store, name, " to resume")


def _shown(value: object) -> str:
    if value is None:
        return "(its default)"
    return f"{value:g}" if isinstance(value, float) else str(value)


def continued_settings_or_exit(
    campaign: CampaignRow, asked: CampaignOptions, criteria: Path | None, out: Path, given: set[str]
) -> tuple[CampaignOptions, str | None, Path]:
    """The options, criteria file and --out folder the campaign started with. Mixing settings
    within one campaign would rank portals assessed differently, so a value given again must agree;
    how many portals run at once, and the time a portal may take in all, may change."""
    # How many portals run at once, and how long one may run before it is stopped, decide no score.
    anew = {"concurrency": asked.concurrency,
            **({"portal_timeout_s": asked.portal_timeout_s} if "portal_timeout" in given else {})}
    kept = CampaignOptions.model_validate({**campaign.options, **anew})
    differs = {field: f"{flag} {_shown(getattr(kept, field))}" for field, (param, flag) in RESULT_OPTIONS.items()
               if param in given and getattr(asked, field) != getattr(kept, field)}
    # What a rescore may have changed since the start is what the campaign is scored with now.
    scored = [differs.pop("lang")] if "lang" in differs else []
    started = list(differs.values())
    if "criteria" in given and (criteria is None or str(criteria.resolve()) != campaign.criteria_file):
        scored.append(f"--criteria {campaign.criteria_file or '(the bundled rubric)'}")
    if "reviews" in given and asked.reviews_file != kept.reviews_file:
        scored.append(f"--reviews {kept.reviews_file or '(none)'}")
    started_out = Path(campaign.out_dir).parent
    if "out" in given and str((out / campaign.name).resolve()) != campaign.out_dir:
        started.append(f"--out {started_out}")
    if started or scored:
        said = " and ".join(filter(None, [f"was started with {', '.join(started)}" if started else "",
                                          f"is scored with {', '.join(scored)}" if scored else ""]))
        raise fail(f"campaign {campaign.name!r} {said}: --resume assesses its remaining portals as it did the first "
                   "ones, so give the same values or leave them out (or start a new campaign with another --name)")
    return kept, campaign.criteria_file, started_out


def rubric_unchanged_or_exit(campaign: CampaignRow, rubric: Rubric, scored_with: str | None) -> None:
    """The campaign's portals were scored with the rubric's text as it was then: one edited since
    would rank the portals still to come on another rubric. (A campaign stored before the
    fingerprint was kept has none to compare: its resume keeps one from then on.)"""
    if scored_with is None or scored_with == rubric.fingerprint:
        return
    what = campaign.criteria_file or "the bundled rubric (another assessor version)"
    raise fail(f"{what} has changed since campaign {campaign.name!r} was scored with it: run `assessor campaign "
               f"rescore {campaign.name}` first (its finished portals are scored again from their snapshots, no "
               "crawl), then --resume; or put the file back as it was")


def note_another_list(store: Store, campaign: CampaignRow, portals_file: Path, portals: PortalList) -> None:
    """A campaign resumed from another list goes on with that list's portals; say so, and which
    portals it assessed before stay in it though the list no longer names them."""
    if str(portals_file.resolve()) == campaign.portals_file:
        return
    # soft_wrap: the paths stay whole, however narrow the terminal.
    error_console.print(f"note: campaign {campaign.name!r} was started from {campaign.portals_file}; "
                        f"it goes on with the portals of {portals_file.resolve()}", highlight=False, soft_wrap=True)
    listed = {entry.id for entry in portals.portals}
    left_out = sorted(row.portal_id for row in store.results(campaign) if row.portal_id not in listed)
    if left_out:
        error_console.print(f"note: {len(left_out)} portal{'s' if len(left_out) > 1 else ''} assessed before and "
                            f"not in this list {'stay' if len(left_out) > 1 else 'stays'} in the campaign: "
                            f"{', '.join(left_out)}", highlight=False, soft_wrap=True)


def note_rescored_reviews(portal_ids: list[str], reviews_file: str | None) -> None:
    if not portal_ids:
        return
    one = len(portal_ids) == 1
    console.print(f"reviews changed in {reviews_file or '(no reviews file)'} since {len(portal_ids)} finished "
                  f"{'portal was' if one else 'portals were'} scored: {', '.join(portal_ids)} scored again from "
                  f"{'its snapshot' if one else 'their snapshots'}, no crawl", highlight=False, soft_wrap=True)


def rescored_or_exit(rescore: Callable[[], Rescored]) -> Rescored:
    try:
        return rescore()
    except (SnapshotsMissing, CollectedOtherwise) as exc:
        raise fail(str(exc)) from None


def campaign_lang(campaign: CampaignRow, lang: str | None) -> str:
    """The language asked for, or the one the campaign's portal reports are written in."""
    return lang if lang is not None else campaign.options.get("lang", "vi")


class LiveDisplay:
    """Portals done, running, failed and time left, redrawn as the campaign moves."""

    def __init__(self, total: int, concurrency: int) -> None:
        self.concurrency = concurrency
        self.state = CampaignProgress(total=total)
        self.bar = Progress(TextColumn("portals"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        self.task = self.bar.add_task("portals", total=total)

    def update(self, state: CampaignProgress) -> None:
        self.state = state
        self.bar.update(self.task, completed=state.finished)

    def __rich__(self) -> Group:
        state = self.state
        left = state.time_left_s(self.concurrency)
        now = time.monotonic()
        running = ", ".join(f"{pid} ({now - since:.0f} s)" for pid, since in state.running.items()) or "–"
        summary = RichText.assemble(
            ("done ", "bold"), str(state.done), ("  failed ", "bold red" if state.failed else "bold"), str(state.failed),
            ("  resumed ", "bold"), str(state.skipped),
            ("  time left ", "bold"), "–" if left is None else f"~{left:.0f} s",
        )
        return Group(self.bar, summary, RichText(f"running: {running}"))


def say_how_to_stop_if_ctrl_c_is_ignored() -> None:
    """A shell without job control starts background commands with Ctrl-C ignored (`cmd &` in a
    script); the campaign then goes on through it, as any program would. Say so, and how to stop it."""
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        error_console.print(
            f"note: Ctrl-C is ignored in this shell; stop the campaign with `kill {os.getpid()}` "
            "(stored results are kept, continue with --resume)",
            highlight=False,
        )


@campaign_app.command("run")
def campaign_run(
    ctx: typer.Context,
    portals_file: Annotated[Path, typer.Argument(help="portals.yaml: the list of portals to assess.")],
    name: Annotated[str, typer.Option("--name", help="The campaign's name, e.g. 2026-Q4.")],
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", help="Reports go to OUT/NAME/.", envvar="ASSESSOR_OUT")] = Path("reports"),
    resume: Annotated[bool, typer.Option("--resume", help="Continue a stopped campaign; finished portals are kept.")] = False,
    retry_failed: Annotated[bool, typer.Option("--retry-failed", help="With --resume, assess failed and unreachable portals again.")] = False,
    concurrency: Annotated[int, typer.Option("--concurrency", min=1, max=64, help="Portals at once (default: one more than the cores, as memory allows, at most 8).")] = default_concurrency(),
    max_pages: Annotated[int, typer.Option("--max-pages", min=1, max=2000, help="Pages the crawl visits per portal at most (as run --max-pages).")] = 20,
    max_depth: Annotated[int, typer.Option("--max-depth", min=0, max=20, help="Clicks from the start page.")] = 3,
    time_budget: Annotated[float, typer.Option("--time-budget", min=5, help="Crawl seconds per portal.")] = 120,
    page_timeout: Annotated[float, typer.Option("--page-timeout", min=1, help="Seconds per page at most.")] = 20,
    per_host: Annotated[int, typer.Option("--per-host", min=1, max=16, help="Pages open at once per portal.")] = 2,
    portal_timeout: Annotated[
        float | None, typer.Option("--portal-timeout", min=10, help="Seconds per portal in all (default 2 x budget + 60).")
    ] = None,
    criteria: CriteriaOption = None,
    reviews: ReviewsOption = None,
    lang: LangOption = "vi",
    user_agent: UserAgentOption = None,
    browser: BrowserOption = None,
    no_progress: NoProgressOption = False,
) -> None:
    """Assess every portal of the list; results are stored as each portal finishes.

    With --resume it keeps the settings it started with; one given again with another value is refused."""
    portals = portals_or_exit(portals_file)
    logins_ready_or_exit(portals)
    options = CampaignOptions(
        concurrency=concurrency,
        max_pages=max_pages,
        max_depth=max_depth,
        time_budget_s=time_budget,
        page_timeout_s=page_timeout,
        per_host_concurrency=per_host,
        portal_timeout_s=portal_timeout,
        lang=lang,
        reviews_file=str(reviews.resolve()) if reviews else None,
        user_agent=user_agent_or_exit(user_agent),
    )
    if retry_failed and not resume:
        raise fail("--retry-failed assesses a stopped campaign's failed portals again: add --resume")
    earlier = campaign_to_resume(db, name) if resume else None
    criteria_file: str | None = str(criteria.resolve()) if criteria else None
    if earlier is None:
        campaign_name_or_exit(name)  # a new campaign's name becomes its folder
    else:
        options, criteria_file, out = continued_settings_or_exit(earlier, options, criteria, out, given_options(ctx))
    rubric = rubric_or_exit(criteria_file)
    if earlier is None:
        options.rubric_fingerprint = rubric.fingerprint
    else:
        rubric_unchanged_or_exit(earlier, rubric, options.rubric_fingerprint)
    from assessor.cli import browser_or_exit  # the main app registers this module: import at call time

    options.browser_path = browser_or_exit(browser, must_start=True)
    out_folder_or_exit(out)
    with store_or_exit(db, create=True) as store, campaign_held_or_exit(store, name):
        campaign = store.campaign(name)
        if campaign is not None and not resume:
            raise fail(f"campaign {name!r} already exists: add --resume to continue it, or pick another --name")
        # Those of the list, and those a resumed campaign holds results for that it no longer lists:
        # they stay in the campaign (and its ranking), so their reviews are no error.
        held = [row.portal_id for row in store.results(campaign)] if campaign is not None else []
        campaign_reviews = campaign_reviews_or_exit(options.reviews_file, rubric,
                                                    [entry.id for entry in portals.portals] + held)
        if campaign is None:
            campaign = store.create_campaign(
                name,
                str(portals_file.resolve()),
                str((out / name).resolve()),
                criteria_file,
                options.model_dump(exclude={"browser_path"}),
                [entry.id for entry in portals.portals],
            )
        else:
            note_another_list(store, campaign, portals_file, portals)
            # Also when the same list has changed: `status` shows what the campaign now goes on with.
            store.follow_list(campaign, str(portals_file.resolve()), [entry.id for entry in portals.portals])
            if options.rubric_fingerprint is None:  # stored before rubrics were fingerprinted: from now on
                store.scored_with(campaign, campaign.criteria_file, rubric.fingerprint, options.reviews_file)
            note_rescored_reviews(rescored_or_exit(lambda: rescore_changed_reviews(
                store, campaign, rubric, campaign_reviews, options.lang)), options.reviews_file)
        display = LiveDisplay(len(portals.portals), concurrency)
        live = live_progress_wanted(no_progress)
        say_how_to_stop_if_ctrl_c_is_ignored()

        def kept() -> str:
            return f"{len(store.results(campaign))} portal result(s) are stored; continue with --resume"

        shown = Live(display, console=error_console, refresh_per_second=4, transient=True) if live else nullcontext()
        with stops_reported(kept), shown:
            state = asyncio.run(stopped_by_sigterm_too(
                run_campaign(store, campaign, portals, options, campaign_reviews, retry_failed, display.update, rubric)
            ))
        paths = write_campaign_report(store, campaign, options.lang)
        console.print(
            f"campaign {name}: {state.done} assessed, {state.failed} failed, {state.skipped} kept from before",
            highlight=False,
        )
        console.print(f"report: {paths['html']}", highlight=False, soft_wrap=True)
        failed = [row.portal_id for row in store.results(campaign) if row.outcome == "failed"]
    if failed:  # the report holds the rest, but a script must not take the campaign for complete
        raise fail(failed_portals_said(name, failed), code=1)


def failed_portals_said(name: str, failed: list[str]) -> str:
    named = ", ".join(failed[:10]) + (", ..." if len(failed) > 10 else "")
    several = len(failed) > 1
    return (f"{len(failed)} portal{'s' if several else ''} failed ({named}): `campaign status {name}` says why; "
            f"run the campaign again with --resume --retry-failed to assess {'them' if several else 'it'} again")


@campaign_app.command("status")
def campaign_status(name: Annotated[str, typer.Argument(help="Campaign name.")], db: DbOption = None) -> None:
    """Where a campaign stands: portals done, failed and still to do."""
    with store_or_exit(db) as store:
        campaign = campaign_or_exit(store, name)
        standing = Standing.of(store, campaign)
        table = Table(title=f"campaign {name}", title_justify="left")
        for column in ("portal", "outcome", "score", "grade", "error"):
            table.add_column(column)
        for portal_id in standing.expected:
            row = standing.results.get(portal_id)
            if row is None:
                table.add_row(portal_id, "pending", "", "", "")
            else:
                score = points_text(row.score) if row.score is not None and row.grade else ""
                table.add_row(portal_id, row.status or row.outcome, score, row.grade or "", row.error or "")
        console.print(table)
        console.print(standing.summary, highlight=False)


@campaign_app.command("list")
def campaign_list(db: DbOption = None) -> None:
    """Every campaign in the store, oldest first: when it started, where it stands, its report."""
    with store_or_exit(db) as store:
        campaigns = store.campaigns()
        if not campaigns:
            console.print("no campaigns yet: start one with `assessor campaign run portals.yaml --name NAME`",
                          highlight=False)
        for campaign in campaigns:
            report = Path(campaign.out_dir) / "index.html"
            # One line each, whole however narrow the terminal: for the eye and for grep.
            console.print(f"{campaign.name}  started {campaign.created_at:%Y-%m-%d %H:%M %Z}  "
                          f"{Standing.of(store, campaign).summary}; "
                          + (f"report: {report}" if report.is_file() else "no report yet"),
                          highlight=False, soft_wrap=True)


@dataclass
class Standing:
    """Where a campaign stands: the portals it expects (`campaign_portal_ids`), their results, and
    what it is doing."""

    expected: list[str]
    results: dict[str, ResultRow]
    done: int
    failed: int
    state: str

    @classmethod
    def of(cls, store: Store, campaign: CampaignRow) -> Standing:
        results = {row.portal_id: row for row in store.results(campaign)}
        expected = campaign_portal_ids(store, campaign, results)
        outcomes = [results[portal_id].outcome for portal_id in expected if portal_id in results]
        done, failed = outcomes.count("done"), outcomes.count("failed")
        holder = holder_of(store, campaign.name)
        if holder:
            state = f"running now ({holder})"
        else:
            state = "finished" if campaign.finished_at and done + failed == len(expected) else "not finished"
        return cls(expected, results, done, failed, state)

    @property
    def summary(self) -> str:
        pending = len(self.expected) - self.done - self.failed
        return f"{self.done} done, {self.failed} failed, {pending} pending of {len(self.expected)}; {self.state}"


@campaign_app.command("rescore")
def campaign_rescore(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    criteria: OwnCriteriaOption = None,
    reviews: OwnReviewsOption = None,
    db: DbOption = None,
    lang: OwnLangOption = None,
) -> None:
    """Recompute every score from the stored snapshots (another rubric, new reviews); no crawl.

    Without --criteria, --reviews or --lang, the campaign's own are used; those given become its own."""
    with store_or_exit(db) as store:
        campaign = campaign_or_exit(store, name)
        lang = campaign_lang(campaign, lang)
        criteria_file = str(criteria.resolve()) if criteria else campaign.criteria_file
        reviews_file = str(reviews.resolve()) if reviews else campaign.options.get("reviews_file")
        if criteria is None and criteria_file is not None and not Path(criteria_file).exists():
            raise fail(f"campaign {name!r} was scored with {criteria_file}, which is gone: give the rubric with "
                       "--criteria FILE")
        rubric = rubric_or_exit(criteria_file)
        if criteria is None and campaign.options.get("rubric_fingerprint") not in (None, rubric.fingerprint):
            error_console.print(f"note: {criteria_file or 'the bundled rubric'} has changed since the campaign was "
                                "scored with it: rescored with it as it now is", highlight=False, soft_wrap=True)
        campaign_reviews = campaign_reviews_or_exit(reviews_file, rubric, campaign_portal_ids(store, campaign))
        with campaign_held_or_exit(store, name):  # not in the middle of a run: two rubrics in one ranking
            rescored = rescored_or_exit(lambda: rescore_campaign(store, campaign, rubric, campaign_reviews, lang=lang))
            # A later --resume or rescore scores as this one did, not as the campaign started.
            store.scored_with(campaign, criteria_file, rubric.fingerprint, reviews_file, lang=lang)
            paths = write_campaign_report(store, campaign, lang)
        console.print(f"campaign {name}: {len(rescored)} portals rescored with {rubric.id} {rubric.version}, "
                      f"reviews: {reviews_file or 'none'}", highlight=False, soft_wrap=True)
        console.print(f"report: {paths['html']}", highlight=False, soft_wrap=True)


@campaign_app.command("report")
def campaign_report(name: Annotated[str, typer.Argument(help="Campaign name.")], db: DbOption = None,
                    lang: OwnLangOption = None) -> None:
    """Write the campaign report (index.html) and the CSV and Excel exports again.

    --lang sets their language; each portal's own report keeps its language (`campaign rescore NAME
    --lang en` writes those again, from the snapshots)."""
    with store_or_exit(db) as store:
        campaign = campaign_or_exit(store, name)
        paths = write_campaign_report(store, campaign, campaign_lang(campaign, lang))
    for path in paths.values():
        console.print(str(path), highlight=False, soft_wrap=True)


@campaign_app.command("validate")
def campaign_validate(portals_file: Annotated[Path, typer.Argument(help="portals.yaml")]) -> None:
    """Check a portal list: fields, kinds, URLs, duplicate ids."""
    portals = portals_or_exit(portals_file)
    count = len(portals.portals)
    console.print(f"{portals_file}: ok ({count} portal{'' if count == 1 else 's'})", highlight=False)
    # Not an error: the secrets may be set where the campaign runs, but `campaign run` needs them.
    for missing in secrets_missing(portals):
        console.print(f"note: {missing}, not set here: campaign run refuses to start without them",
                      highlight=False)


def history(
    portal_id: Annotated[str, typer.Argument(help="The portal's id in portals.yaml.")],
    db: DbOption = None,
) -> None:
    """A portal's score and grade across campaigns, as a table and a bar chart."""
    with store_or_exit(db) as store:
        rows = list(store.history(portal_id))
    if not rows:
        raise fail(f"no results for portal {portal_id!r} in any campaign")
    table = Table(title=f"history of {portal_id}", title_justify="left")
    for column in ("campaign", "date", "rubric", "score", "grade", "change", ""):
        table.add_column(column, no_wrap=column == "rubric")
    previous: tuple[CampaignRow, ResultRow] | None = None
    across_rubrics = False
    for campaign, result in rows:
        graded = result.grade is not None and result.score is not None
        now = result.assessment
        change = ""
        if graded and previous is not None:
            # The change between the scores as shown, so that the column adds up for its reader.
            change = f"{cut_points(result.score) - cut_points(previous[1].score):+.2f}"
            if now is not None and previous[1].assessment is not None and other_rubric(
                    now, campaign, previous[1].assessment, previous[0]):
                change += " ⚠"
                across_rubrics = True
        table.add_row(
            campaign.name,
            campaign.created_at.strftime("%Y-%m-%d"),
            f"{now.criteria.id} {now.criteria.version}" if now is not None else "",
            points_text(result.score) if graded else (result.status or result.outcome),
            result.grade or "–",
            change,
            "█" * round(result.score / 4) if graded else "",  # 25 at most: whole on an 80-column terminal
        )
        previous = (campaign, result) if graded else previous
    console.print(table)
    if across_rubrics:
        console.print("⚠ scored with another rubric than the campaign before: the change may be the rubric's",
                      highlight=False)


def reviews_or_exit(path: Path, rubric: Rubric, portal_id: str) -> dict[str, Review]:
    """One portal's reviews for `assessor run --reviews FILE`."""
    try:
        return reviews_for_portal(path, rubric, portal_id)
    except ReviewError as exc:
        raise fail(str(exc)) from None
