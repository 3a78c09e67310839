"""Two gunicorn processes with the default settings (database cache) and one
database: what one of them learns from an admin edit, the other shows on its
next request. A cache dropped by a signal in the process that saved would
leave the other one serving the old header and footer."""

import pytest

from tests.deploy.servers import (
    Servers,
    Visitor,
    footer,
    free_port,
    node_environment,
    prepare_database,
)


@pytest.fixture
def two_workers(tmp_path):
    env = node_environment(DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}")
    prepare_database(env)
    servers = Servers(tmp_path)
    try:
        ports = [free_port(), free_port()]
        for number, port in enumerate(ports):
            servers.gunicorn(f"worker-{number}", port, env)
        yield ports
    finally:
        servers.stop()


def test_an_admin_edit_is_seen_by_the_next_request_to_either_worker(two_workers):
    first, second = two_workers
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
