"""A request for a host the site does not serve gets the French 400 page,
without a database query; the load balancer's probes answer whatever Host."""

import pytest

from tests.public_pages import public_urls

PROBES = {"health", "ready"}
FOREIGN_HOSTS = [
    "evil.example",
    "villeseducatrices.fr.evil.example",
    "evil.example:8000",
    "127.0.0.1:8000@evil.example",
    "[::1",
    "a" * 300,
    "évil.example",
]


def _assert_french_400(response, headers=True):
    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert "Requête incorrecte" in html
    assert "evil" not in html
    if headers:
        assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "url", ["/", "/sante/pret/x/", "/agenda/agenda.ics", "/robots.txt", "/sitemap.xml"]
)
@pytest.mark.parametrize("host", FOREIGN_HOSTS)
def test_foreign_host_gets_the_french_400_page(
    client, db, django_assert_num_queries, url, host
):
    with django_assert_num_queries(0):
        response = client.get(url, HTTP_HOST=host)
    _assert_french_400(response)


def test_every_public_page_refuses_a_foreign_host(client, shared_demo):
    for name, url in public_urls().items():
        if name in PROBES:
            continue
        _assert_french_400(client.get(url, HTTP_HOST="evil.example"))


def test_a_form_posted_to_a_foreign_host_gets_the_400_page(client, db):
    _assert_french_400(
        client.post("/contact/", {"name": "x"}, HTTP_HOST="evil.example")
    )


@pytest.mark.parametrize("ssl_redirect", [False, True])
@pytest.mark.parametrize("host", ["10.0.0.5:8000", "evil.example", "[::1]"])
def test_probes_answer_whatever_the_host(client, db, settings, ssl_redirect, host):
    """A load balancer asks over plain HTTP, often with the server's address."""
    settings.SECURE_SSL_REDIRECT = ssl_redirect
    response = client.get("/sante/", HTTP_HOST=host)
    assert response.status_code == 200
    assert response.content == b"ok"
    assert client.get("/sante/pret/", HTTP_HOST=host).status_code == 200


def test_https_redirect_still_applies_to_pages(client, db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/agenda/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/agenda/"
    # Refused by the redirect itself, before the CSP middleware.
    _assert_french_400(client.get("/agenda/", HTTP_HOST="evil.example"), False)
