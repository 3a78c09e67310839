"""The demo's assemblies: the past one voted with its minutes issued, the
next one convened with two proxies; loading again rebuilds the same."""

import pytest
from django.core.management import call_command

from assembly import session
from assembly.models import Assembly, Proxy
from assembly.results import result_of
from outbox.models import OutboxMessage


def _state():
    past = Assembly.objects.filter(is_demo=True, opened_at__isnull=False).get()
    upcoming = Assembly.objects.filter(is_demo=True, opened_at__isnull=True).get()
    return past, upcoming


@pytest.mark.django_db
def test_the_demo_has_a_past_and_a_convened_assembly(shared_demo):
    past, upcoming = _state()

    quorum = session.quorum(past)
    assert quorum.reached and quorum.represented > 0
    results = [result_of(r, quorum.counted) for r in past.resolutions.all()]
    assert all(result is not None for result in results)
    assert past.resolutions.filter(secret=True, method="electronique").exists()
    # Its file went to the storage of the test that loaded the shared demo.
    assert past.minutes.is_issued and len(past.minutes.sha256) == 64
    assert upcoming.is_convened and upcoming.proxies.standing().count() == 2
    assert {p.source for p in upcoming.proxies.all()} == {
        Proxy.Source.PAPER,
        Proxy.Source.ONLINE,
    }
    assert upcoming.convocations.exclude(message=None).count() == (
        OutboxMessage.objects.filter(kind="convocation-ag").count()
    )

    call_command("load_demo_assembly", verbosity=0)
    sent = OutboxMessage.objects.count()
    call_command("load_demo_assembly", verbosity=0)

    assert Assembly.objects.filter(is_demo=True).count() == 2
    assert OutboxMessage.objects.count() == sent  # the old convocations went
    assert _state()[1].proxies.count() == 2
