"""Small snapshots built in code, for testing pure checks without a browser.

    snapshot = make_snapshot(page("https://p.gov.vn/", "<html lang='vi'>...</html>", headers={"Server": "nginx"}))
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bs4 import BeautifulSoup

from assessor.artifacts.page import Link, NetworkRequest, PageArtifact
from assessor.criteria import default_criteria_path, load_rubric
from assessor.model import PortalRef
from assessor.snapshot import Snapshot

BASE_URL = "https://dichvucong.lamha.gov.vn/"


def page(
    url: str = BASE_URL,
    html: str = "<html lang='vi'><head><title>Trang chủ</title></head><body></body></html>",
    *,
    status: int = 200,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    requests: list[NetworkRequest] | None = None,
    depth: int = 0,
    found_on: str | None = None,
    **fields: Any,
) -> PageArtifact:
    """A loaded page; links are read from the HTML as the browser would report them."""
    from urllib.parse import urljoin

    soup = BeautifulSoup(html, "lxml")
    links = [
        Link(url=urljoin(url, a["href"]), text=a.get_text(" ", strip=True))
        for a in soup.find_all("a", href=True)
    ]
    header_list = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    return PageArtifact(
        url=url,
        final_url=fields.pop("final_url", url),
        status=status,
        depth=depth,
        found_on=found_on,
        headers=header_list,
        title=soup.title.get_text(strip=True) if soup.title else "",
        html=html,
        links=links,
        requests=requests or [NetworkRequest(url=url, resource_type="document", status=status)],
        **fields,
    )


def make_snapshot(*pages: PageArtifact, url: str = BASE_URL, **fields: Any) -> Snapshot:
    return Snapshot(
        portal=PortalRef(id="test", name="Cổng thử", url=url),
        start_url=url,
        started_at=datetime(2026, 11, 23, tzinfo=UTC),
        finished_at=datetime(2026, 11, 23, 0, 1, tzinfo=UTC),
        pages=list(pages),
        **fields,
    )


def closed_portal_list(*portal_ids: str) -> str:
    """A portal list (portals.yaml) of provinces served nowhere: a closed port on 127.0.0.1, one
    path each, so that a portal assessed by mistake fails at once and nothing leaves the machine."""
    return "portals:\n" + "".join(f'  - {{id: {portal_id}, name: Cổng {portal_id}, kind: province, '
                                   f'url: "https://127.0.0.1:9/{portal_id}"}}\n' for portal_id in portal_ids)


def params_of(criterion_id: str) -> Any:
    """The parsed params the bundled rubric gives a criterion."""
    return load_rubric().criterion(criterion_id).parsed_params


# A load test far longer than any test waits: one that ran to its end would fail the test.
LONG_LOAD_S = 120
LONG_LOAD = {"users": 2, "spawn_rate": 2, "duration_s": LONG_LOAD_S, "think_min_s": 0.5, "think_max_s": 1}


def quick_rubric_file(folder: Path, load: dict[str, float] | None = None) -> Path:
    """The bundled rubric with one desktop lab run per key page: the same criteria and weights,
    for end-to-end tests about something other than page-load measurement (campaigns), where
    three desktop-and-mobile runs per page would only cost minutes. `load` replaces the load
    test's sizes."""
    path = default_criteria_path()
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for group in data["groups"]:
        for criterion in group["criteria"]:
            lab = criterion.get("params", {}).get("lab")
            if load is not None and "load" in criterion.get("params", {}):
                criterion["params"]["load"] = dict(load)
            if lab:
                lab["runs"] = 1
                lab["form_factors"] = [factor for factor in lab["form_factors"] if not factor.get("mobile")]
    target = folder / "criteria-quick.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def table_text(printed: str) -> str:
    """A Rich table's words, its borders and line wraps taken out: what it says whatever the
    terminal's width (a cell too long for its column is wrapped onto the next lines)."""
    return " ".join(printed.replace("│", " ").split())
