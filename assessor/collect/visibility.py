"""Which parts of a page its own CSS hides: what the stored HTML alone cannot say.

A badge or a notice hidden by a class (`class="d-none"`, a stylesheet rule) is in the HTML like
any other element; only the browser knows it is not shown. Right after the HTML is read, the
browser lists the outermost elements that are not rendered, each as a CSS path of `:nth-child`
steps from `html`, which the checks select in their parse of that same HTML
(`checks.common.hidden_by_css`).
"""

from __future__ import annotations

from playwright.async_api import Page

# Enough for the hidden menus and dialogs of a busy portal; past it, the rest count as shown,
# as every element did before this was recorded.
MAX_HIDDEN_ROOTS = 500

# Not walked: never rendered by nature (scripts, styles, templates), or not HTML (an SVG's
# <defs> and <symbol> are not rendered and would fill the list with nothing of interest).
HIDDEN_ROOTS_SCRIPT = """(limit) => {
  const skipped = new Set(['script', 'style', 'template', 'noscript', 'link', 'meta', 'svg', 'math']);
  const roots = [];
  const path = (element) => {
    const steps = [];
    for (let node = element; node && node !== document.documentElement; node = node.parentElement) {
      let position = 1;
      for (let sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) position++;
      steps.unshift(`${CSS.escape(node.localName)}:nth-child(${position})`);
    }
    return ['html', ...steps].join(' > ');
  };
  const walk = (parent) => {
    for (const child of parent.children) {
      if (roots.length >= limit) return;
      if (skipped.has(child.localName)) continue;
      if (!child.checkVisibility({ visibilityProperty: true, opacityProperty: true })) roots.push(path(child));
      else walk(child);
    }
  };
  if (document.body) walk(document.body);
  return roots;
}"""


async def hidden_roots(page: Page) -> list[str]:
    """The CSS paths of the outermost elements of the page's body that are not rendered."""
    return await page.evaluate(HIDDEN_ROOTS_SCRIPT, MAX_HIDDEN_ROOTS)
