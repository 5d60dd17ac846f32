"""Workers for the concurrency tests, run in fresh (spawned) processes.

Kept apart from the test modules: a spawned process imports this file
before Django is set up, so nothing here may import Django at module level.
"""

import html
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar


def hammer_counter(database_url, start_at, hits, results):
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    from exercises.leads.services import count_hit

    time.sleep(max(0, start_at - time.time()))
    results.put(sum(count_hit(key="burst", window_seconds=3600, limit=5) for _ in range(hits)))


def consultation_post(name: str, email: str, hidden: dict[str, str]) -> dict[str, str]:
    """What a visitor's browser sends: their answers plus the form's hidden fields, as the page gave them."""
    return {
        "name": name,
        "email": email,
        "goal": "glutes",
        "preferred_contact": "email",
        "best_time": "any",
        "message": "",
        "consent": "on",
        "website": "",
        **{key: html.unescape(value) for key, value in hidden.items()},
    }


def visitor(base, start_at, posts, outcomes, number=0):
    """One browser-like visitor: fetch the form, wait like a person, post it."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/consultation/", timeout=30).read().decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    time.sleep(max(0, start_at - time.time()))
    for attempt in range(posts):
        data = consultation_post(f"Burst Visitor {number}", f"burst{number}.{attempt}@example.com", hidden)
        request = urllib.request.Request(
            base + "/consultation/",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": base + "/consultation/"},
        )
        try:
            response = opener.open(request, timeout=30)
            outcomes.put(("ok", response.geturl().partition("?")[0]))
        except urllib.error.HTTPError as error:
            outcomes.put(("error", error.code))
        except OSError as error:
            outcomes.put(("failed", str(error)))


def visitor_across(bases, start_at, posts, outcomes, number=0):
    """A visitor whose posts alternate between instances: the form comes from one, each post goes to the next.

    Reports ("ok", base, email) for a post that reached the thank-you page,
    ("error", base, status) for a refused one and ("failed", base, reason) otherwise.
    """
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    first = bases[number % len(bases)]
    page = opener.open(first + "/consultation/", timeout=30).read().decode()
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    time.sleep(max(0, start_at - time.time()))
    for attempt in range(posts):
        base = bases[(number + attempt + 1) % len(bases)]
        email = f"fleet{number}.{attempt}@example.com"
        data = consultation_post(f"Fleet Visitor {number}", email, hidden)
        request = urllib.request.Request(
            base + "/consultation/",
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": first + "/consultation/"},
        )
        try:
            landed = opener.open(request, timeout=30).geturl()
            outcomes.put(("ok", base, email) if "/consultation/thanks/?sent=" in landed else ("failed", base, landed))
        except urllib.error.HTTPError as error:
            outcomes.put(("error", base, error.code))
        except OSError as error:
            outcomes.put(("failed", base, str(error)))


def read_then_write(database_url, start_at, transactions, results):
    """Read a counter and write back one more, each in its own transaction; report commits and errors."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    import django

    django.setup()
    import datetime

    from django.db import OperationalError, connection, transaction

    from exercises.leads.models import Counter

    window = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    committed, errors = 0, []
    try:
        Counter.objects.get_or_create(key="read-then-write", window_start=window)
        time.sleep(max(0, start_at - time.time()))
        for _ in range(transactions):
            try:
                with transaction.atomic():
                    counter = Counter.objects.get(key="read-then-write", window_start=window)
                    Counter.objects.filter(pk=counter.pk).update(hits=counter.hits + 1)
                committed += 1
            except OperationalError as error:
                errors.append(str(error))
    except Exception as error:
        errors.append(f"{type(error).__name__}: {error}")
    finally:
        connection.close()
        results.put((committed, errors))
