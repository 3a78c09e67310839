"""The newsletter's public pages (/lettre/): the archive of sent letters and
each letter, the subscription (double opt-in), preferences and the
unsubscription reached from every message."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from rfve_site.client_address import client_key
from rfve_site.markup import render_markdown

from . import links, subscriptions
from .forms import PreferencesForm, SubscribeForm
from .models import Mailing, Topic

LETTERS_PER_PAGE = 20


def archive(request):
    letters = Mailing.objects.archived_letters().only("subject", "slug", "started_at")
    page = Paginator(letters, LETTERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "mailings/archive.html", {"page": page})


def letter(request, slug: str):
    sent = get_object_or_404(Mailing.objects.archived_letters(), slug=slug)
    context = {"letter": sent, "body": render_markdown(sent.body)}
    return render(request, "mailings/letter.html", context)


def subscribe(request):
    form = SubscribeForm(request.POST or None)
    status = 200
    if form.is_valid():
        if form.is_spam:  # as if requested: teach robots nothing
            return redirect("mailings:subscribe-sent")
        email = form.cleaned_data["email"]
        if subscriptions.too_many(email, client_key(request), timezone.now()):
            form.add_error(
                None,
                "Plusieurs demandes viennent d’être faites pour cette adresse ou "
                "depuis votre connexion : celle-ci n’a pas été envoyée. Réessayez "
                "dans une heure.",
            )
            status = 429
        else:
            # An address already subscribed gets the same answer and the same
            # email: its owner's click adds the topics chosen.
            subscriptions.request(email, list(form.cleaned_data["topics"]))
            return redirect("mailings:subscribe-sent")
    elif request.method == "POST":
        status = 400
    return render(request, "mailings/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request):
    return render(request, "mailings/subscribe_sent.html")


def confirm(request, token: str):
    """GET shows a button (a mail scanner following the link subscribes
    nobody); its POST creates the subscription. A link that does not verify
    is a 404; a genuine one past its days explains how to ask again."""
    try:
        found = links.read_confirmation(token)
    except links.LinkExpired:
        return render(request, "mailings/link_expired.html", status=410)
    if found is None:
        raise Http404("Ce lien de confirmation n’est pas valide.")
    email, topic_ids = found
    topics = Topic.objects.filter(pk__in=topic_ids)
    if request.method == "POST":
        subscriber = subscriptions.confirm(email, topic_ids, timezone.now())
        token = links.preferences_token(subscriber.email)
        return redirect(
            reverse("mailings:preferences", kwargs={"token": token}) + "?confirmee=1"
        )
    return render(request, "mailings/confirm.html", {"email": email, "topics": topics})


def preferences(request, token: str):
    email = links.read_preferences(token)
    if email is None:
        raise Http404("Ce lien de préférences n’est pas valide.")
    subscriber = subscriptions.find(email)
    form = PreferencesForm(
        request.POST or None,
        initial={"topics": list(subscriber.topics.all()) if subscriber else []},
    )
    status = 200
    message = ""
    if subscriber is not None and form.is_valid():
        subscriber.topics.set(form.cleaned_data["topics"])
        return redirect(request.path + "?enregistre=1")
    if request.method == "POST":
        status = 400 if subscriber is not None else 404
    if request.GET.get("confirmee") and subscriber:
        message = "Votre inscription est confirmée. Bienvenue !"
    elif request.GET.get("enregistre") and subscriber:
        message = "Vos choix sont enregistrés."
    context = {
        "email": email,
        "subscriber": subscriber,
        "form": form,
        "message": message,
        "unsubscribe_token": links.unsubscribe_token(email),
    }
    return render(request, "mailings/preferences.html", context, status=status)


@csrf_exempt  # RFC 8058: the signed address in the URL is the credential
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """POST unsubscribes at once (the one-click of List-Unsubscribe-Post, or
    the page's button); GET only shows the button: mail scanners follow
    links, and must never unsubscribe anybody."""
    found = links.read_unsubscribe(token)
    if found is None:
        raise Http404("Ce lien de désinscription n’est pas valide.")
    email, mailing_id = found
    mailing = Mailing.objects.filter(pk=mailing_id).first() if mailing_id else None
    if mailing_id and mailing is None:
        mailing_id = 0  # a deleted mailing: the letter's unsubscription
    context = {"email": email, "mailing": mailing, "done": False}
    if request.method == "POST":
        subscriptions.unsubscribe(email, mailing_id, timezone.now())
        context["done"] = True
    return render(request, "mailings/unsubscribe.html", context)
