"""The full-page cache: fast, shared, invalidated by edits, the same bytes for every anonymous reader."""

import gzip
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exercises.articles.models import FAQ, Comparison
from exercises.leads.models import ConsultationRequest
from exercises.pagecache.middleware import SHARED
from tests.conftest import valid_consultation

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


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
def test_the_first_reader_after_an_edit_gets_a_page_rendered_by_the_job(content, django_capture_on_commit_callbacks):
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
def test_an_admin_save_of_many_rows_queues_one_refresh(content, django_capture_on_commit_callbacks, monkeypatch):
    from exercises import tasks

    queued = []
    monkeypatch.setattr(tasks, "refresh_public_pages", lambda: queued.append(1))
    with django_capture_on_commit_callbacks(execute=True):
        for faq in FAQ.objects.all():
            faq.save()

    assert FAQ.objects.count() > 1
    assert len(queued) == 1


@pytest.mark.django_db
def test_a_save_renders_nothing_itself_the_job_does(content, django_capture_on_commit_callbacks, monkeypatch):
    from exercises import tasks

    monkeypatch.setattr(tasks, "refresh_public_pages", lambda: None)  # the worker has not run it yet
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    faq.answer = "Both, done well; hip thrusts edge it."
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()

    with CaptureQueriesContext(connection) as queries:
        page = Client().get(ARTICLE).content.decode()
    assert "Both, done well; hip thrusts edge it." in page
    assert len(queries) > 0  # nothing rendered it ahead: the save only marked the pages stale


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


def a_missing_page_then_the_article() -> list[str]:
    return ["/compare/gone/", ARTICLE]


@pytest.mark.django_db
def test_a_page_that_fails_to_render_after_an_edit_leaves_the_save_and_the_other_pages_alone(
    content, django_capture_on_commit_callbacks, settings, caplog
):
    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "PAGES": f"{__name__}.a_missing_page_then_the_article"}
    faq = FAQ.objects.first()
    faq.answer = "Edited."
    with django_capture_on_commit_callbacks(execute=True):
        faq.save()

    assert "/compare/gone/ answered 404" in caplog.text
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(ARTICLE).status_code == 200
    assert len(queries) == 0


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
    from exercises import pagecache

    Client().get(ARTICLE)
    assert pagecache.release() == pagecache.release()  # the same code, the same release

    settings.SITE_URL = "https://moved.example"  # anything that renders pages differently: here, the address
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(ARTICLE).content.decode()

    assert len(queries) > 0  # rendered by this release, not taken from the last one
    assert '<link rel="canonical" href="https://moved.example' in page


def test_a_changed_template_makes_a_new_release(tmp_path, settings):
    from exercises import pagecache

    (tmp_path / "templates").mkdir()
    (tmp_path / "exercises").mkdir()
    template = tmp_path / "templates" / "base.html"
    template.write_text("<title>One</title>")
    settings.BASE_DIR = tmp_path
    before = pagecache.release()

    template.write_text("<title>Two</title>")
    pagecache.release.cache_clear()  # a new process, as after a deploy

    assert pagecache.release() != before


@pytest.mark.django_db
def test_a_deleted_comparison_leaves_the_cache_too(client, content):
    client.get("/")
    Comparison.objects.update(status="draft")  # a bulk update sends no signal...
    Comparison.objects.first().save()  # ...but any save does

    assert "Leg Press vs Hip Thrust" not in Client().get("/").content.decode()


@pytest.mark.django_db
def test_every_reader_gets_the_same_page_and_no_cookie_first_visit_or_returning(content):
    first, second = Client(), Client()

    one, two, again = first.get(ARTICLE), second.get(ARTICLE), first.get(ARTICLE)

    assert one.content == two.content == again.content
    assert not one.cookies and not two.cookies and not again.cookies
    assert "csrfmiddlewaretoken" not in one.content.decode()


@pytest.mark.django_db
def test_first_time_visitors_can_post_the_embedded_form_from_a_cached_page(content, settings):
    Client().get(ARTICLE)  # someone else warms the cache
    for number in range(2):
        visitor = Client(enforce_csrf_checks=True)
        visitor.get(ARTICLE)
        data = valid_consultation(email=f"v{number}@example.com", source=ARTICLE)

        response = visitor.post(ARTICLE, data, HTTP_SEC_FETCH_SITE="same-origin")

        assert response.status_code == 302
    assert ConsultationRequest.objects.filter(source_comparison__slug="leg-press-vs-hip-thrust").count() == 2


@pytest.mark.django_db
def test_the_honeypot_still_works_on_a_cached_page(content):
    Client().get(ARTICLE)  # cached long ago, as far as the next visitor is concerned
    bot = Client()
    bot.get(ARTICLE)

    response = bot.post(ARTICLE, {**valid_consultation(source=ARTICLE), "website": "http://spam.example"})

    assert response.status_code == 302  # the thank-you page, as for a person: the bot learns nothing
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_head_requests_work_cached_or_not(content):
    for _ in range(2):
        response = Client().head(ARTICLE)
        assert response.status_code == 200
        assert response.content == b""


@pytest.mark.django_db
def test_a_post_another_site_sends_from_a_cached_page_is_refused(content):
    Client().get(ARTICLE)
    victim = Client(enforce_csrf_checks=True)
    victim.get(ARTICLE)

    response = victim.post(ARTICLE, valid_consultation(), HTTP_ORIGIN="https://evil.example")

    assert response.status_code == 403
    assert not ConsultationRequest.objects.exists()


@pytest.mark.django_db
def test_gzip_body_is_the_same_page_compressed_once_with_its_own_strong_tag(content):
    visitor = Client()
    plain = visitor.get(ARTICLE)

    compressed = visitor.get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip, br")

    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(compressed.content) == plain.content
    assert len(compressed.content) < len(plain.content) / 3
    assert compressed.content == Client().get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip").content
    # Another representation, another strong validator (RFC 9110, 8.8.3).
    assert compressed["ETag"] != plain["ETag"]
    assert not compressed["ETag"].startswith("W/") and not plain["ETag"].startswith("W/")


@pytest.mark.django_db
def test_validators_let_browsers_revalidate(content):
    visitor = Client()
    first = visitor.get("/")
    assert first["Cache-Control"] == SHARED
    assert first["Last-Modified"]

    again = visitor.get("/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304
    assert again["Cache-Control"] == SHARED
    form_page = visitor.get(ARTICLE)
    assert form_page["Cache-Control"] == SHARED  # the form holds nothing per visitor: a CDN may share it
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

    # 17: the body map's regions and the exercises' photos are one prefetch each per page, whatever the
    # article holds.
    assert len(after) == len(before) <= 17


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


# --- What the outside attack found ------------------------------------------------


@pytest.mark.django_db
def test_staff_text_that_looks_like_a_form_field_is_printed_as_written(content):
    from exercises.library.models import Exercise

    trap = 'Paste name="csrfmiddlewaretoken" value="x" or name="started" value="y" into nothing.'
    faq = FAQ.objects.first()
    faq.answer = trap
    faq.save()
    exercise = Exercise.objects.get(slug="hip-thrust")
    exercise.what_it_is = trap
    exercise.save()
    Client().get(ARTICLE)

    article = Client().get(ARTICLE).content.decode()
    exercise_page = Client().get(exercise.get_absolute_url())

    # The staff's text, as they wrote it, and no token of the form's own.
    assert set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]*)"', article)) == {"x"}
    assert 'name="started" value="y"' in article
    assert exercise_page["Cache-Control"] == SHARED
    assert not exercise_page.cookies
    assert 'name="csrfmiddlewaretoken" value="x"' in exercise_page.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", [ARTICLE, "/"])
def test_a_cached_page_refuses_a_host_that_django_refuses(content, path):
    Client().get(path)
    assert Client().get(path).status_code == 200  # cached

    assert Client().get(path, HTTP_HOST="evil.example").status_code == 400


@pytest.mark.django_db
def test_links_with_tracking_parameters_get_the_cached_page(content):
    plain = Client().get(ARTICLE)

    with CaptureQueriesContext(connection) as queries:
        tracked = Client().get(ARTICLE + "?utm_source=x&utm_medium=social&fbclid=y&gclid=z&mc_cid=w&msclkid=v")

    assert tracked.status_code == 200
    assert len(queries) == 0
    assert tracked.content == plain.content


@pytest.mark.django_db
def test_any_other_query_string_is_sent_to_the_pages_one_address_instead_of_past_the_cache(content):
    Client().get(ARTICLE)

    for query in ("?nocache=123", "?utm_source=x&page=2", "?%00"):
        response = Client().get(ARTICLE + query)
        assert response.status_code == 301
        assert response["Location"] == ARTICLE


@pytest.mark.django_db
def test_a_cookie_that_names_no_session_still_gets_the_cached_page_and_is_cleared(content):
    Client().get(ARTICLE)
    visitor = Client()
    visitor.cookies["sessionid"] = "made-up-session-key-0123456789"

    with CaptureQueriesContext(connection) as queries:
        response = visitor.get(ARTICLE)

    assert response.status_code == 200
    assert len(queries) == 1  # looking the session up; nothing rendered
    assert response.cookies["sessionid"].value == ""


@pytest.mark.django_db
def test_an_edit_made_by_another_process_reaches_this_one_within_a_second(content):
    import subprocess
    import sys
    import time

    from exercises.pagecache.store import TRUST_SECONDS
    from tests.conftest import PROJECT_DIR

    Client().get(ARTICLE)
    FAQ.objects.filter(question="What’s better for glute growth?").update(answer_html="<p>Edited elsewhere.</p>")
    # Another process (a gunicorn worker, the job worker) saved it and marked the pages stale.
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", "from exercises.pagecache import mark_stale; mark_stale()"],
        cwd=PROJECT_DIR,
        check=True,
    )

    time.sleep(TRUST_SECONDS)
    assert "Edited elsewhere." in Client().get(ARTICLE).content.decode()


@pytest.mark.django_db
def test_gzip_refused_with_q_0_gets_plain_html(content):
    Client().get("/")

    response = Client().get("/", HTTP_ACCEPT_ENCODING="gzip;q=0, identity")

    assert not response.has_header("Content-Encoding")
    assert response.content.startswith(b"<!doctype html>")


@pytest.mark.django_db
def test_a_list_of_etags_that_holds_the_pages_gets_a_304(content):
    first = Client().get("/")

    assert Client().get("/", HTTP_IF_NONE_MATCH=f'"something-else", {first["ETag"]}').status_code == 304
    assert Client().get("/", HTTP_IF_NONE_MATCH='"something-else"').status_code == 200
