"""Loaded first (pytest -p): settings.py reads these at import."""

import os

# The suite runs with production-like settings (DEBUG off), served over plain
# HTTP by the test client.
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# One process: each test starts with an empty cache (conftest.py).
os.environ.setdefault("CACHE_URL", "locmemcache://")
