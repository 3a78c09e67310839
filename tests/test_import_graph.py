"""The apps depend one way, bottom to top (README, "What is where"): an app
imports only the apps below it, never one above or beside it, and the shared
helpers of rfve_site import no app, except the project's wiring.

Read from the source with `ast`, every import counted (inside functions too):
a new module or a new app is covered without anyone listing it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

# The same on any database: run once, on SQLite (.ci/run).
pytestmark = pytest.mark.engine_independent

ROOT = Path(settings.BASE_DIR)
# Each app's layer; an app may import the apps of lower layers only.
LAYERS = {
    "table_versions": 0,
    "outbox": 0,
    "audit": 0,
    "association": 0,
    "members": 1,
    "calendar_app": 2,
    "dues": 2,
    "news": 3,
    "registrations": 3,
    "pages": 4,
    "mailings": 4,  # beside pages: neither imports the other
    "assembly": 5,
    "espace": 5,
}
# rfve_site modules that wire the apps together; its other modules are
# helpers every app may use, so they import none.
WIRING = {"rfve_site/settings.py", "rfve_site/urls.py", "rfve_site/wsgi.py"}


def imported_apps(path: Path) -> set[str]:
    """The project's apps that a module imports, its own package excepted."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        found |= {name.partition(".")[0] for name in names} & LAYERS.keys()
    return found


def upward_imports() -> list[str]:
    wrong = []
    for app, layer in LAYERS.items():
        for path in sorted((ROOT / app).rglob("*.py")):
            for other in imported_apps(path) - {app}:
                if LAYERS[other] >= layer:
                    wrong.append(f"{path.relative_to(ROOT)} imports {other}")
    for path in sorted((ROOT / "rfve_site").rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        if relative not in WIRING:
            wrong += [f"{relative} imports {app}" for app in imported_apps(path)]
    return wrong


def test_every_project_app_has_a_layer():
    project_apps = [
        app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()
    ]
    assert sorted(project_apps) == sorted(LAYERS)


def test_apps_import_only_the_apps_below_them():
    assert upward_imports() == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from calendar_app.models import Event", {"calendar_app"}),
        ("import pages.views", {"pages"}),
        ("def f():\n    from dues import dues", {"dues"}),
        ("from . import models\nfrom django.db import models", set()),
    ],
)
def test_the_check_sees_every_kind_of_import(tmp_path, source, expected):
    module = tmp_path / "module.py"
    module.write_text(source)
    assert imported_apps(module) == expected
