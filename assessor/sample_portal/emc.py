"""The EMC tracking snippet as the portal prints it, in each mode and variant of the profile.

See DOMAIN.md ("The EMC system"). The snippet is inline, so under the strict CSP it carries the
response's nonce.
"""

from __future__ import annotations

import json
import re

from markupsafe import Markup, escape

from .content import EMC_SITE_ID
from .profile import Profile

EMC_HOST = "f-emc.ngsp.gov.vn"
CDN_HOST = "cdn.sample.test"
NATIONAL_HOST = "dichvucong.gov.vn"
TRACKER_PATH = "/tracking"
SCRIPT_PATH = "/embed/gov-tracking.min.js"


def snippet_present(profile: Profile, page_type: str) -> bool:
    """Whether a page of this type carries the snippet at all."""
    if profile.emc == "absent":
        return False
    return profile.emc != "home_only" or page_type == "home"


def tracking_snippet(profile: Profile, page_type: str, nonce: str) -> Markup:
    """The snippet HTML for one page, or an empty string when this page has none."""
    if not snippet_present(profile, page_type):
        return Markup("")
    scheme = "http" if profile.emc_variant == "http" else "https"
    tracker_host = CDN_HOST if profile.emc == "wrong_host" else EMC_HOST
    tracker = f"{scheme}://{tracker_host}{TRACKER_PATH}"
    script = f"{scheme}://{EMC_HOST}{SCRIPT_PATH}"
    site_line = "" if profile.emc == "no_site_id" else f"\n  _govaq.push(['setSiteId', '{EMC_SITE_ID}']);"
    body = f"""
var _govaq = window._govaq || [];
_govaq.push(['trackPageView']);
_govaq.push(['enableLinkTracking']);
(function () {{
  _govaq.push(['setTrackerUrl', '{tracker}']);{site_line}
  var d = document, g = d.createElement('script'), s = d.getElementsByTagName('script')[0];
  g.type = 'text/javascript'; g.async = true; g.defer = true;
  g.src = '{script}';
  s.parentNode.insertBefore(g, s);
}})();
"""
    if profile.emc_variant == "minified":
        body = re.sub(r"\s*([=,;{}()|\[\]])\s*", r"\1", "".join(line.strip() for line in body.splitlines()))
    tag = f'<script nonce="{escape(nonce)}">{body}</script>'
    if profile.emc_variant == "commented":
        # Left in the HTML but commented out, as found on portals after a redesign: the browser never runs it.
        tag = f"<!--\n{tag}\n-->"
    return Markup(f"<!-- Begin EMC Tracking Code -->\n{tag}\n<!-- End EMC Tracking Code -->")


def track_dvc_snippet(profile: Profile, page_type: str, dvc: tuple[str, str, str] | None, nonce: str) -> Markup:
    """`_govaq.push(['trackDVC', code, name, step])` for procedure and submission pages."""
    if dvc is None or not profile.emc_track_dvc or not snippet_present(profile, page_type) \
            or profile.emc_variant == "commented":
        return Markup("")
    args = ", ".join(js_string(part) for part in dvc)
    return Markup(f"<script nonce=\"{escape(nonce)}\">window._govaq = window._govaq || [];"
                  f"_govaq.push(['trackDVC', {args}]);</script>")


def js_string(value: str) -> str:
    """A JavaScript string literal that is safe inside an HTML <script> element."""
    return json.dumps(value, ensure_ascii=False).replace("<", "\\u003c")
