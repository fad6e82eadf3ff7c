"""The User-Agent the browser sends: Chrome's own for the form factor, never "HeadlessChrome".

Chromium headless names itself `HeadlessChrome/131...`, which firewalls in front of many portals
refuse outright: the portal would be judged on a 403 page no citizen sees. Like Lighthouse
(`Chrome-Lighthouse`), assessor sends the user agent of the browser it stands for (Chrome on
desktop Linux, or on an Android phone for a mobile context, in Chrome's reduced form: only the
major version) and names itself at the end. `--user-agent` replaces it everywhere, the probes'
included, for a portal whose firewall lets only a known one through.

Only the User-Agent header changes: Chromium's client hints (`Sec-CH-UA`, sent to secure origins)
and `navigator.userAgentData` still name HeadlessChrome. Playwright cannot set them; adding them
as extra headers would make Chromium send CORS preflights a real browser does not
(microsoft/playwright#21811).
"""

from __future__ import annotations

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
