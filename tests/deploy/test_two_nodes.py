"""A two-node deployment as deploy/ describes it, on loopback: PostgreSQL,
Redis as the shared cache, two gunicorn nodes with the same settings and
nginx from the shipped site configuration in front of both (TLS with a
throwaway certificate). Needs DATABASE_URL=postgres://… (CI's second run);
skipped on SQLite, and where nginx or redis-server are missing except in CI."""

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from tests.deploy.servers import (
    NGINX,
    REDIS,
    ROOT,
    CuttableProxy,
    Servers,
    Visitor,
    _SiteConnection,
    count_requests,
    database_config,
    database_url,
    footer,
    form_values,
    free_port,
    node_environment,
    own_postgres_database,
    prepare_database,
    require,
)

# Concurrent requests per client and URL through nginx (8 clients): enough
# for both nodes to answer in parallel; the figures are in `make bench`.
LOAD_REQUESTS = int(os.environ.get("LOAD_REQUESTS", "25"))
DEPLOY = ROOT / "deploy" / "nginx"


def _nginx_site(folder: Path, nodes: list[int], http: int, https: int) -> Path:
    """The shipped site with only addresses, ports and paths replaced."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=villeseducatrices.fr", "-keyout", folder / "key.pem"]
        + ["-out", folder / "cert.pem"],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "rfve.conf").read_text()
    certificates = "/etc/letsencrypt/live/villeseducatrices.fr"
    replacements = {
        "10.0.0.11:8000": f"127.0.0.1:{nodes[0]}",
        "10.0.0.12:8000": f"127.0.0.1:{nodes[1]}",
        "listen 80": f"listen 127.0.0.1:{http}",
        "listen 443": f"listen 127.0.0.1:{https}",
        "/etc/nginx/snippets/": f"{DEPLOY}/",
        f"{certificates}/fullchain.pem": f"{folder}/cert.pem",
        f"{certificates}/privkey.pem": f"{folder}/key.pem",
        "/srv/rfve/media/": f"{folder}/media/",
        "/var/log/nginx/": f"{folder}/",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, new)
    # No IPv6 on the test machine's loopback.
    site = "\n".join(line for line in site.splitlines() if "[::]" not in line)
    (folder / "media").mkdir(exist_ok=True)  # the demo may have filled it
    user = "user root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"{user}\ndaemon off;\npid {folder}/nginx.pid;\n"
        f"error_log {folder}/nginx-error.log;\nevents {{}}\n"
        f"http {{\naccess_log {folder}/nginx-access.log;\n{site}\n}}\n"
    )
    return conf


@pytest.fixture
def postgres_database():
    """A database of its own, dropped at the end: the nodes share it."""
    config = database_config()
    if config is None:
        pytest.skip("needs PostgreSQL (CI's second run)")
    with own_postgres_database(config, "nodes") as own:
        yield own


@pytest.fixture
def deployment(tmp_path, postgres_database):
    require(Path(NGINX).exists(), "nginx is not installed (apt-get install nginx)")
    require(Path(REDIS).exists(), "redis-server is not installed")
    config = postgres_database
    database_port = int(config["PORT"] or 5432)
    redis_port = free_port()
    common = {
        "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    env = node_environment(DATABASE_URL=database_url(config), **common)
    draft_pk, draft_url = prepare_database(env)
    # Node b reaches the database through a link the test can cut.
    link = CuttableProxy(database_port)
    servers = Servers(tmp_path)
    try:
        servers.start(
            "redis",
            [REDIS, "--bind", "127.0.0.1", "--port", redis_port, "--save", ""]
            + ["--appendonly", "no", "--dir", tmp_path]
            # Bounded as deploy/redis/rfve.conf bounds it.
            + ["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"],
            redis_port,
        )
        nodes = [free_port(), free_port()]
        servers.gunicorn("node-a", nodes[0], env, workers=2)
        env_b = env | {"DATABASE_URL": database_url(config, link.port)}
        servers.gunicorn("node-b", nodes[1], env_b, workers=2)
        http, https = free_port(), free_port()
        conf = _nginx_site(tmp_path, nodes, http, https)
        servers.start("nginx", [NGINX, "-p", tmp_path, "-c", conf], https)
        # A background worker on each node, as deploy/systemd/rfve-worker.service.
        for name, node_env in (("worker-a", env), ("worker-b", env_b)):
            servers.worker(name, node_env | {"PYTHONUNBUFFERED": "1"})
        yield {
            "nodes": nodes,
            "nginx": https,
            "servers": servers,
            "link": link,
            "draft": (draft_pk, draft_url),
            "database": config,
        }
    finally:
        servers.stop()
        link.cut()


def _wait_until_sent(config, count: int, kind: str) -> list[str]:
    """The Message-IDs of the outbox's messages of `kind`, once `count` are
    sent (the demo's own, e.g. its assembly's convocations, are apart)."""
    import psycopg

    deadline = time.monotonic() + 60
    with psycopg.connect(
        host="127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname=config["NAME"],
        autocommit=True,
    ) as db:
        while True:
            rows = db.execute(
                "SELECT message_id, attempts FROM outbox_outboxmessage"
                " WHERE status = 'sent' AND kind = %s",
                [kind],
            ).fetchall()
            if len(rows) >= count or time.monotonic() > deadline:
                break
            time.sleep(0.2)
    assert len(rows) == count, rows
    assert all(attempts == 1 for _, attempts in rows)
    return [message_id for message_id, _ in rows]


def _a_publication(config) -> tuple[str, str]:
    """A demo publication's slug and stored file name."""
    import psycopg

    with psycopg.connect(
        host="127.0.0.1",
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"],
        dbname=config["NAME"],
        autocommit=True,
    ) as db:
        return db.execute(
            "SELECT slug, file FROM news_document WHERE file <> '' ORDER BY id LIMIT 1"
        ).fetchone()


def _served_by_each_node(servers, method, path) -> list[int]:
    return [
        count_requests(servers.log(node), method, path) for node in ("node-a", "node-b")
    ]


def test_two_nodes_behind_nginx(deployment, capsys):
    nodes, nginx, servers = (
        deployment["nodes"],
        deployment["nginx"],
        deployment["servers"],
    )
    visitor, secretariat = Visitor(), Visitor()

    # Both nodes serve the site through nginx, their caches warm.
    for _ in range(4):
        home = visitor.get(nginx, "/", tls=True)
        assert home.status == 200
        assert "<strong>Réseau français des villes éducatrices</strong>" in home.text
    assert all(_served_by_each_node(servers, "GET", "/"))
    # nginx compresses the iCalendar feed, not the pages (rfve.conf).
    gzip = {"Accept-Encoding": "gzip"}
    feed = visitor.get(nginx, "/agenda/agenda.ics", tls=True, headers=gzip)
    assert feed.status == 200
    assert feed.headers["Content-Encoding"] == "gzip"
    assert visitor.get(nginx, "/", tls=True, headers=gzip).headers[
        "Content-Encoding"
    ] in (None, "identity")
    # A publication's file only through its view (members-only ones are
    # read in the members' area), never from /media/ by its guessable name.
    slug, file = _a_publication(deployment["database"])
    assert visitor.get(nginx, f"/media/{file}", tls=True).status == 404
    download = visitor.get(nginx, f"/publications/{slug}/telecharger/", tls=True)
    assert download.status == 200
    draft_pk, draft_url = deployment["draft"]
    for node in nodes:
        assert visitor.get(node, draft_url).status == 404

    # A session opened through nginx is valid on either node.
    assert secretariat.log_in(nginx, tls=True).status == 302
    for node in nodes:
        assert secretariat.get(node, "/admin/").status == 200
        assert visitor.get(node, "/admin/").status == 302

    # Edits through nginx are seen at once through either node.
    token = form_values(secretariat.get(nginx, "/admin/", tls=True).text)
    published = secretariat.post(
        nginx,
        "/admin/calendar_app/event/",
        {
            "csrfmiddlewaretoken": token["csrfmiddlewaretoken"],
            "action": "publish",
            "_selected_action": draft_pk,
            "index": "0",
        },
        tls=True,
    )
    assert published.status == 302, published.text
    changed = secretariat.submit(
        nginx,
        "/admin/association/sitesettings/1/change/",
        {"name": "Villes éducatrices"},
        tls=True,
    )
    assert changed.status == 302, changed.text
    for node in nodes:
        assert visitor.get(node, draft_url).status == 200
        html = visitor.get(node, "/").text
        assert "<strong>Villes éducatrices</strong>" in footer(html)

    # The login lockout counts failures whichever node answers them: the
    # fifth failure, the nodes having seen some each, locks the address for
    # that username, right password included.
    attacker = Visitor()
    login = "/compte/login/?next=/admin/"
    token = form_values(attacker.get(nginx, login, tls=True).text)
    guess = token | {"login": "tresorerie", "password": "mauvais"}
    before = _served_by_each_node(servers, "POST", "/compte/login/")
    answers = [attacker.post(nginx, login, guess, tls=True) for _ in range(5)]
    assert [answer.status for answer in answers] == [200, 200, 200, 200, 429]
    right = guess | {"password": "mot-de-passe-tresorerie-2026"}
    assert attacker.post(nginx, login, right, tls=True).status == 429
    after = _served_by_each_node(servers, "POST", "/compte/login/")
    failures = [a - b for a, b in zip(after, before, strict=True)]
    assert all(failures) and max(failures) < 5, failures

    # So does the contact form's limit (3 messages an hour from one sender).
    writer = Visitor()
    token = form_values(writer.get(nginx, "/contact/", tls=True).text)
    message = token | {
        "name": "Camille Martin",
        "email": "camille@example.org",
        "subject": "Adhésion",
        "message": "Bonjour, comment adhérer ?",
        "website": "",
    }
    answers = [writer.post(nginx, "/contact/", message, tls=True) for _ in range(4)]
    assert [answer.status for answer in answers] == [302, 302, 302, 429]
    assert all(_served_by_each_node(servers, "POST", "/contact/"))

    # Their emails, written to the outbox by whichever node answered, are
    # each sent once by one of the two nodes' workers.
    sent = _wait_until_sent(deployment["database"], count=3, kind="contact")
    worker_logs = servers.log("worker-a") + servers.log("worker-b")
    for message_id in sent:
        assert worker_logs.count(f"Message-ID: {message_id}") == 1, message_id

    before = _served_by_each_node(servers, "GET", "/agenda/")
    figures = _load(nginx, ["/agenda/", "/"])
    with capsys.disabled():
        print("\nLoad through nginx (two nodes, -w 2 each):")
        for line in figures:
            print("  " + line)
    after = _served_by_each_node(servers, "GET", "/agenda/")
    assert all(a > b for a, b in zip(after, before, strict=True)), (before, after)

    # Node b loses its database: its readiness probe says so, nginx keeps
    # serving every page from node a.
    deployment["link"].cut()
    assert visitor.get(nodes[1], "/sante/pret/").status == 503
    assert visitor.get(nodes[0], "/sante/pret/").status == 200
    for _ in range(6):
        assert visitor.get(nginx, "/agenda/", tls=True).status == 200


def _load(port: int, paths: list[str]) -> list[str]:
    """LOAD_REQUESTS per client and path, 8 clients at once, through nginx:
    no answer may be other than 200."""
    lines = []
    for path in paths:
        started = time.monotonic()
        latencies, failures = _load_one(port, path)
        seconds = time.monotonic() - started
        count = len(latencies)
        lines.append(
            f"{path}: {count} requests in {seconds:.1f} s "
            f"({count / seconds:.0f}/s), "
            f"p50 {latencies[count // 2] * 1000:.0f} ms, "
            f"p99 {latencies[int(count * 0.99)] * 1000:.0f} ms, "
            f"{len(failures)} not 200"
        )
        assert not failures, (path, sorted(set(failures)))
    return lines


def _load_one(port: int, path: str, clients=8) -> tuple[list, list]:
    """`clients` keep-alive connections asking for `path` LOAD_REQUESTS times."""
    latencies, failures = [], []

    def client():
        connection = _SiteConnection(port)
        for _ in range(LOAD_REQUESTS):
            start = time.monotonic()
            connection.request("GET", path, headers={"Host": "villeseducatrices.fr"})
            response = connection.getresponse()
            response.read()
            latencies.append(time.monotonic() - start)
            if response.status != 200:
                failures.append(response.status)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(latencies), failures
