"""Malformed requests get a 4xx and one log line; strangers' mistakes are never mailed to the admins."""

import logging

import pytest
from django.core import mail
from django.test import Client

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
PATHS = ["/consultation/", "/admin/login/", ARTICLE, "/markdownx/markdownify/", "/no-such-page/"]
BOUNDARY = "----boundary"
MALFORMED = {
    "a charset other than UTF-8": ("application/x-www-form-urlencoded; charset=utf-16", b"n\x00a\x00m\x00e\x00"),
    "an unknown charset": ("application/x-www-form-urlencoded; charset=no-such-charset", b"name=x"),
    "truncated multipart": (
        f"multipart/form-data; boundary={BOUNDARY}",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="name"\r\n\r\nMaria'.encode(),
    ),
    "multipart without a boundary": ("multipart/form-data", b"name=x"),
    "too many fields": ("application/x-www-form-urlencoded", "&".join(f"f{n}=x" for n in range(1200)).encode()),
    "a huge body": ("application/x-www-form-urlencoded", b"message=" + b"x" * (3 * 1024 * 1024)),
}


def visitor() -> Client:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies["csrftoken"] = "a" * 32
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("kind", MALFORMED)
def test_a_malformed_post_gets_a_4xx_and_one_log_line(content, path, kind, caplog):
    content_type, body = MALFORMED[kind]

    with caplog.at_level(logging.INFO):
        response = visitor().generic("POST", path, body, content_type=content_type)

    assert 400 <= response.status_code < 500, (path, kind, response.status_code)
    assert not [record for record in caplog.records if record.exc_info and record.levelno >= logging.WARNING], [
        record.getMessage() for record in caplog.records
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/no%00such/", "/compare/leg-press%00/", "/%00"])
def test_a_nul_byte_in_the_path_is_a_404(content, path):
    assert Client().get(path).status_code == 404


@pytest.mark.django_db
def test_a_bad_host_or_too_many_fields_is_logged_and_never_mailed(content, settings, caplog):
    settings.ADMINS = [("Ops", "ops@example.com")]

    with caplog.at_level(logging.INFO):
        assert Client().get("/no-such-page/", HTTP_HOST="evil.example").status_code == 400
        assert (
            Client()
            .post("/consultation/", MALFORMED["too many fields"][1], content_type=MALFORMED["too many fields"][0])
            .status_code
            == 400
        )

    assert mail.outbox == []
    assert "Invalid HTTP_HOST header" in caplog.text


def test_error_mail_never_holds_a_request_long():
    from config.logs import ErrorMailBackend

    assert ErrorMailBackend().timeout == 2


@pytest.mark.django_db(transaction=True)
def test_a_charset_django_refuses_is_a_400_from_a_real_server_too(server_database_url):
    import urllib.error
    import urllib.request

    from tests.conftest import gunicorn

    with gunicorn(server_database_url, workers=1) as base:
        for path in ["/consultation/", "/admin/login/", ARTICLE]:
            request = urllib.request.Request(
                base + path,
                data=b"n\x00a\x00m\x00e\x00",
                headers={
                    "Content-Type": "application/x-www-form-urlencoded; charset=utf-16",
                    "Cookie": "csrftoken=" + "a" * 32,
                },
            )
            with pytest.raises(urllib.error.HTTPError) as answer:
                urllib.request.urlopen(request, timeout=10)
            assert answer.value.code == 400, path
        request.full_url = base + "/no-such-page/"
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
        assert answer.value.code == 404
