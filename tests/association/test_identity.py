"""The association's identity: one record, checked before deploying,
validated when edited."""

import io

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from association import demo
from association.models import LEGAL_FORM, SiteSettings

pytestmark = pytest.mark.django_db


def _deploy_warnings():
    """The issuer's warnings (the legal pages' are tests/pages/test_legal_items.py)."""
    return [
        warning
        for warning in run_checks(include_deployment_checks=True, tags=["association"])
        if warning.id != "association.W003"
    ]


def test_check_deploy_names_the_missing_issuer_fields():
    SiteSettings(siret="41234567000019").save()

    (warning,) = _deploy_warnings()

    assert warning.id == "association.W001"
    assert "adresse du siège, IBAN, BIC" in warning.msg
    assert "SIRET" not in warning.msg
    err, out = io.StringIO(), io.StringIO()
    call_command("check", "--deploy", "--tag=association", stdout=out, stderr=err)
    assert "association.W001" in err.getvalue() + out.getvalue()


def test_check_deploy_is_quiet_once_the_identity_is_complete():
    demo.load()
    assert _deploy_warnings() == []


def test_check_deploy_warns_on_a_fresh_install():
    """No record yet: the defaults have a name but no address or numbers."""
    (warning,) = _deploy_warnings()
    assert "SIRET" in warning.msg


def test_defaults_legal_form_and_vat_regime():
    settings = SiteSettings.load()
    assert settings.legal_form == "association régie par la loi du 1er juillet 1901"
    assert settings.legal_form == LEGAL_FORM
    assert settings.get_vat_regime_display() == (
        "Cotisation statutaire hors du champ d’application de la TVA"
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("iban", "FR76 3000 1007 9412 3456 7890 186"),  # one digit off
        ("iban", "FR76"),
        ("iban", "FR76 3000 1007 9412 3456 7890 18é"),
        ("siret", "4123456700001"),
        ("bic", "bdfefrpp"),
        ("rna", "691000000"),
    ],
)
def test_mistyped_numbers_are_refused_in_french(field, value):
    settings = demo.load()
    setattr(settings, field, value)
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert field in refused.value.message_dict


def test_the_demo_identity_is_valid():
    demo.load().full_clean()


def test_admin_edits_the_identity(admin_client):
    demo.load()
    url = reverse("admin:association_sitesettings_change", args=[1])
    page = admin_client.get(url).content.decode().lower()
    for label in ("iban", "bic", "régime de tva des cotisations", "téléphone"):
        assert label in page
    assert admin_client.get(
        reverse("admin:association_sitesettings_changelist")
    ).url.endswith(url)
