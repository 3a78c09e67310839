"""axe-core on every public page type, at desktop and phone widths."""

import pytest
from playwright.sync_api import Page

from tests.e2e.conftest import AXE
from tests.public_pages import public_urls

WIDTHS = {"ordinateur": 1280, "telephone": 375}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _violations(page: Page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    return page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, help: v.helpUrl,"
        " nodes: v.nodes.map(n => n.target.join(' ') + ' ' + n.failureSummary)})))",
        RULES,
    )


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_no_axe_violations_on_any_public_page(site, browser, width):
    # axe-core is injected as an inline script, which the site's CSP forbids.
    context = browser.new_context(
        bypass_csp=True, locale="fr-FR", viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    report = []
    try:
        for name, url in public_urls().items():
            response = page.request.get(site + url)
            if not response.headers["content-type"].startswith("text/html"):
                continue
            page.goto(site + url)
            for violation in _violations(page):
                report.append(f"{name} {url}: {violation['id']} ({violation['help']})")
                report.extend(f"    {node}" for node in violation["nodes"])
    finally:
        context.close()
    assert not report, "\n".join(report)
