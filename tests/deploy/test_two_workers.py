"""Two gunicorn processes with the default settings (database cache) and one
database: what one of them learns from an admin edit, the other shows on its
next request. A cache dropped by a signal in the process that saved would
leave the other one serving the old header and footer, or the old pages."""

from contextlib import ExitStack
from types import SimpleNamespace

import pytest

from tests.deploy.servers import (
    Servers,
    Visitor,
    database_config,
    database_url,
    footer,
    form_values,
    free_port,
    node_environment,
    own_postgres_database,
    prepare_database,
)

# Both tests on one xdist worker (make test uses --dist loadgroup): the
# servers and their database are set up once.
pytestmark = pytest.mark.xdist_group("two-workers")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    """Migrated and loaded once for the module (the tests change different
    rows); the suite's database server when it is PostgreSQL, a SQLite file
    otherwise."""
    folder = tmp_path_factory.mktemp("two-workers")
    with ExitStack() as stack:
        config = database_config()
        if config is None:
            url = f"sqlite:///{folder / 'site.sqlite3'}"
        else:
            url = database_url(
                stack.enter_context(own_postgres_database(config, "workers"))
            )
        env = node_environment(DATABASE_URL=url)
        draft_pk, draft_url = prepare_database(env)
        servers = Servers(folder)
        stack.callback(servers.stop)
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports):
            servers.gunicorn(f"worker-{number}", port, env)
        yield SimpleNamespace(ports=ports, draft=(draft_pk, draft_url))


def test_an_admin_edit_is_seen_by_the_next_request_to_either_worker(two_workers):
    first, second = two_workers.ports
    visitor, secretariat = Visitor(), Visitor()
    for port in (first, second):  # both caches warm
        html = visitor.get(port, "/").text
        assert "<strong>Réseau français des villes éducatrices</strong>" in html
        assert ">Le réseau</a>" in html
    assert secretariat.log_in(first).status == 302
    saved = secretariat.submit(
        first,
        "/admin/association/sitesettings/1/change/",
        {"name": "Villes éducatrices"},
    )
    assert saved.status == 302, saved.text
    for port in (second, first):
        assert "<strong>Villes éducatrices</strong>" in footer(
            visitor.get(port, "/").text
        )
    saved = secretariat.submit(
        second, "/admin/pages/page/1/change/", {"title": "Qui sommes-nous"}
    )
    assert saved.status == 302, saved.text
    for port in (first, second):
        assert ">Qui sommes-nous</a>" in visitor.get(port, "/").text


def test_an_event_published_on_one_worker_is_in_the_cached_pages_of_both(
    two_workers,
):
    first, second = two_workers.ports
    visitor, secretariat = Visitor(), Visitor()
    assert secretariat.log_in(first).status == 302
    pk, url = two_workers.draft
    change = f"/admin/calendar_app/event/{pk}/change/"
    _, month, year = form_values(secretariat.get(second, change).text)["starts_at_0"][
        0
    ].split("/")
    month = f"/agenda/{year}/{month}/"
    link = f'href="{url}"'
    for port in (first, second):  # each has served the page from the cache
        for _ in range(2):
            assert link not in visitor.get(port, month).text

    saved = secretariat.submit(first, change, {"status": "publie"})

    assert saved.status == 302, saved.text
    for port in (second, first):
        assert link in visitor.get(port, month).text
    saved = secretariat.submit(second, change, {"title": "Séminaire déplacé"})
    assert saved.status == 302, saved.text
    for port in (first, second):
        assert "Séminaire déplacé</a>" in visitor.get(port, month).text
