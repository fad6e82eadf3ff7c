"""The per-portal HTML report: one self-contained file a reviewer can read and send on.

Everything that came from the portal (titles, URLs, header values, messages quoting them) is
escaped by Jinja2's autoescape, and the page forbids every script by its own CSP, so a hostile
portal cannot run code in the report even if something slipped through.
"""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape

from assessor import __version__
from assessor.criteria import Rubric
from assessor.model import Assessment, Evidence, Status, said_in
from assessor.report.columns import column_heading
from assessor.report.i18n import label
from assessor.report.numbers import group_points_text, points_text, score_sum_text
from assessor.scoring import SCORING_RULES
from assessor.snapshot import Snapshot

MAX_EMBEDDED_IMAGE_BYTES = 1_500_000


def safe_href(url: str | None) -> str | None:
    """Only http(s) links become clickable; javascript: and data: URLs stay plain text."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


def image_data_uri(snapshot: Snapshot | None, relative: str | None) -> str | None:
    if snapshot is None or snapshot.folder is None or not relative:
        return None
    path = (snapshot.folder / relative).resolve()
    if snapshot.folder.resolve() not in path.parents or not path.is_file():
        return None
    data = path.read_bytes()
    if len(data) > MAX_EMBEDDED_IMAGE_BYTES:
        return None
    mime = "image/png" if path.suffix == ".png" else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def table_rows(evidence: Evidence) -> tuple[list[str], list[list[object]]]:
    """A table evidence value is a list of dicts (columns from the keys) or of lists."""
    rows = evidence.value if isinstance(evidence.value, list) else []
    if rows and isinstance(rows[0], dict):
        columns = list(dict.fromkeys(key for row in rows for key in row))
        return columns, [[row.get(column, "") for column in columns] for row in rows]
    return [], [row if isinstance(row, list) else [row] for row in rows]


def cell_text(value: object, lang: str) -> object:
    """A table cell or a value as the reader's language says it: yes/no, and one said in each
    language (`said_in`)."""
    if isinstance(value, bool):
        return label("yes" if value else "no", lang)
    return said_in(value, lang)


# Bidirectional controls a portal put in its text (U+202E turns the rest of a line around): shown
# as what they are, so that evidence reads as the portal wrote it, not as it would have it read.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def shown_not_obeyed(value: object) -> object:
    """Every value a template writes out, before it is escaped (Jinja2's `finalize`)."""
    if isinstance(value, str) and BIDI_CONTROLS.search(value):
        return type(value)(BIDI_CONTROLS.sub(lambda control: f"<U+{ord(control[0]):04X}>", value))
    return value


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("assessor.report", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=shown_not_obeyed,
    )
    env.globals.update(safe_href=safe_href, table_rows=table_rows)
    env.filters["points"] = points_text
    env.filters["moment"] = moment_text
    return env


VIETNAM_TIME = timezone(timedelta(hours=7))


def moment_text(moment: datetime, lang: str) -> str:
    """When, as the report's reader writes it: Vietnam's clock and day-first date in Vietnamese."""
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # stored in UTC
    if lang == "vi":
        return moment.astimezone(VIETNAM_TIME).strftime("%H:%M %d/%m/%Y (giờ Việt Nam, UTC+7)")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def pages_visited(snapshot: Snapshot | None, lang: str) -> str:
    """How many pages the browser opened, by why: the crawl's (at most --max-pages), then the
    service entries the crawl did not reach, opened to check them, and the pages behind a login."""
    if snapshot is None:
        return "0"
    entries = len(snapshot.functions.entry_pages) if snapshot.functions else 0
    logged_in = sum(page.logged_in for page in snapshot.pages)
    counts = {"pages.crawl": len(snapshot.pages) - entries - logged_in, "pages.entries": entries,
              "pages.logged_in": logged_in}
    why = ", ".join(f"{count} {label(key, lang)}" for key, count in counts.items() if count or key == "pages.crawl")
    return f"{len(snapshot.pages)} ({why})"


def render_html(assessment: Assessment, snapshot: Snapshot | None, rubric: Rubric, lang: str) -> str:
    template = environment().get_template("report.html.j2")
    home = snapshot.home if snapshot else None
    return template.render(
        a=assessment,
        lang=lang,
        t=lambda key: label(key, lang),
        text=lambda value: value.in_(lang) if value is not None else "",
        image=lambda relative: image_data_uri(snapshot, relative),
        home_screenshot=image_data_uri(snapshot, home.screenshot) if home else None,
        pages_visited=pages_visited(snapshot, lang),
        heading=lambda column: column_heading(column, lang),
        cell=lambda value: cell_text(value, lang),
        group_points=lambda group: group_points_text(group, lang),
        score_sum=score_sum_text(assessment, lang) if assessment.score is not None else None,
        lost_points=[result for result in assessment.all_results()
                     if result.status in (Status.FAIL, Status.PARTIAL, Status.NEEDS_REVIEW, Status.ERROR)
                     and result.score < result.points],
        rules=SCORING_RULES.in_(lang),
        rubric=rubric,
        version=__version__,
    )


def report_path(folder: Path) -> Path:
    return folder / "report.html"
