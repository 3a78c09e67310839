"""The newsletter's public side: double opt-in, preferences, one-click
unsubscribe (RFC 8058), the archive in the search and the sitemap."""

import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from mailings import links
from mailings.models import Recipient, Subscriber
from outbox.models import OutboxMessage, SuppressedAddress
from tests.factories import (
    LetterFactory,
    MailingFactory,
    SubscriberFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db
SUBSCRIBE_URL = reverse("mailings:subscribe")


def _link(text: str, route: str) -> str:
    return re.search(rf"https://[^/\s]+(/lettre/{route}/[^\s]+/)", text)[1]


def _subscribe(client, email="lea.martin@exemple.fr", topics=(), **extra):
    data = {"email": email, "topics": [topic.pk for topic in topics], **extra}
    return client.post(SUBSCRIBE_URL, data)


def test_nothing_is_subscribed_before_the_confirmation_click(client):
    agenda, publications = TopicFactory(name="Agenda"), TopicFactory()
    response = _subscribe(client, topics=[agenda, publications])
    assert response.status_code == 302
    assert Subscriber.objects.count() == 0
    [email] = mail.outbox
    assert email.to == ["lea.martin@exemple.fr"]
    assert "Agenda" in email.body
    confirm = _link(email.body, "confirmer")

    page = client.get(confirm)  # a mail scanner following the link
    assert "Confirmer mon inscription" in page.text
    assert Subscriber.objects.count() == 0

    response = client.post(confirm)
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "lea.martin@exemple.fr"
    assert set(subscriber.topics.all()) == {agenda, publications}
    assert "Votre inscription est confirmée" in client.get(response.url).text


def test_a_forged_or_altered_confirmation_link_subscribes_nobody(client):
    token = links.confirmation_token("lea@exemple.fr", [1])
    for bad in (token[:-2] + "xx", "nimportequoi"):
        url = reverse("mailings:confirm", kwargs={"token": bad})
        assert client.post(url).status_code == 404
    assert Subscriber.objects.count() == 0


def test_a_link_that_does_not_verify_is_a_french_404(client):
    tokens = {
        "mailings:confirm": links.confirmation_token("lea@exemple.fr", [1]),
        "mailings:preferences": links.preferences_token("lea@exemple.fr"),
        "mailings:unsubscribe": links.unsubscribe_token("lea@exemple.fr"),
    }
    for name, token in tokens.items():
        for bad in (token[:-2] + "xx", "2147483648", "nimportequoi"):
            response = client.get(reverse(name, kwargs={"token": bad}))
            assert response.status_code == 404, (name, bad)
            assert "Page introuvable" in response.text, (name, bad)


def test_an_expired_confirmation_link_explains_itself(client):
    days_ago = time.time() - (links.CONFIRMATION_DAYS + 1) * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=days_ago):
        token = links.confirmation_token("lea@exemple.fr", [TopicFactory().pk])
    url = reverse("mailings:confirm", kwargs={"token": token})
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 410
        assert "Ce lien a expiré" in response.text
    assert Subscriber.objects.count() == 0


def test_an_address_already_subscribed_gets_the_same_answer(client):
    topic = TopicFactory()
    SubscriberFactory(email="lea.martin@exemple.fr", topics=[topic])
    first = _subscribe(client, topics=[topic])
    second = _subscribe(client, email="nouvelle@exemple.fr", topics=[topic])
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert len(mail.outbox) == 2


def test_the_honeypot_answers_as_if_sent_and_sends_nothing(client):
    response = _subscribe(client, topics=[TopicFactory()], website="http://spam")
    assert response.status_code == 302
    assert mail.outbox == []


def test_requests_are_throttled_per_address(client):
    topic = TopicFactory()
    for _ in range(3):
        assert _subscribe(client, topics=[topic]).status_code == 302
    response = _subscribe(client, topics=[topic])
    assert response.status_code == 429
    assert "Réessayez dans une heure" in response.text
    assert len(mail.outbox) == 3


def test_bad_input_gets_a_french_answer(client):
    response = _subscribe(client, email="pas-une-adresse", topics=[])
    assert response.status_code == 400
    assert "n’est pas valide" in response.text
    assert "Choisissez au moins un thème" in response.text


def test_one_click_post_unsubscribes_without_csrf_token():
    SubscriberFactory(email="lea@exemple.fr", topics=[TopicFactory()])
    letter = LetterFactory()
    url = reverse(
        "mailings:unsubscribe",
        kwargs={"token": links.unsubscribe_token("lea@exemple.fr", letter.pk)},
    )
    client = Client(enforce_csrf_checks=True)
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscriber.objects.exists()


def test_a_get_never_unsubscribes(client):
    SubscriberFactory(email="lea@exemple.fr", topics=[TopicFactory()])
    url = links.unsubscribe_url("lea@exemple.fr").removeprefix("https://")
    url = url[url.index("/") :]
    response = client.get(url)
    assert response.status_code == 200
    assert "Confirmer la désinscription" in response.text
    assert Subscriber.objects.filter(email="lea@exemple.fr").exists()
    assert client.head(url).status_code == 200
    assert client.put(url).status_code == 405
    assert Subscriber.objects.filter(email="lea@exemple.fr").exists()


def test_unsubscribing_from_a_mailing_suppresses_the_address(client):
    mailing = MailingFactory()
    Recipient.objects.create(mailing=mailing, email="elu@ville.fr")
    url = reverse(
        "mailings:unsubscribe",
        kwargs={"token": links.unsubscribe_token("elu@ville.fr", mailing.pk)},
    )
    client.post(url)
    suppressed = SuppressedAddress.objects.get(email="elu@ville.fr")
    assert suppressed.reason == SuppressedAddress.Reason.UNSUBSCRIBED
    assert Recipient.objects.get().unsubscribed_at is not None


def test_a_forged_unsubscription_link_is_refused(client):
    SubscriberFactory(email="lea@exemple.fr")
    token = links.unsubscribe_token("lea@exemple.fr")
    url = reverse("mailings:unsubscribe", kwargs={"token": token + "0"})
    assert client.post(url).status_code == 404
    assert Subscriber.objects.exists()


def test_preferences_change_the_topics(client):
    agenda, publications = TopicFactory(), TopicFactory()
    subscriber = SubscriberFactory(email="lea@exemple.fr", topics=[agenda])
    url = reverse(
        "mailings:preferences",
        kwargs={"token": links.preferences_token("lea@exemple.fr")},
    )
    assert client.get(url).status_code == 200
    response = client.post(url, {"topics": [publications.pk]})
    assert response.status_code == 302
    assert list(subscriber.topics.all()) == [publications]


def test_the_archive_shows_sent_letters_only(client):
    sent = LetterFactory(subject="La lettre des cantines")
    draft = LetterFactory(subject="Brouillon secret", started_at=None, finished_at=None)
    MailingFactory(subject="Envoi privé", started_at=sent.started_at)
    archive = client.get(reverse("mailings:letters")).text
    assert "La lettre des cantines" in archive
    assert "Brouillon secret" not in archive
    assert "Envoi privé" not in archive
    assert client.get(sent.get_absolute_url()).status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_sent_letters_are_in_the_search_and_the_sitemap(client):
    search = reverse("pages:search") + "?q=cantines"
    assert "La lettre des cantines" not in client.get(search).text
    letter = LetterFactory(subject="La lettre des cantines")
    LetterFactory(
        subject="Les cantines en brouillon", started_at=None, finished_at=None
    )
    found = client.get(search).text
    assert "La lettre des cantines" in found
    assert "Les cantines en brouillon" not in found
    assert letter.get_absolute_url() in client.get(reverse("sitemap")).text


def test_the_privacy_page_states_both_processings(client):
    text = client.get(reverse("pages:privacy")).text
    assert "Lettre d’information" in text
    assert "Votre consentement" in text
    assert "Envois aux contacts professionnels des villes adhérentes" in text
    assert "s’opposer aux envois suivants en un clic" in text


def test_confirmation_email_is_in_the_outbox(client):
    _subscribe(client, topics=[TopicFactory()])
    assert OutboxMessage.objects.get().kind == "lettre-confirmation"
