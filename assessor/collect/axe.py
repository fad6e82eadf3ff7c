"""axe-core on every crawled page: its script comes installed with the axe-playwright-python
package (a current axe 4.x), is injected into the page, never fetched at run time."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.async_api import Page

from assessor.artifacts.accessibility import AxeNode, AxeResult, AxeRule
from assessor.artifacts.page import PageArtifact
from assessor.collect.gatherers import page_gatherer

if TYPE_CHECKING:
    from assessor.collect.context import CollectContext

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
MAX_NODES_PER_RULE = 10
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
  const slim = (rules) => rules.map((r) => ({ id: r.id, impact: r.impact, help: r.help, help_url: r.helpUrl, tags: r.tags,
    nodes: r.nodes.slice(0, %d).map((n) => ({ target: n.target.map(String), html: (n.html || '').slice(0, 300), summary: (n.failureSummary || '').slice(0, 500) })) }));
  return { version: axe.version, violations: slim(result.violations), incomplete: slim(result.incomplete), passes: result.passes.length };
}""" % MAX_NODES_PER_RULE


def axe_source_path() -> Path:
    path = Path(str(resources.files("axe_playwright_python").joinpath("axe.min.js")))
    if not path.is_file():
        raise FileNotFoundError(f"axe.min.js not found in the axe-playwright-python package at {path}")
    return path


@cache
def axe_source() -> str:
    return axe_source_path().read_text(encoding="utf-8")


def parse_axe(raw: dict[str, Any]) -> AxeResult:
    def rules(items: list[dict[str, Any]]) -> list[AxeRule]:
        return [AxeRule(**{**item, "nodes": [AxeNode(**node) for node in item.get("nodes", [])]}) for item in items]

    return AxeResult(
        version=raw.get("version", ""),
        violations=rules(raw.get("violations", [])),
        incomplete=rules(raw.get("incomplete", [])),
        passes=raw.get("passes", 0),
    )


@page_gatherer("axe")
async def run_axe(page: Page, artifact: PageArtifact, ctx: CollectContext) -> None:
    if not artifact.ok:
        return
    try:
        await page.evaluate(axe_source())
        artifact.axe = parse_axe(await page.evaluate(RUN_AXE, WCAG_TAGS))
    except Exception as exc:  # noqa: BLE001 - a page that breaks axe is recorded, not fatal
        artifact.axe = AxeResult(error=f"{type(exc).__name__}: {str(exc)[:300]}")
