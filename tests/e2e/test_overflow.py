"""No public page is wider than a small phone's screen: nothing scrolls
sideways at 320 px (the narrowest width WCAG's reflow asks for) nor 375 px."""

import pytest
from django.urls import reverse
from django.utils import timezone

from association.models import SiteSettings
from calendar_app.models import Event
from members.models import Member
from tests.public_pages import public_urls

WIDTHS = [320, 375]

# The elements that stick out of the page on the right or left, or whose text
# overflows their box: the innermost ones (their own content is what is too
# wide), outside any scroll container (a wide table inside one scrolls on its
# own, the page does not).
OVERFLOWING = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const width = root.clientWidth;
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    if (box.width === 0) return false;
    if (box.right > width + 0.5 || box.left < -0.5) return true;
    return el.scrollWidth > el.clientWidth + 1 && !el.matches("input, select, textarea")
      && getComputedStyle(el).overflowX === "visible";
  };
  const scrolls = (el) => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  const describe = (el) => {
    const box = el.getBoundingClientRect();
    const classes = [...el.classList].map((c) => "." + c).join("");
    const text = el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60);
    return `<${el.localName}${el.id ? "#" + el.id : ""}${classes}> `
      + `${Math.round(box.left)}–${Math.round(box.right)} px « ${text} »`;
  };
  const culprits = [...document.body.querySelectorAll("*")].filter(
    (el) => sticksOut(el) && !scrolls(el)
      && ![...el.children].some((child) => sticksOut(child)),
  );
  return {scrollWidth: root.scrollWidth, culprits: culprits.slice(0, 5).map(describe)};
}"""


def _overflows(browser, site, width: int, urls: dict[str, str]) -> list[str]:
    """What sticks out of each HTML page of `urls` (feeds and downloads are
    skipped), loaded once each in one browser context."""
    context = browser.new_context(
        locale="fr-FR", viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    report = []
    try:
        for name, url in urls.items():
            response = page.request.get(site + url)
            if not response.headers["content-type"].startswith("text/html"):
                continue
            page.goto(site + url)
            overflow = page.evaluate(OVERFLOWING)
            if overflow:
                report.append(f"{name} {url}: {overflow['scrollWidth']} px de large")
                report.extend(f"    {culprit}" for culprit in overflow["culprits"])
    finally:
        context.close()
    return report


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{width}px" for width in WIDTHS])
def test_no_public_page_scrolls_sideways_on_a_phone(site, browser, width):
    urls = {**public_urls(), "404": "/cette-page-n-existe-pas/"}
    report = _overflows(browser, site, width, urls)
    assert not report, f"À {width} px :\n" + "\n".join(report)


LONG_WORD = "anticonstitutionnellement" * 3


def test_long_words_and_addresses_wrap_on_a_phone(site, browser):
    """What editors type can be longer than the demo's: a word, a web
    address or an email address wider than the screen wraps."""
    event = Event.objects.public().order_by("starts_at").first()
    event.title = f"Atelier {LONG_WORD}"
    event.place = f"Salle {LONG_WORD}"
    event.save()
    member = Member.objects.active().first()
    member.website = f"https://www.ville.example.fr/{LONG_WORD}/{LONG_WORD}/"
    member.save()
    association = SiteSettings.load()
    association.contact_email = (
        "secretariat.general.du.reseau@villeseducatricesdefrance.example.fr"
    )
    association.save()
    start = timezone.localtime(event.starts_at)
    urls = {
        "événement": event.get_absolute_url(),
        "mois": reverse("calendar:month", args=[start.year, start.month]),
        "ville": member.get_absolute_url(),
        "mentions légales": reverse("pages:legal-notice"),
        "recherche": reverse("pages:search") + "?q=" + LONG_WORD,
    }
    report = _overflows(browser, site, 320, urls)
    assert not report, "À 320 px :\n" + "\n".join(report)
