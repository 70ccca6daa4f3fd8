"""Checks the journey suite runs on every page it visits (issue 13).

- axe-core (pinned in package-lock.json, installed by ``make setup-test``; never from a CDN) with the
  WCAG 2.0/2.1/2.2 A and AA rules: no violation;
- no horizontal scroll (the document is no wider than the window);
- no request to a host other than the live server's (fonts, scripts, images all self-hosted);
- on the certificate verification and personal-data pages, every value (``.data-list dd``) at least
  40 % of the window wide: readable on a phone, not squeezed into a one-character column.

``PageChecks(page, base)`` records every request of the page's browser context from its creation;
call it after each navigation. It lists the pages it checked in ``visited``.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from tests.services import require

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
VALUE_MIN_SHARE = 0.4

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, url: v.helpUrl,
    nodes: v.nodes.slice(0, 5).map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                         summary: n.failureSummary})),
    count: v.nodes.length,
  }));
}"""

WIDTHS = """() => ({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  wide: [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 5).map(el => el.tagName.toLowerCase()
      + (el.className ? '.' + String(el.className).split(' ').join('.') : '')
      + ' (' + Math.round(el.getBoundingClientRect().right) + ' px)'),
})"""

VALUES = """() => [...document.querySelectorAll('.data-list dd')].map(dd => ({
  text: dd.textContent.trim().slice(0, 40), width: Math.round(dd.getBoundingClientRect().width),
}))"""


def axe_available() -> bool:
    return AXE_SCRIPT.exists()


def format_violations(url: str, violations: list[dict]) -> str:
    lines = [f"axe-core: {len(violations)} WCAG 2.2 AA violation(s) on {url}"]
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}, {violation['count']} element(s)):")
        lines.append(f"  {violation['help']}")
        lines.append(f"  {violation['url']}")
        for node in violation["nodes"]:
            lines.append(f"  • {node['target']}: {node['html']}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line}")
    return "\n".join(lines)


class PageChecks:
    def __init__(self, page, base: str):
        require(axe_available(), f"axe-core is not installed ({AXE_SCRIPT}): run `make setup-test` (npm ci)")
        self.page = page
        self.host = urlsplit(base).netloc
        self.requests: list[str] = []
        self.visited: list[str] = []
        page.context.on("request", lambda request: self.requests.append(request.url))

    def foreign_requests(self) -> list[str]:
        local = {"data", "blob", "about"}
        return [url for url in self.requests if urlsplit(url).scheme not in local and urlsplit(url).netloc != self.host]

    def __call__(self, *, values_wide: bool = False) -> None:
        page = self.page
        page.wait_for_load_state("load")
        url = page.url
        self.visited.append(urlsplit(url).path)
        assert urlsplit(url).netloc == self.host, f"left the live server: {url}"

        if not page.evaluate("typeof window.axe !== 'undefined'"):
            # Evaluated by the test driver, not added as an inline <script>: the site's
            # Content-Security-Policy (script-src 'self') rightly refuses the latter.
            page.evaluate(f"(() => {{ {AXE_SCRIPT.read_text()}\n}})()")
        violations = page.evaluate(RUN_AXE, WCAG_TAGS)
        assert not violations, format_violations(url, violations)

        widths = page.evaluate(WIDTHS)
        assert widths["scrollWidth"] <= widths["clientWidth"], (
            f"horizontal scroll on {url}: the document is {widths['scrollWidth']} px wide in a "
            f"{widths['clientWidth']} px window; too wide: {widths['wide']}"
        )

        foreign = self.foreign_requests()
        assert not foreign, f"requests to another host than {self.host} (by {url}): {foreign}"

        if values_wide:
            viewport = page.viewport_size["width"]
            values = page.evaluate(VALUES)
            assert values, f"no value (.data-list dd) on {url}"
            narrow = [value for value in values if value["width"] < VALUE_MIN_SHARE * viewport]
            assert not narrow, f"values narrower than 40 % of {viewport} px on {url}: {narrow}"
