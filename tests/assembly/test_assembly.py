"""The general assembly's rules: the roll at the cut-off date, the notice
period, proxies, quorum, votes (secret ballots), exact results, the minutes
frozen at issue."""

import datetime as dt
import hashlib
from decimal import Decimal
from html import unescape

import pytest
from django.core import mail
from django.db import models
from django.urls import reverse

from assembly import convocation, minutes, proxies, roll, session, voting
from assembly.models import (
    AgendaItem,
    Assembly,
    Ballot,
    Choice,
    ConvocationSending,
    FrozenError,
    Minutes,
    Participation,
    Resolution,
)
from assembly.results import Result
from association.models import AssemblyMajority, AssemblyVoteBasis, SiteSettings
from dues.models import Invoice
from members.models import Mandate, Member
from outbox.models import OutboxMessage
from tests.dues.facturx_checks import xmp
from tests.factories import (
    DuesCallFactory,
    EventFactory,
    EventTypeFactory,
    MandateFactory,
    MemberFactory,
    PaymentFactory,
    paris,
)

pytestmark = pytest.mark.django_db

ASSEMBLY_DAY = paris(2027, 6, 12, 10)
CUTOFF = dt.date(2027, 5, 12)


@pytest.fixture
def clock(monkeypatch):
    def set_to(*args):
        moment = paris(*args)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    set_to(2027, 5, 20, 9)  # 23 days before the assembly
    return set_to


@pytest.fixture
def rules(db):
    rules = SiteSettings.load()
    rules.ag_electronic_voting = True
    rules.ag_electronic_voting_article = "article 15"
    rules.save()
    return rules


def city(name, *, paid_on=dt.date(2027, 3, 1), paid="900", email=True, **kwargs):
    member = MemberFactory(authority__name=name, **kwargs)
    if paid_on is not None:
        call = DuesCallFactory(member=member, year=2027, amount=Decimal("900"))
        PaymentFactory(call=call, paid_on=paid_on, amount=Decimal(paid))
    MandateFactory(
        person__member=member,
        person__first_name="Élue",
        person__last_name=name,
        person__email=f"ag@{name.lower()}.example" if email else "",
        body=Mandate.Body.ASSEMBLY,
        start=dt.date(2026, 1, 1),
    )
    return member


@pytest.fixture
def cities(rules):
    """Five voting cities, and four left out for four reasons."""
    return {
        "voting": [city(name) for name in ("Amiens", "Brest", "Caen", "Dijon", "Évry")],
        "late": city("Fréjus", paid_on=dt.date(2027, 5, 20)),
        "partly": city("Gap", paid="400"),
        "suspended": city("Hyères", status=Member.Status.SUSPENDED),
        "no_call": city("Istres", paid_on=None),
    }


@pytest.fixture
def assembly(cities):
    event = EventFactory(
        title="Assemblée générale 2027",
        event_type=EventTypeFactory(
            name="Assemblée générale", slug="assemblee-generale"
        ),
        starts_at=ASSEMBLY_DAY,
        place="Hôtel de ville de Villeurbanne",
    )
    assembly = Assembly.objects.create(event=event, dues_year=2027, cutoff_date=CUTOFF)
    AgendaItem.objects.create(assembly=assembly, order=1, title="Rapport moral")
    AgendaItem.objects.create(assembly=assembly, order=2, title="Comptes 2026")
    return assembly


def entry(assembly, member):
    return assembly.roll.get(member=member)


@pytest.fixture
def convened(assembly, clock):
    convocation.send_convocation(assembly)
    assembly.refresh_from_db()
    return assembly


# --- The roll ----------------------------------------------------------------


def test_the_roll_counts_the_dues_paid_at_the_cutoff_date(assembly, cities):
    roll.compute_roll(assembly)

    reasons = {e.city_name: e.excluded_reason for e in assembly.roll.all()}
    voting = [name for name, reason in reasons.items() if not reason]
    assert voting == ["Amiens", "Brest", "Caen", "Dijon", "Évry"]
    assert (
        reasons["Fréjus"]
        == "cotisation 2027 non soldée au 12/05/2027 (reste 900,00\u00a0€)"
    )
    assert (
        reasons["Gap"]
        == "cotisation 2027 non soldée au 12/05/2027 (reste 500,00\u00a0€)"
    )
    assert reasons["Hyères"] == "adhésion suspendue"
    assert reasons["Istres"] == "aucun appel de cotisation 2027"
    amiens = entry(assembly, cities["voting"][0])
    assert (amiens.votes, amiens.representative_name) == (1, "Élue Amiens")
    assert amiens.representative_email == "ag@amiens.example"


def test_a_credit_note_issued_after_the_cutoff_does_not_count(assembly, cities):
    call = cities["partly"].dues_calls.get()
    invoice = Invoice.objects.create(
        kind=Invoice.Kind.INVOICE,
        series=Invoice.Series.DUES,
        year=2027,
        sequence=1,
        number="2027-0001",
        call=call,
        issued_on=dt.date(2027, 1, 15),
        total=Decimal("900"),
        recipient_name="Gap",
        data={},
        file="f.pdf",
        sha256="0" * 64,
    )
    Invoice.objects.create(
        credited_invoice=invoice,
        kind=Invoice.Kind.CREDIT_NOTE,
        series=Invoice.Series.CREDIT_NOTES,
        year=2027,
        sequence=1,
        number="AV-2027-0001",
        call=call,
        issued_on=dt.date(2027, 5, 13),
        total=Decimal("500"),
        recipient_name="Gap",
        data={},
        file="x.pdf",
        sha256="0" * 64,
    )
    roll.compute_roll(assembly)
    assert entry(assembly, cities["partly"]).excluded_reason.startswith(
        "cotisation 2027 non soldée"
    )

    assembly.cutoff_date = dt.date(2027, 5, 13)
    assembly.save()
    roll.compute_roll(assembly)
    assert entry(assembly, cities["partly"]).may_vote


def test_weighted_statutes_give_votes_by_population(rules):
    rules.ag_vote_basis = AssemblyVoteBasis.WEIGHTED
    rules.ag_weight_population = 50_000
    rules.ag_weight_max = 5
    assert [roll.votes_for(p, rules) for p in (900, 50_000, 163_000, 900_000)] == [
        1,
        2,
        4,
        5,
    ]


# --- Convocation -------------------------------------------------------------


def test_a_convocation_inside_the_notice_period_is_refused(assembly, clock):
    clock(2027, 5, 29, 9)  # 14 days before; the statutes want 15

    with pytest.raises(convocation.ConvocationError) as refused:
        convocation.send_convocation(assembly)

    assert str(refused.value).startswith(
        "Convocation refusée : les statuts (article 11) exigent qu’elle parte au "
        "moins 15 jours avant l’assemblée du 12/06/2027, soit le 28/05/2027 au "
        "plus tard"
    )
    assembly.refresh_from_db()
    assert not assembly.is_convened
    assert not OutboxMessage.objects.exists()


def test_the_last_day_of_the_notice_period_is_allowed(assembly, clock):
    clock(2027, 5, 28, 23, 30)
    assert len(convocation.send_convocation(assembly)) == 5


def test_the_convocation_goes_to_each_representative_logged_and_freezes_the_roll(
    assembly, cities, clock, django_user_model
):
    secretary = django_user_model.objects.create_user("secretaire")

    sendings = convocation.send_convocation(assembly, secretary)

    assert sorted(m.to[0] for m in mail.outbox) == [
        f"ag@{name}.example" for name in ("amiens", "brest", "caen", "dijon", "évry")
    ]
    message = mail.outbox[0]
    assert "\n\n1. Rapport moral\n2. Comptes 2026\n" in message.body
    assert "1 voix" in message.body
    assert message.subject == (
        "Convocation\u202f: assemblée générale ordinaire du 12 juin 2027"
    )
    proof = ConvocationSending.objects.get(email="ag@amiens.example")
    assert proof.sent_by == secretary and proof.message.status == "sent"
    assert proof.sent_at == paris(2027, 5, 20, 9)
    assert len(sendings) == 5
    # Frozen: a late payment no longer changes the roll.
    assembly.refresh_from_db()
    with pytest.raises(FrozenError):
        roll.compute_roll(assembly)
    with pytest.raises(convocation.ConvocationError):
        convocation.send_convocation(assembly)


def test_the_convocation_waits_for_the_cutoff_date(assembly, clock):
    clock(2027, 5, 11, 9)
    with pytest.raises(convocation.ConvocationError, match="pas encore passée"):
        convocation.send_convocation(assembly)


# --- Proxies -----------------------------------------------------------------


def test_the_proxy_cap_per_holder_is_enforced(convened, cities):
    amiens, brest, caen, dijon, _evry = cities["voting"]
    proxies.give_proxy(convened, brest, amiens)
    proxies.give_proxy(convened, caen, amiens)

    with pytest.raises(proxies.ProxyError) as refused:
        proxies.give_proxy(convened, dijon, amiens)

    assert str(refused.value) == (
        "Amiens détient déjà 2 pouvoir(s) : les statuts en permettent 2 au plus "
        "par ville (article 12)."
    )


def test_principal_and_holder_must_vote(convened, cities):
    amiens = cities["voting"][0]
    with pytest.raises(proxies.ProxyError, match="Fréjus ne vote pas"):
        proxies.give_proxy(convened, cities["late"], amiens)
    with pytest.raises(proxies.ProxyError, match="Fréjus ne vote pas"):
        proxies.give_proxy(convened, amiens, cities["late"])
    other = MemberFactory()
    with pytest.raises(proxies.ProxyError, match="pas sur la liste"):
        proxies.give_proxy(convened, other, amiens)


def test_no_chain_of_proxies(convened, cities):
    amiens, brest, caen, *_ = cities["voting"]
    proxies.give_proxy(convened, brest, amiens)
    with pytest.raises(proxies.ProxyError, match="détient déjà des pouvoirs"):
        proxies.give_proxy(convened, amiens, caen)
    with pytest.raises(proxies.ProxyError, match="a donné son propre pouvoir"):
        proxies.give_proxy(convened, caen, brest)
    with pytest.raises(proxies.ProxyError, match="a déjà donné un pouvoir"):
        proxies.give_proxy(convened, brest, caen)


def test_no_proxy_before_the_roll_is_frozen(assembly, cities):
    roll.compute_roll(assembly)
    amiens, brest, *_ = cities["voting"]
    with pytest.raises(proxies.ProxyError, match="pas encore arrêtée"):
        proxies.give_proxy(assembly, brest, amiens)


# --- Quorum ------------------------------------------------------------------


def mark_present(assembly, *members):
    assembly.roll.filter(member__in=members).update(present=True)


def test_quorum_counts_present_and_represented_votes(convened, cities):
    amiens, brest, caen, dijon, _evry = cities["voting"]
    proxies.give_proxy(convened, caen, amiens)
    proxies.give_proxy(convened, dijon, brest)
    mark_present(convened, amiens)
    # 5 votes on the roll, 50 %: 3 required. Amiens and its proxy: 2.
    assert session.live_quorum(convened) == session.Quorum(5, 1, 1, 3)
    assert not session.live_quorum(convened).reached

    mark_present(convened, brest)
    assert session.live_quorum(convened) == session.Quorum(5, 2, 2, 3)

    # A principal who comes anyway is not counted twice.
    mark_present(convened, caen)
    assert session.live_quorum(convened).counted == 4


def test_the_quorum_is_frozen_at_the_opening(convened, cities):
    amiens, brest, caen, *_ = cities["voting"]
    proxies.give_proxy(convened, caen, amiens)
    mark_present(convened, amiens, brest)
    session.open_session(convened)
    convened.refresh_from_db()

    mark_present(convened, *cities["voting"])

    assert session.quorum(convened) == session.Quorum(5, 2, 1, 3)
    assert convened.quorum_reached
    with pytest.raises(proxies.ProxyError, match="séance est ouverte"):
        proxies.give_proxy(convened, cities["voting"][3], brest)


def test_second_convocation_quorum(convened, rules):
    convened.round = Assembly.Round.SECOND
    assert session.live_quorum(convened).required == 0
    assert session.required_votes(25, 50) == 13


# --- Votes -------------------------------------------------------------------


@pytest.fixture
def in_session(convened, cities):
    amiens, brest, caen, dijon, evry = cities["voting"]
    proxies.give_proxy(convened, caen, amiens)
    mark_present(convened, amiens, brest, dijon)
    session.open_session(convened)
    convened.refresh_from_db()
    return convened


def electronic(assembly, *, secret=True, order=1):
    resolution = Resolution.objects.create(
        assembly=assembly,
        order=order,
        title="Élection du conseil d’administration",
        text="L’assemblée élit…",
        secret=secret,
        method=Resolution.Method.ELECTRONIC,
    )
    voting.open_ballot(resolution)
    resolution.refresh_from_db()
    return resolution


def test_a_principal_cannot_vote_while_represented(in_session, cities):
    amiens, brest, caen, *_ = cities["voting"]
    resolution = electronic(in_session)

    with pytest.raises(voting.VoteError) as refused:
        voting.cast_ballot(resolution, caen, Choice.FOR)
    assert str(refused.value) == (
        "Caen a donné pouvoir à Amiens : seule la ville mandataire vote pour elle "
        "tant que le pouvoir court."
    )
    with pytest.raises(voting.VoteError, match="seule la ville mandataire"):
        voting.cast_ballot(resolution, caen, Choice.FOR, cast_by=brest)
    with pytest.raises(voting.VoteError, match="Brest ne détient pas le pouvoir"):
        voting.cast_ballot(resolution, cities["voting"][3], Choice.FOR, cast_by=brest)

    voting.cast_ballot(resolution, caen, Choice.AGAINST, cast_by=amiens)
    voting.cast_ballot(resolution, amiens, Choice.FOR)
    with pytest.raises(voting.VoteError, match="déjà voté"):
        voting.cast_ballot(resolution, amiens, Choice.AGAINST)
    assert Participation.objects.filter(resolution=resolution).count() == 2
    assert Ballot.objects.filter(resolution=resolution).count() == 2


def test_a_secret_ballot_cannot_be_tied_to_its_voter(in_session, cities):
    amiens, brest, caen, dijon, evry = cities["voting"]
    resolution = electronic(in_session)
    for member, choice in [
        (amiens, Choice.FOR),
        (brest, Choice.AGAINST),
        (dijon, Choice.FOR),
        (evry, Choice.ABSTENTION),
    ]:
        voting.cast_ballot(resolution, member, choice)

    # The ballot table: its choice and its resolution, nothing else; no
    # column pointing at a city, a person or a participation, no time.
    fields = {field.name: field for field in Ballot._meta.concrete_fields}
    assert set(fields) == {"id", "resolution", "choice"}
    assert isinstance(fields["id"], models.UUIDField)
    assert not any(
        isinstance(field, models.DateField | models.DateTimeField)
        for field in [*Ballot._meta.concrete_fields]
    )
    # Listed by choice, then by a random key: never in the order cast.
    listed = list(Ballot.objects.filter(resolution=resolution))
    assert [ballot.choice for ballot in listed] == sorted(
        ballot.choice for ballot in listed
    )
    # Participations say who voted, not how.
    participations = Participation.objects.filter(resolution=resolution)
    assert set(participations.values_list("public_choice", flat=True)) == {""}
    assert {field.name for field in Participation._meta.concrete_fields} == {
        "id",
        "resolution",
        "voter",
        "cast_by",
        "public_choice",
    }


def test_a_public_electronic_vote_says_how_each_city_voted(in_session, cities):
    resolution = electronic(in_session, secret=False)
    voting.cast_ballot(resolution, cities["voting"][1], Choice.AGAINST)
    assert Participation.objects.get().public_choice == Choice.AGAINST


def test_electronic_voting_needs_the_statutes(in_session, rules):
    resolution = electronic(in_session)
    rules.ag_electronic_voting = False
    rules.save()
    with pytest.raises(voting.VoteError, match="ne prévoient pas le vote électronique"):
        voting.cast_ballot(resolution, resolution.assembly.roll.first().member, "pour")
    other = Resolution.objects.create(
        assembly=in_session,
        order=2,
        title="Autre",
        text="…",
        method=Resolution.Method.ELECTRONIC,
    )
    with pytest.raises(voting.VoteError, match="ne prévoient pas"):
        voting.open_ballot(other)


def test_a_closed_vote_takes_no_ballot_and_gives_its_result(in_session, cities):
    amiens, brest, *_ = cities["voting"]
    resolution = electronic(in_session)
    voting.cast_ballot(resolution, amiens, Choice.FOR)
    voting.close_ballot(resolution)
    resolution.refresh_from_db()
    with pytest.raises(voting.VoteError, match="pas ouvert"):
        voting.cast_ballot(resolution, brest, Choice.AGAINST)
    from assembly.results import result_of

    assert result_of(resolution, 4).wording == (
        "adoptée : 1 pour, 0 contre, 0 abstention(s)"
    )


def test_show_of_hands_cannot_count_more_than_present_and_represented(in_session):
    resolution = Resolution.objects.create(
        assembly=in_session, order=1, title="Comptes", text="Approuvés."
    )
    with pytest.raises(voting.VoteError, match="5 voix comptées pour 4"):
        voting.record_show_of_hands(resolution, 3, 1, 1)
    voting.record_show_of_hands(resolution, 3, 1, 0)
    assert (resolution.votes_for, resolution.votes_against) == (3, 1)


@pytest.mark.parametrize(
    ("majority", "votes", "total", "adopted"),
    [
        (AssemblyMajority.SIMPLE, (4, 3, 10), 17, True),
        (AssemblyMajority.SIMPLE, (3, 3, 0), 6, False),  # a tie is rejected
        (AssemblyMajority.SIMPLE, (0, 0, 5), 5, False),
        (AssemblyMajority.TWO_THIRDS, (6, 3, 0), 9, True),  # exactly two thirds
        (AssemblyMajority.TWO_THIRDS, (5, 3, 9), 17, False),  # 62.5 %
        (AssemblyMajority.TWO_THIRDS, (0, 0, 2), 2, False),
        (AssemblyMajority.ABSOLUTE, (5, 2, 4), 11, False),  # abstentions weigh
        (AssemblyMajority.ABSOLUTE, (6, 1, 4), 11, True),
        (AssemblyMajority.ABSOLUTE, (5, 0, 0), 10, False),  # half is not more
    ],
)
def test_results_are_exact(majority, votes, total, adopted):
    assert Result(*votes, majority, total).adopted is adopted


# --- Minutes -----------------------------------------------------------------


def test_the_minutes_are_drafted_from_the_frozen_data_and_frozen_at_issue(
    in_session, rules
):
    resolution = Resolution.objects.create(
        assembly=in_session, order=1, title="Comptes 2026", text="Approuvés."
    )
    voting.record_show_of_hands(resolution, 3, 1, 0)
    draft = minutes.draft(in_session)
    assert "- Voix des villes présentes : 3" in draft.text
    assert "- Voix représentées par pouvoir : 1" in draft.text
    assert "- Quorum requis : 3 voix (article 13 des statuts)" in draft.text
    assert "Pouvoirs : Caen à Amiens." in draft.text
    assert "**Résolution adoptée : 3 pour, 1 contre, 0 abstention(s).**" in draft.text

    draft.text += "\n\nAjout du secrétariat."
    draft.save()
    issued = minutes.issue(draft)

    pdf = minutes.read_pdf(issued)
    assert pdf.startswith(b"%PDF-")
    metadata = xmp(pdf)
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in metadata  # PDF/A-3b
    assert hashlib.sha256(pdf).hexdigest() == issued.sha256
    issued.text = "Autre texte"
    with pytest.raises(FrozenError):
        issued.save()
    with pytest.raises(FrozenError):
        issued.delete()
    with pytest.raises(FrozenError):
        minutes.draft(in_session)
    assert Minutes.objects.get().text.endswith("Ajout du secrétariat.")


def test_a_changed_minutes_file_is_refused(in_session, settings):
    issued = minutes.issue(minutes.draft(in_session))
    from dues.documents import storage

    with storage().open(issued.file, "wb") as stored:
        stored.write(b"%PDF-1.7 forged")
    with pytest.raises(minutes.MinutesIntegrityError, match="SHA-256"):
        minutes.read_pdf(issued)


# --- The secretariat's admin -------------------------------------------------


def text_of(response) -> str:
    """The page's text with French typography's fixed spaces as spaces."""
    return (
        unescape(response.content.decode())
        .replace("\u202f", " ")
        .replace("\u00a0", " ")
    )


def test_the_admin_shows_the_live_quorum_and_the_holders(
    convened, cities, staff_client
):
    amiens, brest, caen, *_ = cities["voting"]
    proxies.give_proxy(convened, caen, amiens)
    mark_present(convened, amiens)

    page = text_of(
        staff_client.get(reverse("admin:assembly_assembly_change", args=[convened.pk]))
    )

    assert "1 voix présentes + 1 représentées = 2 sur 5" in page
    assert "quorum requis : 3 ; non atteint (en direct)" in page
    assert "cotisation 2027 non soldée au 12/05/2027" in page
    roll_page = staff_client.get(
        reverse("admin:assembly_rollentry_changelist"),
        {"assembly__id__exact": convened.pk},
    ).content.decode()
    assert "Quorum" in roll_page and "Amiens" in roll_page


def test_the_admin_refuses_a_proxy_over_the_cap_in_french(
    convened, cities, staff_client
):
    amiens, brest, caen, dijon, evry = cities["voting"]
    proxies.give_proxy(convened, brest, amiens)
    proxies.give_proxy(convened, caen, amiens)
    url = reverse("admin:assembly_proxy_add")
    entries = {e.member_id: e.pk for e in convened.roll.all()}

    response = staff_client.post(
        url,
        {
            "assembly": convened.pk,
            "principal": entries[dijon.pk],
            "holder": entries[amiens.pk],
            "signed_by": "Maire de Dijon",
        },
    )

    assert response.status_code == 200
    assert "les statuts en permettent 2 au plus par ville" in text_of(response)
    assert convened.proxies.count() == 2

    response = staff_client.post(
        url,
        {
            "assembly": convened.pk,
            "principal": entries[dijon.pk],
            "holder": entries[evry.pk],
            "signed_by": "Maire de Dijon",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    proxy = convened.proxies.get(principal__member=dijon)
    assert (proxy.holder.member, proxy.source) == (evry, "papier")


def test_the_admin_action_says_why_a_convocation_is_refused(
    assembly, clock, staff_client
):
    # 10 days before the assembly (clock: 20 May); the statutes want 15.
    assembly.event.starts_at = paris(2027, 5, 30, 10)
    assembly.event.ends_at = paris(2027, 5, 30, 12)
    assembly.event.save()
    response = staff_client.post(
        reverse("admin:assembly_assembly_changelist"),
        {"action": "send_convocation", "_selected_action": [assembly.pk]},
        follow=True,
    )
    assert "Convocation refusée : les statuts (article 11)" in text_of(response)
    assert not OutboxMessage.objects.exists()


def test_the_live_quorum_costs_the_same_queries_whatever_the_roll(
    convened, cities, django_assert_max_num_queries
):
    amiens, brest, caen, *_ = cities["voting"]
    proxies.give_proxy(convened, caen, amiens)
    with django_assert_max_num_queries(3):
        small = session.live_quorum(convened, SiteSettings.load())
    for index in range(30):
        convened.roll.create(
            member=MemberFactory(), city_name=f"Ville {index}", votes=1
        )
    with django_assert_max_num_queries(3):
        large = session.live_quorum(convened, SiteSettings.load())
    assert (small.voters, large.voters) == (5, 35)
