"""Logging in with the portal's login recipe, then crawling the pages behind the login.

Runs before the function gatherer so that logged-in pages (dossier list, submission form) are in
the snapshot when the functions are judged. Credentials come from environment variables at this
moment only; everything recorded afterwards is scrubbed of their values.
"""

from __future__ import annotations

from urllib.parse import urljoin

from playwright.async_api import BrowserContext, Page
from playwright.async_api import Error as PlaywrightError

from assessor.artifacts.function import FunctionFacts, LoginOutcome
from assessor.artifacts.page import PageArtifact
from assessor.checks.common import route_path
from assessor.collect.browser import open_page
from assessor.collect.context import CollectContext
from assessor.collect.crawl import normalise, same_site, worth_visiting
from assessor.collect.functions import SHOTS, portal_closed
from assessor.collect.gatherers import STAGE_INDEPENDENT, portal_gatherer
from assessor.collect.page_visit import Tab, first_line
from assessor.collect.timings import INIT_SCRIPT
from assessor.login_recipe import LoginRecipe, LoginStep, RecipeError, resolve_value, scrub
from assessor.snapshot import Snapshot

# Pages visited behind the login at most: the landing page, the recipe's check_urls, what they link to.
MAX_LOGGED_IN_PAGES = 6


async def run_step(page: Page, step: LoginStep, base_url: str, timeout_ms: float) -> None:
    if step.goto is not None:
        await page.goto(urljoin(base_url, step.goto), wait_until="load", timeout=timeout_ms)
    elif step.fill is not None:
        await page.locator(step.fill).first.fill(resolve_value(step.value or ""), timeout=timeout_ms)
    elif step.click is not None:
        await page.locator(step.click).first.click(timeout=timeout_ms)
        try:
            await page.wait_for_load_state("load", timeout=timeout_ms)
        except PlaywrightError:
            pass
    elif step.wait_for is not None:
        await page.locator(step.wait_for).first.wait_for(state="visible", timeout=timeout_ms)


async def log_in(context: BrowserContext, recipe: LoginRecipe, start_url: str, ctx: CollectContext) -> LoginOutcome:
    """Run the steps, then prove the login by the recipe's marker. Never raises for a bad login."""
    outcome = LoginOutcome(recipe=recipe.name, attempted=True, marker=recipe.logged_in_marker)
    secrets = recipe.secrets()
    timeout_ms = recipe.timeout_s * 1000
    page = await open_page(context)
    try:
        for step in recipe.steps:
            await run_step(page, step, start_url, timeout_ms)
            outcome.steps_done += 1
        await page.locator(recipe.logged_in_marker).first.wait_for(state="visible", timeout=timeout_ms)
        outcome.logged_in = True
        outcome.landing_url = scrub(page.url, secrets)
    except (PlaywrightError, RecipeError) as exc:
        if outcome.steps_done < len(recipe.steps):
            said = f"step {outcome.steps_done + 1} ({recipe.steps[outcome.steps_done].action}): {first_line(str(exc))}"
        else:  # every step ran: the page did not show it was logged in
            said = (f"every step ran, but the logged-in marker {recipe.logged_in_marker} did not appear within "
                    f"{recipe.timeout_s:g} s: a wrong user name or password, or a recipe the page no longer fits")
        outcome.error = scrub(said, secrets)
    try:
        path = SHOTS / "login.jpg"
        (ctx.folder / SHOTS).mkdir(parents=True, exist_ok=True)
        # Fields are cleared first: a screenshot must never show a typed secret, even masked.
        await page.evaluate("() => document.querySelectorAll('input').forEach((i) => { i.value = ''; })")
        await page.screenshot(path=ctx.folder / path, type="jpeg", quality=60, timeout=5000)
        outcome.screenshot = str(path)
    except PlaywrightError:
        pass
    await page.close()
    return outcome


def scrub_page(artifact: PageArtifact, secrets: list[str]) -> None:
    """Nothing the browser recorded may carry a credential (an echoed field, a GET form's URL)."""
    if not secrets:
        return
    artifact.html = scrub(artifact.html, secrets)
    artifact.title = scrub(artifact.title, secrets)
    artifact.url, artifact.final_url = scrub(artifact.url, secrets), scrub(artifact.final_url, secrets)
    for request in artifact.requests:
        request.url = scrub(request.url, secrets)
    for message in artifact.console:
        message.text = scrub(message.text, secrets)
    artifact.page_errors = [scrub(error, secrets) for error in artifact.page_errors]
    for link in artifact.links:
        link.url = scrub(link.url, secrets)


def first_segment(url: str) -> str:
    """'/ca-nhan/ho-so' (or the route '/#/ca-nhan/ho-so') -> 'ca-nhan': the section of the site a
    page belongs to."""
    return route_path(url).strip("/").split("/", 1)[0]


async def crawl_logged_in(snapshot: Snapshot, ctx: CollectContext, context: BrowserContext, recipe: LoginRecipe,
                          outcome: LoginOutcome) -> None:
    """Visit the landing page, the recipe's check_urls and what they link to that an anonymous
    visitor could not see, recording them like crawled pages (marked logged_in)."""
    origin = snapshot.home.final_url if snapshot.home else snapshot.start_url
    seen_anonymously = {normalise(page.final_url) for page in snapshot.pages}
    queue = [outcome.landing_url] + [urljoin(origin, url) for url in recipe.check_urls]
    visited: set[str] = set()
    secrets = recipe.secrets()
    private_sections = {first_segment(url) for url in queue} - {""}
    tab = Tab(context)  # one page after another, in one tab
    try:
        while queue and len(visited) < MAX_LOGGED_IN_PAGES and ctx.time_left() > 0:
            url = queue.pop(0)
            if normalise(url) in visited:
                continue
            visited.add(normalise(url))
            index = len(snapshot.pages)
            artifact = await tab.visit(url, ctx, index, depth=1, found_on=outcome.landing_url, link_text="")
            artifact.logged_in = True
            scrub_page(artifact, secrets)
            snapshot.pages.append(artifact)
            outcome.page_indexes.append(index)
            private, public = [], []
            for link in artifact.links:
                target = normalise(link.url)
                if not same_site(link.url, origin) or not worth_visiting(link.url) or target in visited:
                    continue
                if first_segment(link.url) in private_sections:
                    private.append(link.url)  # seen anonymously only as a login prompt, if at all
                elif target not in seen_anonymously and route_path(link.url) not in ("", "/"):
                    public.append(link.url)
            # The private area (the landing page's and check_urls' sections) before the menus.
            queue[:0] = private
            queue.extend(public)
    finally:
        await tab.close()


@portal_gatherer("login", stage=STAGE_INDEPENDENT)
async def gather_login(snapshot: Snapshot, ctx: CollectContext) -> None:
    recipe = ctx.settings.login_recipe
    if recipe is None or portal_closed(snapshot):
        return
    facts = snapshot.functions or FunctionFacts()
    snapshot.functions = facts
    context = await ctx.session.new_context(ignore_https_errors=snapshot.certificate_error is not None)
    await context.add_init_script(INIT_SCRIPT)
    try:
        facts.login = await log_in(context, recipe, snapshot.home.final_url if snapshot.home else snapshot.start_url, ctx)
        if facts.login.logged_in:
            await crawl_logged_in(snapshot, ctx, context, recipe, facts.login)
    finally:
        await context.close()
