"""The full-page cache: fast, shared, invalidated by edits, and never leaking one visitor's token to another."""

import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exercises.models import FAQ, Comparison, ConsultationRequest
from tests.conftest import TEST_REDIS_URL, valid_consultation

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
PER_VISITOR = re.compile(r'name="(csrfmiddlewaretoken|started)" value="[^"]+"')


def token_in(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


@pytest.mark.django_db
def test_a_cached_page_runs_no_sql(client, content):
    client.get(ARTICLE)

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(ARTICLE)

    assert response.status_code == 200
    assert "Leg Press vs. Hip Thrust: The Showdown" in response.content.decode()
    assert len(queries) == 0


@pytest.mark.django_db
def test_a_content_save_shows_at_once(client, content):
    assert "Hip thrusts, hands-down" in client.get(ARTICLE).content.decode()
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    faq.answer = "Both, done well; hip thrusts edge it."
    faq.save()

    page = Client().get(ARTICLE).content.decode()

    assert "Both, done well; hip thrusts edge it." in page
    assert "Hip thrusts, hands-down" not in page


@pytest.mark.django_db
def test_the_first_reader_after_an_edit_gets_a_page_rendered_by_the_save(content, django_capture_on_commit_callbacks):
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    faq.answer = "Both, done well; hip thrusts edge it."
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()

    with CaptureQueriesContext(connection) as queries:
        pages = {path: Client().get(path) for path in ("/", ARTICLE, "/exercises/hip-thrust/", "/consultation/")}

    assert "Both, done well; hip thrusts edge it." in pages[ARTICLE].content.decode()
    assert all(response.status_code == 200 for response in pages.values())
    assert len(queries) == 0  # no reader waited for a render


@pytest.mark.django_db
def test_an_admin_save_of_many_rows_renders_the_pages_once(content, django_capture_on_commit_callbacks, monkeypatch):
    from exercises import page_cache

    renders = []
    monkeypatch.setattr(page_cache, "refresh_pages", lambda: renders.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        for faq in FAQ.objects.all():
            faq.save()

    assert FAQ.objects.count() > 1
    assert len(renders) == 1


def stored_pages() -> int:
    """How many entries the shared page cache holds (pages, on Redis), whichever backend it is."""
    import os

    import redis
    from django.conf import settings
    from django.core.cache import caches

    pages = caches["pages"]
    location = settings.CACHES["pages"]["LOCATION"]
    if settings.CACHES["pages"]["BACKEND"].endswith("RedisCache"):
        return sum(1 for _ in redis.Redis.from_url(location).scan_iter(match=pages.make_key("page:*")))
    return len(os.listdir(location))


@pytest.mark.django_db
def test_edits_leave_no_old_copies_of_pages_behind(content, django_capture_on_commit_callbacks):
    faq = FAQ.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()
    after_one_edit = stored_pages()

    for number in range(5):
        faq.answer = f"Edit {number}"
        with django_capture_on_commit_callbacks(execute=True):
            faq.save()

    assert stored_pages() == after_one_edit
    assert "Edit 4" in Client().get(ARTICLE).content.decode()


@pytest.mark.django_db
def test_a_page_that_fails_to_render_after_an_edit_leaves_the_save_and_the_other_pages_alone(
    content, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    from exercises import page_cache

    monkeypatch.setattr(page_cache, "public_paths", lambda: ["/compare/gone/", ARTICLE])
    faq = FAQ.objects.first()
    faq.answer = "Edited."
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()

    assert "/compare/gone/ answered 404 after an edit" in caplog.text
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(ARTICLE).status_code == 200
    assert len(queries) == 0


@pytest.mark.django_db
def test_past_the_rendering_budget_pages_render_on_their_first_visit(
    content, django_capture_on_commit_callbacks, monkeypatch
):
    from exercises import page_cache

    monkeypatch.setattr(page_cache, "WARM_SECONDS", -1)
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    faq.answer = "Both, done well; hip thrusts edge it."
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()

    with CaptureQueriesContext(connection) as queries:
        page = Client().get(ARTICLE).content.decode()
    assert "Both, done well; hip thrusts edge it." in page
    assert len(queries) > 0  # nothing was rendered ahead; this reader rendered it


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_save_renders_the_pages_https_readers_get(
    content, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://strength.example"
    settings.ALLOWED_HOSTS = ["strength.example"]
    settings.SECURE_SSL_REDIRECT = True
    with django_capture_on_commit_callbacks(execute=True):
        Comparison.objects.first().save()

    with CaptureQueriesContext(connection) as queries:
        response = Client().get(ARTICLE, HTTP_HOST="strength.example", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert len(queries) == 0


@pytest.mark.django_db
def test_after_a_deploy_pages_cached_by_the_last_release_are_not_served(content, monkeypatch, settings):
    from exercises import page_cache

    Client().get(ARTICLE)
    assert page_cache.release() == page_cache.release()  # the same code, the same release

    settings.SITE_URL = "https://moved.example"  # anything that renders pages differently: here, the address
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(ARTICLE).content.decode()

    assert len(queries) > 0  # rendered by this release, not taken from the last one
    assert '<link rel="canonical" href="https://moved.example' in page


def test_a_changed_template_makes_a_new_release(tmp_path, settings):
    from exercises import page_cache

    (tmp_path / "templates").mkdir()
    (tmp_path / "exercises").mkdir()
    template = tmp_path / "templates" / "base.html"
    template.write_text("<title>One</title>")
    settings.BASE_DIR = tmp_path
    before = page_cache.release()

    template.write_text("<title>Two</title>")
    page_cache.release.cache_clear()  # a new process, as after a deploy

    assert page_cache.release() != before


@pytest.mark.django_db
def test_a_deleted_comparison_leaves_the_cache_too(client, content):
    client.get("/")
    Comparison.objects.update(status="draft")  # a bulk update sends no signal...
    Comparison.objects.first().save()  # ...but any save does

    assert "Leg Press vs Hip Thrust" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_each_visitor_gets_their_own_csrf_token_and_cookie(content):
    first, second = Client(), Client()

    one, two = first.get(ARTICLE), second.get(ARTICLE)

    assert one.cookies["csrftoken"].value != two.cookies["csrftoken"].value
    assert token_in(one) != token_in(two)
    # A returning visitor keeps their cookie and gets a fresh mask of the same secret.
    again = first.get(ARTICLE)
    assert "csrftoken" not in again.cookies
    assert token_in(again) != token_in(one)


@pytest.mark.django_db
def test_first_time_visitors_can_post_the_embedded_form_from_a_cached_page(content, settings):
    Client().get(ARTICLE)  # someone else warms the cache
    for number in range(2):
        visitor = Client(enforce_csrf_checks=True)
        page = visitor.get(ARTICLE)
        data = valid_consultation(email=f"v{number}@example.com", source=ARTICLE)
        data["csrfmiddlewaretoken"] = token_in(page)

        response = visitor.post("/consultation/", data)

        assert response.status_code == 302
    assert ConsultationRequest.objects.filter(source_comparison__slug="leg-press-vs-hip-thrust").count() == 2


@pytest.mark.django_db
def test_the_fill_time_trap_still_works_on_a_cached_page(content):
    Client().get(ARTICLE)  # cached long ago, as far as the next visitor is concerned
    bot = Client()
    page = bot.get(ARTICLE).content.decode()
    started = re.search(r'name="started" value="([^"]+)"', page).group(1)

    response = bot.post("/consultation/", {**valid_consultation(source=ARTICLE), "started": started})

    assert response.status_code == 400  # too fast: asked to send again, not stored
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_head_requests_work_cached_or_not(content):
    for _ in range(2):
        response = Client().head(ARTICLE)
        assert response.status_code == 200
        assert response.content == b""


@pytest.mark.django_db
def test_another_visitors_token_is_refused(content):
    stolen = token_in(Client().get(ARTICLE))
    victim = Client(enforce_csrf_checks=True)
    victim.get(ARTICLE)

    response = victim.post("/consultation/", {**valid_consultation(), "csrfmiddlewaretoken": stolen})

    assert response.status_code == 403


@pytest.mark.django_db
def test_gzip_body_is_the_same_page_with_the_visitors_token(content):
    visitor = Client()
    plain = visitor.get(ARTICLE).content.decode()

    compressed = visitor.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, br")

    assert compressed["Content-Encoding"] == "gzip"
    html = gzip.decompress(compressed.content).decode()
    assert PER_VISITOR.sub("", html) == PER_VISITOR.sub("", plain)
    assert len(compressed.content) < len(html) / 3


@pytest.mark.django_db
def test_validators_let_browsers_revalidate(content):
    visitor = Client()
    first = visitor.get("/")
    assert first["Cache-Control"] == "public, no-cache"
    assert first["Last-Modified"]

    again = visitor.get("/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    form_page = visitor.get(ARTICLE)
    assert form_page["Cache-Control"] == "private, no-cache"  # a CDN must not share its token
    assert visitor.get(ARTICLE, HTTP_IF_NONE_MATCH=form_page["ETag"]).status_code == 304


@pytest.mark.django_db
def test_logged_in_staff_bypass_the_cache(admin_client, content):
    Client().get(ARTICLE)

    with CaptureQueriesContext(connection) as queries:
        admin_client.get(ARTICLE)

    assert len(queries) > 0


@pytest.mark.django_db
def test_a_cache_miss_runs_a_small_constant_number_of_queries(content):
    comparison = Comparison.objects.get()
    with CaptureQueriesContext(connection) as before:
        Client().get(ARTICLE)
    for number in range(20):
        FAQ.objects.create(comparison=comparison, question=f"Question {number}?", answer="Yes.", position=100 + number)

    with CaptureQueriesContext(connection) as after:
        Client().get(ARTICLE)

    assert len(after) == len(before) <= 15


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", [ARTICLE, "/", "/consultation/", "/admin/login/", "/static/css/site.css", "/nope/"])
def test_every_response_carries_the_security_headers(client, content, path):
    for _ in range(2):  # the first render and the cached copy
        response = client.get(path)
        for name, value in SECURITY_HEADERS.items():
            assert response.get(name) == value, (path, name)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "script-src 'self'" in policy
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
        assert "camera=()" in response["Permissions-Policy"]


def test_every_spliced_token_unmasks_to_its_secret_as_django_checks_it():
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token

    from exercises.page_cache import mask_secret, random_csrf_string

    secrets = [random_csrf_string() for _ in range(2000)]
    secrets += [CSRF_ALLOWED_CHARS[0] * 32, CSRF_ALLOWED_CHARS[-1] * 32]  # both ends of the alphabet

    for secret in secrets:
        token = mask_secret(secret)
        assert len(token) == 64 and set(token) <= set(CSRF_ALLOWED_CHARS)
        assert _unmask_cipher_token(token) == secret
    assert len(set(secrets)) == len(secrets)
    # Every character turns up: a skewed table would show as a missing one.
    assert set("".join(secrets)) == set(CSRF_ALLOWED_CHARS)


@pytest.fixture
def redis_watch():
    """A generation watch on the tests' Redis, as a worker of a fleet holds one, and a client for another process."""
    import time
    import uuid

    import redis

    from exercises.page_cache import GenerationWatch
    from tests.conftest import TEST_POSTGRES_URL, require_services

    require_services(TEST_POSTGRES_URL, TEST_REDIS_URL)
    key = f"watch-test:{uuid.uuid4().hex}"
    watch = GenerationWatch(TEST_REDIS_URL, key)
    other = redis.Redis.from_url(TEST_REDIS_URL)
    deadline = time.monotonic() + 10
    while watch.generation() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert watch.generation() is not None, "the watch never subscribed"
    yield watch, other
    other.delete(key)


def test_a_worker_never_trusts_its_memory_past_another_instances_save(redis_watch):
    from exercises.page_cache import GenerationWatch

    watch, _ = redis_watch
    other_instance = GenerationWatch(TEST_REDIS_URL, watch.key)
    for _ in range(1000):
        generation = other_instance.change()

        # What a hit would use, straight after the other instance's save returned.
        seen = watch.generation()
        assert seen in (None, generation)
        assert (watch.read() if seen is None else seen) == generation


def test_a_lost_channel_falls_back_to_reading_redis_then_resubscribes(redis_watch):
    import time

    watch, other = redis_watch
    other.execute_command("CLIENT", "KILL", "TYPE", "pubsub")
    other.set(watch.key, 7)  # changed while the channel was down: no announcement reaches the watch

    seen = watch.generation()
    assert seen in (None, 7)
    deadline = time.monotonic() + 10
    while watch.generation() != 7 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert watch.generation() == 7
