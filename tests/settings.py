"""Test settings: production settings plus what makes tests fast and hermetic."""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

# The tests read no .env: a developer's own settings must not change what they prove.
os.environ.setdefault("DJANGO_ENV_FILE", os.devnull)
os.environ.setdefault("DJANGO_SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
# Django's live server answers each request in a new thread; a connection kept for reuse there is never reused and
# stays open until the thread is collected, so a browser test run on PostgreSQL ran out of connections. No reuse here.
os.environ.setdefault("DJANGO_CONN_MAX_AGE", "0")
# One folder for all a test run writes outside its databases, removed when the process that made it exits.
# The servers and workers the run starts inherit it through the environment, so they make none of their own.
if not os.environ.get("CSA_TEST_ROOT"):
    os.environ["CSA_TEST_ROOT"] = tempfile.mkdtemp(prefix="csa-tests-")
    atexit.register(shutil.rmtree, os.environ["CSA_TEST_ROOT"], ignore_errors=True)
TEST_ROOT = Path(os.environ["CSA_TEST_ROOT"])
# Cached pages of this test run stay out of var/; the servers a test starts get their own (tests/conftest.py).
os.environ.setdefault("DJANGO_PAGE_CACHE_DIR", str(TEST_ROOT / "pages"))
# Photos the tests upload stay out of var/media, and the servers they start see the same ones.
os.environ.setdefault("DJANGO_MEDIA_ROOT", str(TEST_ROOT / "media"))
Path(os.environ["DJANGO_MEDIA_ROOT"]).mkdir(parents=True, exist_ok=True)

from config.settings import *  # noqa: E402,F403
from config.settings import STORAGES  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# No collectstatic in tests: serve static files by their plain names.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

# Jobs run in the request that queues them; tests that need a real worker switch this off.
HUEY = {**HUEY, "immediate": True}  # noqa: F405
if "filename" in HUEY:
    # A worker started by a test keeps its queue out of the project's var/.
    HUEY["filename"] = str(TEST_ROOT / f"huey-{os.getpid()}.sqlite3")
CONSULTATION_RECIPIENTS = ["coaches@example.com"]
# Serve static files straight from the app and static/ dirs (no collectstatic in tests).
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
