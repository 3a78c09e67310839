"""The systemd units as shipped, read with the production settings of
deploy/rfve.env.example: every path the site writes is writable under the
unit's sandbox, and the units start programs that exist
(`systemd-analyze verify`, where systemd is installed)."""

import configparser
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import environ
import pytest

from tests.deploy.servers import ROOT, require

DEPLOY = ROOT / "deploy"
UNITS = ["rfve.service", "rfve-worker.service"]
INSTALL = PurePosixPath("/srv/rfve")  # WorkingDirectory in the units


def unit(name: str) -> dict[str, list[str]]:
    """The [Service] section: each key with all its values (systemd keys may
    repeat), continuation lines joined."""
    text = (DEPLOY / "systemd" / name).read_text().replace("\\\n", " ")
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    values: dict[str, list[str]] = {}
    section = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        if section == "[Service]":
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value.strip())
    return values


def production_env() -> dict[str, str]:
    env = {}
    for line in (DEPLOY / "rfve.env.example").read_text().splitlines():
        if line and not line.startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            env[key] = value
    return env


def written_paths(env: dict[str, str]) -> dict[str, PurePosixPath]:
    """What the site writes while it runs, resolved as settings.py does."""
    paths = {
        "MEDIA_ROOT": PurePosixPath(env.get("MEDIA_ROOT", INSTALL / "media")),
        "PRIVATE_MEDIA_ROOT": PurePosixPath(
            env.get("PRIVATE_MEDIA_ROOT", INSTALL / "private")
        ),
    }
    database = environ.Env.db_url_config(env["DATABASE_URL"])
    if database["ENGINE"].endswith("sqlite3"):
        # SQLite writes its journal beside the file: the folder.
        paths["SQLite"] = PurePosixPath(database["NAME"]).parent
    if env.get("LOG_FILE"):
        paths["LOG_FILE"] = PurePosixPath(env["LOG_FILE"]).parent
    return paths


def writable(path: PurePosixPath, service: dict[str, list[str]]) -> bool:
    """Under ProtectSystem=strict the whole file system is read-only except
    ReadWritePaths (and the private /tmp); ProtectHome hides /home and /root."""
    if service.get("ProtectHome", ["false"])[-1] in {"true", "yes"}:
        if path.is_relative_to("/home") or path.is_relative_to("/root"):
            return False
    if service.get("ProtectSystem", ["false"])[-1] != "strict":
        return True
    allowed = [
        PurePosixPath(p.lstrip("-"))
        for value in service.get("ReadWritePaths", [])
        for p in value.split()
    ]
    return any(path.is_relative_to(folder) for folder in allowed)


@pytest.mark.parametrize("name", UNITS)
def test_every_path_the_site_writes_is_writable_under_the_unit(name):
    service = unit(name)
    assert service["WorkingDirectory"] == [str(INSTALL)]
    for setting, path in written_paths(production_env()).items():
        assert writable(path, service), f"{name}: {setting} ({path}) is read-only"


@pytest.mark.parametrize(
    "database",
    ["sqlite:////srv/rfve/db/rfve.sqlite3", "sqlite:////var/lib/rfve/rfve.sqlite3"],
)
def test_the_check_sees_a_sqlite_file_outside_the_writable_paths(database):
    """The test can fail: a SQLite file the operator would put elsewhere is
    reported, as the private media were before ReadWritePaths listed them."""
    env = production_env() | {"DATABASE_URL": database}
    service = unit("rfve.service")
    assert not writable(written_paths(env)["SQLite"], service)
    shipped_before = service | {"ReadWritePaths": ["/srv/rfve/media"]}
    assert not writable(written_paths(env)["PRIVATE_MEDIA_ROOT"], shipped_before)


def test_static_files_are_collected_outside_the_units():
    """whitenoise only reads STATIC_ROOT: the app never writes it while it
    runs, so the units keep it read-only (collectstatic is a deploy step)."""
    for name in UNITS:
        assert not writable(INSTALL / "staticfiles", unit(name))
    assert not any(
        "collectstatic" in value for name in UNITS for value in unit(name)["ExecStart"]
    )


@pytest.mark.parametrize("name", UNITS)
def test_the_units_start_programs_that_exist(name, tmp_path):
    """ExecStart's program, found in this checkout (the units' /srv/rfve);
    the Django command it names exists; systemd-analyze accepts the unit."""
    service = unit(name)
    for key in ("ExecStart", "ExecStartPre"):
        for command in service.get(key, []):
            program, *args = command.lstrip("-").split()
            local = ROOT / PurePosixPath(program).relative_to(INSTALL)
            assert Path(local).exists(), f"{name}: {program} does not exist"
            if "manage.py" in args:
                command_name = args[args.index("manage.py") + 1]
                assert _django_command_exists(command_name), command_name
            if program.endswith("gunicorn") and "--logger-class" in args:
                _importable(args[args.index("--logger-class") + 1])
    analyze = shutil.which("systemd-analyze")
    require(analyze is not None, "systemd-analyze is not installed")
    text = (DEPLOY / "systemd" / name).read_text()
    text = text.replace(str(INSTALL), str(ROOT)).replace("User=rfve", "User=root")
    text = text.replace("Group=rfve", "Group=root")
    copy = tmp_path / name
    copy.write_text(text)
    result = subprocess.run(
        [analyze, "verify", copy], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def _django_command_exists(name: str) -> bool:
    from django.core.management import get_commands

    return name in get_commands()


def _importable(dotted: str):
    from django.utils.module_loading import import_string

    import_string(dotted)
