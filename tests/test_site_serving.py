"""Serving: health check, static files hashed, compressed and cached for a year."""

import os
import subprocess
import sys

import pytest
from django.db import OperationalError

from tests.conftest import PROJECT_DIR


@pytest.mark.django_db
def test_healthz_answers_ok_when_database_and_cache_answer(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_healthz_names_what_is_down_and_only_the_log_says_why(client, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("exercises.site.views.connection.cursor", refuse)
    monkeypatch.setattr("django.core.cache.backends.filebased.FileBasedCache.get", refuse)
    monkeypatch.setattr("django.core.cache.backends.redis.RedisCache.get", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database: down\ncache: down\n"  # the detail is for the log, not for anyone
    assert "connection refused" in caplog.text


def test_static_files_are_hashed_compressed_and_cached_for_a_year(tmp_path):
    env_code = (
        "import os, django;"
        "os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "django.setup();"
        "from django.core.management import call_command;"
        "call_command('collectstatic', interactive=False, verbosity=0);"
        "from django.test import Client;"
        "from django.templatetags.static import static;"
        "url = static('css/site.css'); r = Client().get(url, HTTP_ACCEPT_ENCODING='br, gzip');"
        "print(url); print(r.status_code); print(r['Cache-Control']); print(r.get('Content-Encoding'));"
        # RFC 9110: q=0 refuses a coding.
        "r = Client().get(url, HTTP_ACCEPT_ENCODING='br;q=0, gzip; q=0.0, identity'); print(r.get('Content-Encoding'));"
        # RFC 9110: a list of tags that holds the file's is a 304.
        "tag = Client().get(url)['ETag']; print(Client().get(url, HTTP_IF_NONE_MATCH='\"other\", ' + tag).status_code)"
    )
    result = subprocess.run(
        [sys.executable, "-c", env_code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_ENV_FILE": os.devnull,
            "DJANGO_SECRET_KEY": "k" * 50,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_PAGE_CACHE_DIR": str(tmp_path / "pages"),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "DJANGO_STATIC_ROOT": str(tmp_path / "static"),
        },
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    url, status, cache_control, encoding, refused, revalidated = result.stdout.strip().splitlines()[-6:]
    assert url.startswith("/static/css/site.") and url.endswith(".css") and url != "/static/css/site.css"
    assert status == "200"
    assert "max-age=315360000" in cache_control and "immutable" in cache_control
    assert encoding == "br"
    assert refused == "None"
    assert revalidated == "304"
    hashed = tmp_path / "static" / url.removeprefix("/static/")
    assert hashed.with_name(hashed.name + ".gz").exists()
    assert hashed.with_name(hashed.name + ".br").exists()


@pytest.mark.django_db
def test_healthz_warns_when_the_proxy_setting_does_not_match_the_request(client, settings):
    settings.NUM_PROXIES = 1
    assert b"reached the site without a proxy" in client.get("/healthz").content
    assert b"warning" not in client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7").content

    settings.NUM_PROXIES = 0
    assert b"DJANGO_NUM_PROXIES=0" in client.get("/healthz", HTTP_X_FORWARDED_FOR="203.0.113.7").content
    assert client.get("/healthz").content == b"ok\n"
