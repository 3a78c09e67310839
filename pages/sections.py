"""The site's sections, once: the header's menu, the site map page and
sitemap.xml are all read from SECTIONS. Other apps' views are named by their
URL names (strings), so pages imports nothing from them here."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    title: str
    # "" for a heading that is not a page itself ("Le réseau").
    url_name: str = ""
    # Position in the header's menu (after the menu pages from the database);
    # None: not in the menu.
    menu: int | None = None
    # The menu's shorter title, when it differs.
    menu_title: str = ""
    # Views (besides url_name) whose pages mark this entry current in the menu.
    also_current_for: tuple[str, ...] = ()
    in_sitemap: bool = True  # sitemap.xml
    on_site_map: bool = True  # the "Plan du site" page
    # Records the site map page lists under this section: "tree" (published
    # pages), "groups" (working groups), "news_categories".
    records: str = ""
    children: tuple["Section", ...] = ()

    @property
    def current_for(self) -> tuple[str, ...]:
        return (self.url_name, *self.also_current_for)

    @property
    def label(self) -> str:
        return self.menu_title or self.title


SECTIONS = (
    Section("Accueil", "home"),
    Section(
        "Le réseau",
        records="tree",
        children=(
            Section("Gouvernance", "pages:governance"),
            Section("Groupes de travail", "pages:groups", records="groups"),
            Section("Rencontres nationales", "pages:rencontres"),
        ),
    ),
    Section(
        "Agenda",
        "calendar:current-month",
        menu=1,
        # One entry: its other pages are reached from the agenda itself.
        also_current_for=(
            "calendar:month",
            "calendar:upcoming",
            "calendar:archives",
            "calendar:subscribe",
        ),
        children=(
            Section("Prochains rendez-vous", "calendar:upcoming"),
            Section("S’abonner à l’agenda", "calendar:subscribe"),
            Section(
                "Flux RSS des prochains rendez-vous", "calendar:rss", in_sitemap=False
            ),
        ),
    ),
    Section(
        "Actualités",
        "news:list",
        menu=3,
        records="news_categories",
        children=(Section("Flux RSS des actualités", "news:rss", in_sitemap=False),),
    ),
    Section("Presse", "news:press"),
    Section(
        "Publications et documents", "news:documents", menu=4, menu_title="Publications"
    ),
    Section(
        "Villes adhérentes", "members:cities", menu=5, also_current_for=("pages:city",)
    ),
    Section("Adhérer", "dues:join", menu=6),
    Section("Contact", "pages:contact"),
    Section("Rechercher", "pages:search", in_sitemap=False),
    Section(
        "Informations légales",
        children=(
            Section("Mentions légales", "pages:legal-notice"),
            Section("Données personnelles", "pages:privacy"),
            Section("Accessibilité", "pages:accessibility"),
        ),
    ),
    # The site map page does not list itself.
    Section("Plan du site", "pages:site-map", on_site_map=False),
)


def _all(sections=SECTIONS):
    for section in sections:
        yield section
        yield from _all(section.children)


MENU = tuple(sorted((s for s in _all() if s.menu), key=lambda s: s.menu))
SITEMAP_URL_NAMES = tuple(s.url_name for s in _all() if s.url_name and s.in_sitemap)
