import pytest


@pytest.fixture(autouse=True)
def _emails_at_once(monkeypatch):
    """Emails leave after the registration commits (transaction.on_commit);
    tests run inside a transaction that never commits, so they leave at once."""
    from registrations import booking

    monkeypatch.setattr(
        booking.transaction, "on_commit", lambda callback, **kwargs: callback()
    )
