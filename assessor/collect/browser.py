"""Finding and starting Chromium, hidden behind a small interface.

Discovery order: an explicit path (setting or ASSESSOR_CHROMIUM), Playwright's own browser if
installed, then the system's Chromium: its headless shell first (Debian's chromium-headless-shell),
else the full browser. The headless shell is what Playwright itself runs headless, and the same
Blink: without the full browser's window and its WebUI renderers it starts a page for about a
third of the CPU (0.35 against 0.94 CPU-seconds for a fresh context, page and load of the sample
portal on two cores), which the lab's cold loads pay on every run. Chromium always starts with
background networking, component updates and sync disabled: the tool must only talk to the
portal it assesses.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright
from playwright.async_api import Error as PlaywrightError

from assessor.collect.user_agent import browser_user_agent, client_hints

BROWSER_ENV = "ASSESSOR_CHROMIUM"
SYSTEM_CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Chromium keeps only the last --disable-features it is given, and Playwright passes its own list
# before ours: ours repeats Playwright's (as of 1.65), or its choices (no preconnect to the search
# engine, no network-time queries, no HTTPS upgrades, no paint holding, ...) would be undone.
PLAYWRIGHT_DISABLED_FEATURES = (
    "AvoidUnnecessaryBeforeUnloadCheckSync", "DestroyProfileOnBrowserClose", "HttpsUpgrades",
    "HttpsFirstBalancedModeAutoEnable", "LensOverlay", "MediaRouter", "PaintHolding", "ThirdPartyStoragePartitioning",
    "AvoidCorsURLLoaderRestartOnRedirect", "OptimizationHints", "NetworkTimeServiceQuerying", "AimEnabled",
    "PreconnectToSearch",
)
# Ours: no translation prompts, no feed fetches.
OWN_DISABLED_FEATURES = ("Translate", "InterestFeedContentSuggestions")
QUIET_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-breakpad",
    "--no-first-run",
    "--no-default-browser-check",
    "--metrics-recording-only",
    "--disable-features=" + ",".join(PLAYWRIGHT_DISABLED_FEATURES + OWN_DISABLED_FEATURES),
)
INSTALL_HINT = (
    "no Chromium found: install it with 'apt-get install -y chromium-headless-shell chromium' (Debian), "
    f"or set {BROWSER_ENV}=/path/to/chromium, or pass --browser PATH"
)


class BrowserNotFound(RuntimeError):
    pass


class BrowserStartError(RuntimeError):
    """The browser is there but would not start (or answer); the message is one line for the user:
    what happened (`what`, all that `assessor doctor` shows) and what to do about it."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what}; check the browser with 'assessor doctor', or choose another with --browser or "
                         f"{BROWSER_ENV}")
        self.what = what


def why_it_did_not_start(playwright_message: str) -> str:
    """What the browser itself said (its stderr, as Playwright's launch log quotes it, each line
    once) and its exit code; Playwright's first line when the browser said nothing."""
    said = list(dict.fromkeys(
        line.split("[err]", 1)[1].strip() for line in playwright_message.splitlines()
        if "[err]" in line and line.split("[err]", 1)[1].strip()
    ))
    exit_code = re.search(r"exitCode=(\d+)", playwright_message)
    words = "; ".join(said[:3]) or playwright_message.strip().splitlines()[0]
    return words + (f" (exit code {exit_code.group(1)})" if exit_code else "")


@dataclass(frozen=True)
class BrowserChoice:
    path: str
    source: str  # "setting", "environment", "playwright", "system"


def playwright_browser_path() -> str | None:
    """Where Playwright's own downloaded Chromium would be, if it is there."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 - a broken Playwright install just means "not found"
        return None
    return path if path and Path(path).is_file() else None


def find_browser(explicit: str | None = None, *, look_for_playwright: bool = True) -> BrowserChoice:
    if explicit:
        if Path(explicit).is_dir():
            raise BrowserNotFound(f"--browser {explicit} is a folder, not the browser's program")
        if not Path(explicit).is_file():
            raise BrowserNotFound(f"browser path given does not exist: {explicit}")
        return BrowserChoice(explicit, "setting")
    from_env = os.environ.get(BROWSER_ENV)
    if from_env:
        if not Path(from_env).is_file():
            raise BrowserNotFound(f"{BROWSER_ENV} points to a file that does not exist: {from_env}")
        return BrowserChoice(from_env, "environment")
    if look_for_playwright:
        bundled = playwright_browser_path()
        if bundled:
            return BrowserChoice(bundled, "playwright")
    for name in SYSTEM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return BrowserChoice(found, "system")
    raise BrowserNotFound(INSTALL_HINT)


@dataclass
class BrowserOptions:
    executable: str
    # HOST -> "IP:PORT": like curl's --resolve, every connection to HOST goes there instead.
    resolve: dict[str, str] = field(default_factory=dict)
    # SHA-256 hashes (base64) of leaf SubjectPublicKeyInfo the browser accepts, made by
    # `collect.trust` from a --ca-bundle: Chromium on Linux takes no CA file on its command line.
    trusted_spki: list[str] = field(default_factory=list)
    remote_endpoint: str | None = None
    # Every context's User-Agent; by default Chrome's own for the form factor (`user_agent`).
    user_agent: str | None = None


def launch_args(options: BrowserOptions) -> list[str]:
    args = list(QUIET_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")  # Chromium refuses to start its sandbox as root
    if options.resolve:
        rules = ", ".join(f"MAP {host} {target}" for host, target in sorted(options.resolve.items()))
        args.append(f"--host-resolver-rules={rules}")
    if options.trusted_spki:
        args.append(f"--ignore-certificate-errors-spki-list={','.join(options.trusted_spki)}")
    return args


class BrowserSession:
    """One running Chromium; contexts are opened per crawl or per measurement."""

    def __init__(self, options: BrowserOptions) -> None:
        self.options = options
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None

    async def __aenter__(self) -> BrowserSession:
        self._playwright = await async_playwright().start()
        try:
            if self.options.remote_endpoint:
                self._browser = await self._playwright.chromium.connect(self.options.remote_endpoint)
            else:
                self._browser = await self._playwright.chromium.launch(
                    executable_path=self.options.executable, args=launch_args(self.options), headless=True
                )
        except PlaywrightError as exc:
            await self._playwright.stop()  # its driver process would outlive the session otherwise
            self._playwright = None
            which = (f"the remote browser {self.options.remote_endpoint}" if self.options.remote_endpoint
                     else f"the browser {self.options.executable}")
            raise BrowserStartError(f"{which} did not start: {why_it_did_not_start(str(exc))}") from None
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        if self._browser is not None:
            await self._browser.close()
        if self._playwright is not None:
            await self._playwright.stop()

    @property
    def browser(self) -> Browser:
        assert self._browser is not None, "BrowserSession used outside 'async with'"
        return self._browser

    async def new_context(self, **kwargs: object) -> BrowserContext:
        defaults: dict[str, object] = {
            "viewport": {"width": 1366, "height": 900},
            "locale": "vi-VN",
            "user_agent": self.options.user_agent or browser_user_agent(self.browser.version,
                                                                         mobile=bool(kwargs.get("is_mobile"))),
        }
        defaults.update(kwargs)
        return await self.browser.new_context(**defaults)


async def started_version(executable: str) -> str:
    """Start the browser as an assessment does and return its version (BrowserStartError if it
    will not): `assessor doctor`, and a campaign before it starts any portal."""
    async with BrowserSession(BrowserOptions(executable=executable)) as session:
        return session.browser.version


async def open_page(context: BrowserContext) -> Page:
    """A new tab of `context` whose client hints name Chromium, not HeadlessChrome (see
    `collect.user_agent`). The DevTools session that sets them stays open with the tab: closed,
    it would take its override with it."""
    page = await context.new_page()
    session = await context.new_cdp_session(page)
    user_agent, language = await page.evaluate("[navigator.userAgent, navigator.language]")
    await session.send("Emulation.setUserAgentOverride", {
        "userAgent": user_agent, "acceptLanguage": language,
        "userAgentMetadata": client_hints(user_agent, context.browser.version if context.browser else "0"),
    })
    return page
