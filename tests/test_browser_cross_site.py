"""In Chromium: a page on another site that auto-submits a form to ours is refused, and our own form, from
/consultation/ and from an article, goes through without a token or a cookie."""

import contextlib
import http.server
import io
import re
import threading

import pytest
from django.core.management import call_command

from exercises.leads.models import ConsultationRequest
from tests.conftest import free_port

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

ARTICLE = "/compare/leg-press-vs-hip-thrust/"
ANSWERS = {
    "name": "Mallory",
    "email": "mallory@example.com",
    "goal": "glutes",
    "preferred_contact": "email",
    "best_time": "any",
    "consent": "on",
    "consent_version": "2026-11-24",
    "website": "",
}


def forging_page(target: str) -> str:
    """What an attacker's page does: post our form as the visitor, the moment it opens."""
    fields = "".join(f'<input type="hidden" name="{name}" value="{value}">' for name, value in ANSWERS.items())
    return (
        f'<!doctype html><title>Win a prize</title><form id="f" method="post" action="{target}">{fields}</form>'
        '<script>document.getElementById("f").submit()</script>'
    )


@contextlib.contextmanager
def another_local_site(html: str, host: str):
    """A page served on this machine at another port: on 127.0.0.1 another site than the live server's
    localhost; on localhost another origin of the same site."""

    class Page(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html.encode())

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer((host, free_port()), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://{host}:{server.server_port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def site(live_server, settings):
    call_command("load_initial_data", stdout=io.StringIO())
    settings.CONSULTATION_RATE_LIMIT = 100  # the live server runs in this process: this reaches its views
    return live_server.url


@pytest.mark.parametrize(("host", "fetch_site"), [("127.0.0.1", "cross-site"), ("localhost", "same-site")])
@pytest.mark.parametrize("path", ["/consultation/", ARTICLE])
def test_a_page_on_another_site_that_auto_submits_our_form_is_refused(page, site, path, host, fetch_site):
    with (
        another_local_site(forging_page(site + path), host) as elsewhere,
        page.expect_response(lambda response: response.request.method == "POST") as posted,
    ):
        page.goto(elsewhere)

    assert posted.value.status == 403
    assert posted.value.request.all_headers().get("sec-fetch-site") == fetch_site
    page.wait_for_load_state()
    assert "Your request was not sent" in page.content()
    assert not ConsultationRequest.objects.exists()


def test_a_page_from_an_address_on_the_internet_is_refused_by_its_origin(page, site):
    # Chromium serves this one itself (page.route); it sends no Sec-Fetch-Site from it, only Origin.
    forged = forging_page(site + "/consultation/")
    page.route("http://prizes.example/", lambda route: route.fulfill(content_type="text/html", body=forged))

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.goto("http://prizes.example/")

    assert posted.value.status == 403
    sent = posted.value.request.all_headers()
    assert sent.get("sec-fetch-site", "cross-site") == "cross-site"
    assert sent["origin"] == "http://prizes.example"
    assert not ConsultationRequest.objects.exists()


@pytest.mark.parametrize("path", ["/consultation/", ARTICLE])
def test_our_own_form_goes_through_with_no_token_and_no_cookie(page, site, path):
    page.goto(site + path)
    form = page.locator("form.form")
    form.get_by_label("Your name").fill("Maria López")
    form.get_by_label("Email address").fill("maria@example.com")
    form.get_by_label("Your main goal").select_option("glutes")
    form.get_by_label("I agree that").check()

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        form.get_by_role("button", name="Request my free consultation").click()
    page.wait_for_url(re.compile(re.escape(site) + r"/consultation/thanks/\?sent=[^&]+$"))

    assert posted.value.request.all_headers().get("sec-fetch-site") == "same-origin"
    assert page.context.cookies() == []
    request = ConsultationRequest.objects.get()
    assert request.source_path == path
