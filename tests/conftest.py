import contextlib
import datetime
import io
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread; live_server's
# database access from that thread is safe because it is not really async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Every public page a reader can reach, by name (the form's error state is built by each test its own way).
PUBLIC_PAGES = {
    "home": "/",
    "comparison": "/compare/leg-press-vs-hip-thrust/",
    "exercise-leg-press": "/exercises/leg-press/",
    "exercise-hip-thrust": "/exercises/hip-thrust/",
    "coaches": "/coaches/",
    "visit": "/visit/",
    "privacy": "/privacy/",
    "consultation": "/consultation/",
    "not-found": "/no-such-page/",
}
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def fresh_page_cache():
    """Each test's database starts over, so its cached pages must too."""
    from exercises.pagecache import mark_stale

    mark_stale()


@pytest.fixture
def content(db):
    """The shipped article, loaded the way a deployment loads it."""
    call_command("load_initial_data", stdout=io.StringIO())


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing; CI must run the browser tests (make test installs it as root).")
        pytest.skip(f"Browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def valid_consultation(**overrides) -> dict:
    """A POST body a real visitor would send."""
    from exercises.leads.consent import CURRENT_VERSION

    data = {
        "name": "Maria Lopez",
        "email": "maria@example.com",
        "phone": "",
        "goal": "glutes",
        "preferred_contact": "email",
        "best_time": "morning",
        "message": "I have a bad left knee.",
        "consent": "on",
        "consent_version": CURRENT_VERSION,
        "source": "/consultation/",
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def server_database_url(request, tmp_path):
    """A database other processes can share with the test: a migrated SQLite file, or the PostgreSQL test DB."""
    from django.db import connection

    if connection.vendor == "postgresql":
        request.getfixturevalue("transactional_db")
        s = connection.settings_dict
        return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    url = f"sqlite:///{tmp_path / 'server.sqlite3'}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"},
        cwd=PROJECT_DIR,
        check=True,
    )
    return url


@contextlib.contextmanager
def gunicorn(database_url: str, *, workers: int = 3, **env):
    """Serve the project with real gunicorn workers on a free loopback port.

    Its page cache is a temp folder removed at the end, unless env names one (DJANGO_PAGE_CACHE_DIR).
    """
    port = free_port()
    own_pages = (
        None
        if "DJANGO_PAGE_CACHE_DIR" in env
        else tempfile.mkdtemp(prefix="pages-server-", dir=os.environ["CSA_TEST_ROOT"])
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-b", f"127.0.0.1:{port}", "-w", str(workers)],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": database_url,
            **({"DJANGO_PAGE_CACHE_DIR": own_pages} if own_pages else {}),
            "DJANGO_CACHE_KEY_PREFIX": f"server-{port}",
            **{key: str(value) for key, value in env.items()},
        },
        cwd=PROJECT_DIR,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/consultation/", timeout=2)  # noqa: S310 - loopback only
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        if own_pages:
            shutil.rmtree(own_pages, ignore_errors=True)


# --- Content built in a test ------------------------------------------------------


def make_test_coach(**fields):
    """A published coach with a credential, named as the shipped article's author (the gym ships none)."""
    from exercises.articles.models import Comparison
    from exercises.gym.models import Coach

    coach = Coach.objects.create(
        name="Test Coach", slug="test-coach", role="Head coach", bio="Coaches *everyone*.", is_published=True, **fields
    )
    coach.credentials.create(name="NSCA-CSCS", issued_by="National Strength and Conditioning Association")
    Comparison.objects.update(author=coach)
    return coach


def make_exercise(name: str, **fields):
    """A published exercise with every required field filled in."""
    from django.utils import timezone
    from django.utils.text import slugify

    from exercises.library.models import Exercise
    from exercises.writing.models import Status

    defaults = {
        "slug": slugify(name),
        "summary": f"All about the {name}.",
        "what_it_is": f"The {name} is an exercise.",
        "muscles_intro": f"The {name} works your:",
        "how_it_works": "You move the weight.",
        "equipment": "A barbell",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    return Exercise.objects.create(name=name, **{**defaults, **fields})


def make_comparison(exercise_a, exercise_b, *, intro="Which one is for you?", sections=None, **fields):
    """A published comparison of two exercises, with an introduction, its final thoughts and the form.

    ``sections`` lists (kind, fields) pairs for the sections after the introduction; by default, a text
    section "Final Thoughts" and the call to action.
    """
    from django.utils import timezone

    from exercises.articles.models import Comparison, Section, SectionKind
    from exercises.writing.models import Status

    title = f"{exercise_a.name} vs {exercise_b.name}"
    defaults = {
        "title": title,
        "slug": f"{exercise_a.slug}-vs-{exercise_b.slug}",
        "summary": f"{title}, side by side.",
        "status": Status.PUBLISHED,
        "published_at": timezone.now() - datetime.timedelta(days=1),
    }
    comparison = Comparison.objects.create(exercise_a=exercise_a, exercise_b=exercise_b, **{**defaults, **fields})
    if sections is None:
        sections = [
            (SectionKind.PROSE, {"heading": "Final Thoughts", "body": "Both are good."}),
            (SectionKind.CALL_TO_ACTION, {"body": "Come and train with us."}),
        ]
    if intro:
        sections = [(SectionKind.PROSE, {"body": intro}), *sections]
    for number, (kind, section_fields) in enumerate(sections, 1):
        Section.objects.create(comparison=comparison, kind=kind, position=10 * number, **section_fields)
    return comparison


def picture_bytes(size=(1600, 1067), format="JPEG", color=(180, 90, 40), **save_options) -> bytes:
    """A picture made here (the gym ships no photos): two colours, so crops and scales can be told apart."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", size, color)
    ImageDraw.Draw(picture).rectangle((0, 0, size[0] // 2, size[1]), fill=(30, 60, 120))
    buffer = io.BytesIO()
    picture.save(buffer, format, **save_options)
    return buffer.getvalue()


def make_photo(key: str = "test-photo", *, size=(1600, 1067), **fields):
    """A library photo, stored with its renditions as an upload in the admin is."""
    from exercises.photos import processing, services
    from exercises.photos.models import Photo

    cleaned = processing.clean_upload(f"{key}.jpg", picture_bytes(size))
    photo = Photo(key=key, alt_text=fields.pop("alt_text", f"Test picture {key}"), **fields)
    return services.store_photo(photo=photo, upload=cleaned)


# --- PostgreSQL and Redis, for the runs that need a fleet's services --------------

# The tests' own Redis database; the app's REDIS_URL examples use 0.
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def unreachable_services(database_url: str, redis_url: str) -> str:
    """Why PostgreSQL or Redis at these URLs cannot be used, or "" when both answer."""
    import psycopg
    import redis

    problems = []
    try:
        with psycopg.connect(database_url, connect_timeout=3) as connection:
            connection.execute("SELECT 1")
    except Exception as error:
        problems.append(f"PostgreSQL at {_without_password(database_url)} cannot be reached ({_first_line(error)})")
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3, socket_timeout=3).ping()
    except Exception as error:
        problems.append(f"Redis at {_without_password(redis_url)} cannot be reached ({_first_line(error)})")
    return "; ".join(problems)


def require_services(database_url: str, redis_url: str) -> None:
    """Skip with the reason when PostgreSQL or Redis is down; under CI=true, fail instead (CI has both)."""
    if reason := unreachable_services(database_url, redis_url):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}. CI must provide PostgreSQL and Redis.")
        pytest.skip(reason)


def postgres_url(settings_dict: dict) -> str:
    """A URL for the database Django is connected to, for other processes to share."""
    from urllib.parse import quote

    user = quote(settings_dict["USER"] or "postgres")
    password = f":{quote(settings_dict['PASSWORD'])}" if settings_dict["PASSWORD"] else ""
    host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


def _without_password(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def _first_line(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


@pytest.fixture(autouse=True, scope="session")
def huey_workers_close_their_connections():
    """A huey consumer started by a test closes its threads' connections when it stops.

    djhuey only closes connections older than CONN_MAX_AGE (60 s on PostgreSQL), so
    without this a worker thread keeps one open and the test database cannot be dropped.
    """
    from huey.contrib.djhuey import HUEY

    HUEY.on_shutdown("close-database-connections")(_close_database_connections)
    yield
    HUEY.unregister_on_shutdown("close-database-connections")


def _close_database_connections():
    from django.db import connections

    connections.close_all()
