import pytest


@pytest.fixture(autouse=True)
def _issuer(request):
    """Invoices need the issuer's identity; tests of its absence ask for
    `no_issuer`."""
    uses_db = request.node.get_closest_marker("django_db") or "db" in (
        request.fixturenames
    )
    if uses_db and "no_issuer" not in request.fixturenames:
        request.getfixturevalue("issuer")


@pytest.fixture
def no_issuer():
    """The association's settings as a fresh install has them: empty."""
