import pytest


@pytest.fixture(autouse=True)
def _emails_after_each_request(monkeypatch, django_capture_on_commit_callbacks):
    """Emails leave after the registration commits (transaction.on_commit).
    Tests run inside a transaction that never commits: a request through the
    test client stands for one that commits, as in production, so the
    callbacks it registered run when it ends (pytest-django's
    django_capture_on_commit_callbacks). Those of a transaction rolled back
    inside it are dropped by Django: no email for a registration that was
    never saved. Code called outside a request captures them itself."""
    from django.test import Client

    request = Client.request

    def request_then_commit(self, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return request(self, **kwargs)

    monkeypatch.setattr(Client, "request", request_then_commit)
