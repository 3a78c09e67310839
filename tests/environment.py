"""Loaded first (pytest -p): settings.py reads these at import."""

import os
import tempfile

# The suite runs with production-like settings (DEBUG off), served over plain
# HTTP by the test client.
os.environ.setdefault("SECRET_KEY", "insecure-key-for-tests-only")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# One process: each test starts with an empty cache (conftest.py).
os.environ.setdefault("CACHE_URL", "locmemcache://")
# Issued invoices are written to a throwaway folder, never to ./private.
os.environ.setdefault(
    "PRIVATE_MEDIA_ROOT", tempfile.mkdtemp(prefix="rfve-tests-invoices-")
)
# Uploaded files (and the demo's PDF publications, rendered once a session)
# go to a folder of their own, not the developer's media/.
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="rfve-test-media-"))
