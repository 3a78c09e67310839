"""No public page is wider than a small phone's screen: nothing scrolls
sideways at 320 px (the narrowest width WCAG's reflow asks for) nor 375 px."""

import pytest

from tests.public_pages import public_urls

WIDTHS = [320, 375]

# The elements sticking out of the page on the right or left: the innermost
# ones (their own content is what is too wide), outside any scroll container
# (a wide table inside one scrolls on its own, the page does not).
OVERFLOWING = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  const width = root.clientWidth;
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5);
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


@pytest.mark.parametrize("width", WIDTHS, ids=[f"{width}px" for width in WIDTHS])
def test_no_public_page_scrolls_sideways_on_a_phone(site, browser, width):
    urls = {**public_urls(), "404": "/cette-page-n-existe-pas/"}
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
    assert not report, f"À {width} px :\n" + "\n".join(report)
