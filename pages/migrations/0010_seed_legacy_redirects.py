"""The known addresses of the network's earlier sites (shared/seed/
network-facts.md): real data, so seeded here rather than in the demo.
Idempotent; the secretariat edits or adds entries in the admin."""

from django.db import migrations

LEGACY_ADDRESSES = [
    # (old path, query string, new address, note)
    ("adn", "", "/le-reseau/adn/", "Présentation du réseau (ancien site)."),
    ("communique-de-presse.html", "", "/presse/", "Anciens communiqués de presse."),
    (
        # Served as is when the article exists under the same address; the
        # list of news until then.
        "actualites/rencontres-avec-le-cabinet-de-la-ministre-et-les-deputes-de-la"
        "-commission-culture-et-education",
        "",
        "/actualites/",
        "Article de l’ancien site : la même adresse sert l’article s’il existe.",
    ),
    (
        "",
        "p=2090",
        "/publications/texte-d-orientation-municipales-2026/",
        "Ancien article WordPress sur les élections municipales de 2026.",
    ),
]


def seed(apps, schema_editor):
    LegacyRedirect = apps.get_model("pages", "LegacyRedirect")
    for old_path, query, target, note in LEGACY_ADDRESSES:
        LegacyRedirect.objects.get_or_create(
            old_path=old_path,
            query=query,
            defaults={"target": target, "note": note},
        )


class Migration(migrations.Migration):
    dependencies = [
        ("pages", "0009_legacyredirect"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
