"""Loaded first (pytest -p): settings.py reads these at import."""

import os
import tempfile

# The suite runs with production-like settings (DEBUG off), served over plain
# HTTP by the test client.
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# One process: each test starts with an empty cache (conftest.py). Under
# pytest-xdist each worker is a process of its own, with its own cache.
os.environ.setdefault("CACHE_URL", "locmemcache://")

# Issued invoices and uploaded files (and the demo's PDF publications,
# rendered once a session) go to throwaway folders, never to ./private or the
# developer's media/. Each process has its own: pytest-xdist's workers
# inherit the environment of the process that started them, whose folders
# they must not share (two workers would write the same file names).
_OWNER = "RFVE_TEST_FOLDERS_PID"
_inherited = os.environ.get(_OWNER) not in (None, str(os.getpid()))
for _name, _prefix in (
    ("PRIVATE_MEDIA_ROOT", "rfve-tests-invoices-"),
    ("MEDIA_ROOT", "rfve-test-media-"),
):
    if _inherited or _name not in os.environ:
        os.environ[_name] = tempfile.mkdtemp(prefix=_prefix)
os.environ[_OWNER] = str(os.getpid())
