"""Access logs never record a registration's personal link (a signed token
that opens the registration): gunicorn started as the shipped unit starts
it, and nginx with the shipped site, both write "[lien-personnel]" instead,
in the request line and the referer."""

import time
from pathlib import Path
from urllib.parse import quote

import pytest

from rfve_site.access_log import mask
from tests.deploy.servers import (
    BIN,
    NGINX,
    Servers,
    Visitor,
    free_port,
    node_environment,
    require,
)
from tests.deploy.test_two_nodes import _nginx_site
from tests.deploy.test_units import unit

TOKEN = "42:Xq3b8sJd9kLmN0pQrStUvWxYz_-AbCdEfGh"
LINK = f"/agenda/evenements/rencontres-2027/inscription/{TOKEN}/"
# The newsletter's signed links (mailings.links) act for an address too.
LETTER_LINK = f"/lettre/desinscription/{TOKEN}/"


@pytest.mark.parametrize(
    ("logged", "masked"),
    [
        (
            f"GET {LINK} HTTP/1.1",
            "GET /agenda/evenements/rencontres-2027/inscription/[lien-personnel]/"
            " HTTP/1.1",
        ),
        (
            f"https://villeseducatrices.fr{LINK}?annuler=1",
            "https://villeseducatrices.fr/agenda/evenements/rencontres-2027/inscription/[lien-personnel]/?annuler=1",
        ),
        (
            f"/agenda/evenements/x/inscription/{quote(TOKEN)}/",
            "/agenda/evenements/x/inscription/[lien-personnel]/",
        ),
        ("/agenda/evenements/x/inscription/", "/agenda/evenements/x/inscription/"),
        (
            "/agenda/evenements/x/inscription/confirmee/",
            "/agenda/evenements/x/inscription/confirmee/",
        ),
        (
            "/agenda/evenements/x/inscription/liste-attente/",
            "/agenda/evenements/x/inscription/liste-attente/",
        ),
        (
            f"POST {LETTER_LINK} HTTP/1.1",
            "POST /lettre/desinscription/[lien-personnel]/ HTTP/1.1",
        ),
        (f"/lettre/confirmer/{TOKEN}/", "/lettre/confirmer/[lien-personnel]/"),
        (
            f"/lettre/preferences/{TOKEN}/?enregistre=1",
            "/lettre/preferences/[lien-personnel]/?enregistre=1",
        ),
        ("/lettre/lettre-automne/", "/lettre/lettre-automne/"),
        ("/lettre/inscription/", "/lettre/inscription/"),
    ],
)
def test_mask(logged, masked):
    assert mask(logged) == masked


def _gunicorn_args(port: int) -> list[str]:
    """ExecStart of the shipped web unit, on a loopback port of the test."""
    [command] = unit("rfve.service")["ExecStart"]
    program, *args = command.split()
    args[args.index("--bind") + 1] = f"127.0.0.1:{port}"
    return [str(BIN / Path(program).name), *args]


def _wait_for(path: Path, text: str) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        content = path.read_text(errors="replace") if path.exists() else ""
        if text in content:
            return content
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not in {path}:\n{content}")


def test_gunicorn_and_nginx_logs_mask_personal_links(tmp_path):
    require(Path(NGINX).exists(), "nginx is not installed (apt-get install nginx)")
    env = node_environment(
        DATABASE_URL=f"sqlite:///{tmp_path / 'absent' / 'site.sqlite3'}"
    )
    servers = Servers(tmp_path)
    try:
        node = free_port()
        servers.start("gunicorn", _gunicorn_args(node), node, env)
        http, https = free_port(), free_port()
        conf = _nginx_site(tmp_path, [node, node], http, https)
        servers.start("nginx", [NGINX, "-p", tmp_path, "-c", conf], https)
        visitor = Visitor()
        referer = f"https://villeseducatrices.fr{LINK}"
        visitor.get(https, LINK, tls=True, headers={"Referer": referer})
        visitor.get(
            https, "/agenda/?depuis=lien", tls=True, headers={"Referer": referer}
        )
        visitor.close()
        nginx_log = _wait_for(tmp_path / "rfve-access.log", "/agenda/?depuis=lien")
        gunicorn_log = _wait_for(tmp_path / "gunicorn.log", "/agenda/?depuis=lien")
    finally:
        servers.stop()
    for log in (nginx_log, gunicorn_log):
        assert "inscription/[lien-personnel]/" in log
        assert TOKEN.split(":")[1] not in log
        assert log.count("[lien-personnel]") >= 3  # the link and two referers
