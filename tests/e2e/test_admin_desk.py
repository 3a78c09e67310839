"""The secretariat's desk in a real browser: every list fits a 1280 px
screen, and the dashboard leads to a late call and back by keyboard alone."""

import datetime as dt
import re

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import Page, expect

from audit.updates import logged_update
from dues.models import DuesCall
from tests.e2e.signin import sign_in

pytestmark = pytest.mark.dates

PASSWORD = "un-mot-de-passe-solide-2026"


def _log_in(page: Page, site: str, username: str) -> None:
    sign_in(page, site, get_user_model().objects.get(username=username), PASSWORD)


def _overflow(page: Page) -> dict:
    """How many pixels the page, and the list inside its box (which would
    scroll sideways on its own), are wider than they may be."""
    return page.evaluate(
        """() => {
            const results = document.querySelector('#changelist .results');
            return {
                page: document.documentElement.scrollWidth - window.innerWidth,
                list: results ? results.scrollWidth - results.clientWidth : 0,
            };
        }"""
    )


def test_every_changelist_fits_a_1280_px_screen(site, page: Page, strict_csp):
    get_user_model().objects.create_superuser("admin-rfve", "a@example.org", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, site, "admin-rfve")
    too_wide = {}
    for model in admin.site._registry:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        page.goto(site + url)
        overflow = _overflow(page)
        if max(overflow.values()) > 0:
            too_wide[opts.label] = overflow
    # The dashboard too.
    page.goto(site + reverse("admin:index"))
    if max(_overflow(page).values()) > 0:
        too_wide["index"] = _overflow(page)
    assert too_wide == {}


def _focus(page: Page) -> dict:
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                text: (el.innerText || el.value || '').trim(),
                href: el.getAttribute('href') || '',
                visible: el !== document.body && style.outlineStyle !== 'none'
                    && parseFloat(style.outlineWidth) > 0,
            };
        }"""
    )


def _tab_to(page: Page, matches, limit: int = 150) -> dict:
    """Press Tab until the focused element matches; it must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = _focus(page)
        if matches(focused):
            assert focused["visible"], f"focus not visible on {focused}"
            return focused
    raise AssertionError("Never reached by Tab.")


def test_treasurer_reaches_a_late_call_and_comes_back_by_keyboard(
    site, page: Page, strict_csp, today
):
    user = get_user_model().objects.create_user(
        "tresoriere", "t@example.org", PASSWORD, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Trésorerie"))
    # The demo's unpaid invoices fall due in March: before then (1 January,
    # 29 February) none is late yet, so the first of them is made overdue.
    overdue = DuesCall.objects.filter(year=today.year).late(dt.date(today.year, 12, 31))
    logged_update(
        DuesCall.objects.filter(pk=overdue.order_by("pk")[0].pk, due_on__gte=today),
        due_on=today - dt.timedelta(days=1),
    )
    page.set_viewport_size({"width": 1280, "height": 800})
    _log_in(page, site, "tresoriere")
    year = today.year

    late = f"Appels {year} en retard"
    _tab_to(page, lambda focused: late in focused["text"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"statut=late"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Appels de cotisation")
    expect(page.locator("#result_list tbody tr").first).to_contain_text("en retard")

    # The first call of the list: its invoice number is the row's link.
    _tab_to(page, lambda focused: re.search(r"/duescall/\d+/change/", focused["href"]))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Modifier l’appel de cotisation"
    )
    expect(page.locator("#content")).to_contain_text("Cotisation")

    _tab_to(page, lambda focused: focused["href"] == reverse("admin:index"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(late))).to_be_visible()
