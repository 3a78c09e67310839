"""The treasurer's charts in a real browser, as the Bureau sees them: no axe
violation, readable on a 320 px phone (bars inside the screen, labels apart
from the figures), and distinct in forced colours (Windows' contrast themes)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import Page

from tests.e2e.conftest import AXE
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.dates  # the demo's campaign is this year's

PASSWORD = "un-mot-de-passe-solide-2026"
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def bureau_page(site, browser):
    """Signed in as a member of the Bureau; axe-core is injected as an inline
    script, which the site's CSP forbids: this context bypasses it."""
    user = get_user_model().objects.create_user(
        "membre-du-bureau", "b@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Bureau"))
    context = browser.new_context(
        bypass_csp=True, locale="fr-FR", viewport={"width": 1280, "height": 800}
    )
    page = context.new_page()
    sign_in(page, site, user, PASSWORD)
    yield page
    context.close()


def _pages(site):
    return [
        site + reverse("admin:index"),
        site + reverse("admin:dues_duescall_treasury"),
    ]


def _layout(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const problems = [];
            const charts = document.querySelectorAll('.chart-drawing');
            for (const svg of charts) {
                const box = svg.getBoundingClientRect();
                if (box.right > window.innerWidth + 1 || box.left < -1)
                    problems.push('chart outside the screen');
                const texts = [...svg.querySelectorAll('text')];
                for (const text of texts) {
                    const t = text.getBoundingClientRect();
                    if (t.left < box.left - 1 || t.right > box.right + 1)
                        problems.push('text cut: ' + text.textContent);
                }
                // A row's label and its figure share a line: never overlap.
                for (const label of texts) {
                    const value = texts.find(other => other !== label
                        && other.getAttribute('y') === label.getAttribute('y')
                        && other.getAttribute('text-anchor') === 'end');
                    if (value && label.getAttribute('text-anchor') !== 'end'
                        && label.getBoundingClientRect().right
                           > value.getBoundingClientRect().left)
                        problems.push('overlap: ' + label.textContent);
                }
            }
            return {charts: charts.length, problems};
        }"""
    )


def test_charts_pass_axe_and_fit_a_320_px_phone(site, bureau_page: Page, today):
    page = bureau_page
    page.set_viewport_size({"width": 320, "height": 800})
    for url in _pages(site):
        page.goto(url)
        layout = _layout(page)
        assert layout["charts"] == 3, url
        assert layout["problems"] == [], url
        page.add_script_tag(path=str(AXE))
        violations = page.evaluate(
            "(tags) => axe.run({include: [['.charts']]},"
            " {runOnly: {type: 'tag', values: tags}})"
            ".then(r => r.violations.map(v => v.id + ' ' +"
            " v.nodes.map(n => n.target.join(' ')).join(', ')))",
            RULES,
        )
        assert violations == [], url


def test_bar_parts_stay_distinct_in_forced_colours(site, bureau_page: Page):
    page = bureau_page
    page.emulate_media(forced_colors="active")
    page.goto(_pages(site)[1])
    styles = page.evaluate(
        """() => {
            const style = (selector) => {
                const element = document.querySelector(selector);
                if (!element) return null;
                const computed = getComputedStyle(element);
                return {fill: computed.fill, stroke: computed.stroke};
            };
            const text = document.querySelector('.chart-drawing text');
            return {
                paid: style('.chart-drawing .chart-paid'),
                outstanding: style('.chart-drawing .chart-outstanding'),
                members: style('.chart-drawing .chart-members'),
                text: getComputedStyle(text).fill,
                colour: getComputedStyle(text.closest('figure')).color,
            };
        }"""
    )
    assert styles["paid"] and styles["outstanding"] and styles["members"]
    # Filled with the text colour, or outlined with it: never alike.
    assert styles["paid"]["fill"] != styles["outstanding"]["fill"]
    assert styles["outstanding"]["stroke"] == styles["paid"]["fill"]
    assert styles["text"] == styles["colour"]
