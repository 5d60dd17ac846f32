"""Scale-out: two gunicorn instances sharing PostgreSQL and Redis behave as one site.

This runs in both CI passes. When the suite runs on PostgreSQL, the servers
share the suite's own test database; on SQLite, they share a throwaway
PostgreSQL database made for the test on the server at SCALE_OUT_POSTGRES_URL
(default: the local one). Redis is REDIS_URL, or the tests' own database 15.
When PostgreSQL or Redis cannot be reached the tests are skipped with the
reason, except under CI=true, where that is a failure.
"""

import contextlib
import json
import multiprocessing
import os
import queue
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest

from exercises.pagecache.store import TRUST_SECONDS
from tests import burst
from tests.conftest import PROJECT_DIR, TEST_POSTGRES_URL, TEST_REDIS_URL, gunicorn, postgres_url, require_services

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
QUESTION = "What’s better for glute growth?"
OLD_ANSWER = "Hip thrusts, hands-down"
NEW_ANSWER = "Edited on one instance, read on the other"
RATE_LIMIT = 5
ADMIN_PASSWORD = "fleet-admin-password"


@dataclass
class Fleet:
    """What the instances share: one database, one Redis and one page-cache key prefix."""

    database_url: str
    redis_url: str
    key_prefix: str = field(default_factory=lambda: f"scale-out-{uuid.uuid4().hex[:12]}")

    def env(self) -> dict[str, str]:
        return {
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            "DJANGO_CACHE_KEY_PREFIX": self.key_prefix,
            # Emails go out inside the request that stores the lead, so their rows tell what was sent.
            "HUEY_IMMEDIATE": "true",
            "DJANGO_CONSULTATION_RATE_LIMIT": str(RATE_LIMIT),
        }

    def django(self, code: str):
        """Run code with Django set up on the shared services; it reports back with result(value)."""
        program = "\n".join(
            ["import json, django", "django.setup()", "def result(value): print('RESULT', json.dumps(value))", code]
        )
        outcome = subprocess.run(
            [sys.executable, "-c", program],
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **self.env()},
            cwd=PROJECT_DIR,
            capture_output=True,
            text=True,
        )
        assert outcome.returncode == 0, outcome.stdout + outcome.stderr
        lines = [line for line in outcome.stdout.splitlines() if line.startswith("RESULT ")]
        return json.loads(lines[-1].removeprefix("RESULT ")) if lines else None

    @contextlib.contextmanager
    def instances(self, count: int = 2):
        """The same site served by `count` gunicorn instances, each on its own port."""
        with contextlib.ExitStack() as stack:
            bases = [stack.enter_context(gunicorn(self.database_url, workers=2, **self.env())) for _ in range(count)]
            assert len(set(bases)) == count
            yield bases


@pytest.fixture
def fleet(transactional_db):
    """One PostgreSQL database and one Redis for two instances; skipped (failed under CI) when either is down.

    Other processes write to the database, so the test cannot run inside a
    transaction that is rolled back: transactional_db empties it afterwards.
    """
    import psycopg
    from django.db import connection
    from psycopg import sql

    redis_url = os.environ.get("REDIS_URL") or TEST_REDIS_URL
    if connection.vendor == "postgresql":
        # The suite's own test database.
        database_url = postgres_url(connection.settings_dict)
        require_services(database_url, redis_url)
        shared = Fleet(database_url, redis_url)
        yield shared
    else:
        admin_url = os.environ.get("SCALE_OUT_POSTGRES_URL") or TEST_POSTGRES_URL
        require_services(admin_url, redis_url)
        name = f"csa_scaleout_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            shared = Fleet(urllib.parse.urlsplit(admin_url)._replace(path=f"/{name}").geturl(), redis_url)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                env={**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", **shared.env()},
                cwd=PROJECT_DIR,
                check=True,
            )
            yield shared
        finally:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    _forget_cached_pages(shared)


def _forget_cached_pages(shared: Fleet) -> None:
    import redis

    client = redis.Redis.from_url(shared.redis_url)
    keys = list(client.scan_iter(match=f"{shared.key_prefix}:*"))
    if keys:
        client.delete(*keys)


def _set_up_content(shared: Fleet) -> int:
    """The shipped article and a superuser in the shared database; returns the FAQ to edit."""
    return shared.django(
        "import io\n"
        "from django.core.management import call_command\n"
        "from django.contrib.auth.models import User\n"
        "from exercises.models import FAQ\n"
        "call_command('load_initial_data', stdout=io.StringIO())\n"
        f"User.objects.create_superuser('fleet-admin', 'admin@example.com', {ADMIN_PASSWORD!r})\n"
        f"result(FAQ.objects.get(question={QUESTION!r}).pk)\n"
    )


class FormFields(HTMLParser):
    """The values a browser would submit from one form of a page."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.textarea: str | None = None
        self.select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields[attrs["name"]] = attrs.get("value", "on" if kind == "checkbox" else "")
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self.fields[self.textarea] = ""
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self.textarea = None
        elif tag == "select":
            self.select = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data

    @classmethod
    def of(cls, page: str, form_id: str) -> dict[str, str]:
        parser = cls(form_id)
        parser.feed(page)
        # Browsers drop the newline Django writes right after <textarea>.
        return {name: value.removeprefix("\n") for name, value in parser.fields.items()}


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def fetch(opener, url: str, data: dict | None = None, **headers):
    """(status, final URL, headers, text) without raising on 3xx/4xx answers."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        response = opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=30)
    except urllib.error.HTTPError as error:
        return error.code, error.url, error.headers, error.read().decode()
    return response.status, response.geturl(), response.headers, response.read().decode()


def test_an_edit_through_one_instance_shows_on_the_other_within_a_second(fleet):
    faq = _set_up_content(fleet)
    with fleet.instances(2) as (first, second):
        reader = browser()
        status, _, headers, page = fetch(reader, second + ARTICLE)
        assert status == 200
        assert OLD_ANSWER in page
        etag = headers["ETag"]
        # The second instance now answers from its cache: a revalidation costs nothing.
        assert fetch(reader, second + ARTICLE, **{"If-None-Match": etag})[0] == 304

        staff = browser()
        _, _, _, login = fetch(staff, first + "/admin/login/")
        credentials = {"username": "fleet-admin", "password": ADMIN_PASSWORD, "next": "/admin/"}
        status, url, _, _ = fetch(
            staff, first + "/admin/login/", {**credentials, "csrfmiddlewaretoken": csrf_token(login)}
        )
        assert (status, url) == (200, first + "/admin/")
        change = f"{first}/admin/exercises/faq/{faq}/change/"
        _, _, _, form = fetch(staff, change)
        fields = FormFields.of(form, "faq_form")
        assert fields["question"] == QUESTION
        assert OLD_ANSWER in fields["answer"]
        status, url, _, _ = fetch(staff, change, {**fields, "answer": NEW_ANSWER, "_save": "Save"})
        assert (status, url) == (200, f"{first}/admin/exercises/faq/"), "the admin did not accept the change"

        # Each worker trusts the generation it read for up to TRUST_SECONDS; after that, the edit shows everywhere.
        time.sleep(TRUST_SECONDS)
        status, _, headers, page = fetch(reader, second + ARTICLE, **{"If-None-Match": etag})
        assert status == 200
        assert NEW_ANSWER in page
        assert OLD_ANSWER not in page
        assert headers["ETag"] != etag
        assert NEW_ANSWER in fetch(browser(), first + ARTICLE)[3]


def test_leads_to_either_instance_are_stored_and_notified_once_and_the_rate_limit_counts_across_both(fleet):
    _set_up_content(fleet)
    with fleet.instances(2) as bases:
        # One lead through each instance, one after the other...
        outcomes = queue.Queue()
        for number in range(2):
            burst.visitor_across(bases, time.time() + 0.5, 1, outcomes, number)
        one_each = [outcomes.get() for _ in range(2)]
        assert sorted(base for _, base, _ in one_each) == sorted(bases), one_each
        assert all(outcome == "ok" for outcome, _, _ in one_each), one_each

        # ...then a burst from six visitors whose posts alternate between the two.
        context = multiprocessing.get_context("spawn")
        shared = context.Queue()
        start_at = time.time() + 4
        visitors = [
            context.Process(target=burst.visitor_across, args=(bases, start_at, 2, shared, number))
            for number in range(2, 8)
        ]
        for visitor in visitors:
            visitor.start()
        in_burst = [shared.get(timeout=90) for _ in range(len(visitors) * 2)]
        for visitor in visitors:
            visitor.join(timeout=10)

    results = one_each + in_burst
    accepted = sorted(email for outcome, _, email in results if outcome == "ok")
    refused = [result for result in results if result[0] == "error" and result[2] == 429]
    assert len(accepted) == RATE_LIMIT, results
    assert len(refused) == len(results) - RATE_LIMIT, results

    stored = fleet.django(
        "from exercises.models import ConsultationRequest\n"
        "result([[r.email, sorted([n.kind, n.status, n.attempts] for n in r.notifications.all())]\n"
        "        for r in ConsultationRequest.objects.prefetch_related('notifications')])\n"
    )
    assert sorted(email for email, _ in stored) == accepted
    for email, notifications in stored:
        assert notifications == [["auto_reply", "sent", 1], ["staff", "sent", 1]], email
