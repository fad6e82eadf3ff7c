"""The User-Agent the browser sends: Chrome's own for the form factor, never "HeadlessChrome".

Chromium headless names itself `HeadlessChrome/131...`, which firewalls in front of many portals
refuse outright: the portal would be judged on a 403 page no citizen sees. Like Lighthouse
(`Chrome-Lighthouse`), assessor sends the user agent of the browser it stands for (Chrome on
desktop Linux, or on an Android phone for a mobile context, in Chrome's reduced form: only the
major version) and names itself at the end. `--user-agent` replaces it everywhere, the probes'
included, for a portal whose firewall lets only a known one through.

Chromium's client hints (`Sec-CH-UA`, sent to secure origins, and `navigator.userAgentData`)
name HeadlessChrome too, among their brands, and firewalls read them as well. Playwright sets the
hints' platform but keeps the brands; adding the headers as extra headers would make Chromium send
CORS preflights a real browser does not (microsoft/playwright#21811). Each tab therefore gets
`client_hints` through the DevTools protocol (`browser.open_page`): Chromium's brands without
HeadlessChrome, which is what Chromium itself sends.
"""

from __future__ import annotations

import re

from assessor import __version__

# What the probes' HTTP client and the load test's simulated citizens send.
USER_AGENT = "assessor/0.1 (+public-service portal quality assessment)"
DESKTOP_PLATFORM = "X11; Linux x86_64"
MOBILE_PLATFORM = "Linux; Android 10; K"


def browser_user_agent(browser_version: str, mobile: bool) -> str:
    major = browser_version.split(".")[0]
    platform, safari = (MOBILE_PLATFORM, "Mobile Safari") if mobile else (DESKTOP_PLATFORM, "Safari")
    return (f"Mozilla/5.0 ({platform}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{major}.0.0.0 "
            f"{safari}/537.36 assessor/{__version__}")


# Chromium lists a made-up "GREASE" brand beside its own, so that servers do not rely on the
# brands' names; which one follows from its major version (Chromium's user_agent_utils).
GREASE_CHARACTERS = (" ", "(", ":", "-", ".", "/", ")", ";", "=", "?", "_")
GREASE_VERSIONS = ("8", "99", "24")


def grease_brand(major: int) -> tuple[str, str]:
    """The brand and version Chromium `major` makes up, e.g. ("Not:A-Brand", "8") for 156."""
    characters = GREASE_CHARACTERS
    return (f"Not{characters[major % len(characters)]}A{characters[(major + 1) % len(characters)]}Brand",
            GREASE_VERSIONS[major % len(GREASE_VERSIONS)])


def client_hints(user_agent: str, browser_version: str) -> dict[str, object]:
    """`userAgentMetadata` for `Emulation.setUserAgentOverride`: Chromium's brands (not
    HeadlessChrome), and the platform and form factor the user agent names, as Playwright reads
    them from it."""
    major = browser_version.split(".")[0]
    grease, grease_version = grease_brand(int(major) if major.isdigit() else 0)
    android = re.search(r"Android (\d+(?:\.\d+)*)", user_agent)
    windows = re.search(r"Windows NT (\d+(?:\.\d+)*)", user_agent)
    mac = re.search(r"Mac OS X (\d+(?:_\d+)*)", user_agent)
    platform, version = (("Android", android[1]) if android else ("Windows", windows[1]) if windows
                         else ("macOS", mac[1].replace("_", ".")) if mac else ("Linux", ""))
    mobile = bool(android) or "Mobile" in user_agent
    return {
        "brands": [{"brand": grease, "version": grease_version}, {"brand": "Chromium", "version": major}],
        "fullVersionList": [{"brand": grease, "version": f"{grease_version}.0.0.0"},
                            {"brand": "Chromium", "version": browser_version}],
        "platform": platform,
        "platformVersion": version,
        "architecture": "" if android else "x86",
        "bitness": "64",
        "model": "K" if android else "",  # the reduced user agent's model
        "mobile": mobile,
        "formFactors": ["Mobile"] if mobile else ["Desktop"],
    }
