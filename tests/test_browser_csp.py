"""Under the strict Content-Security-Policy: the admin editor works, and the cached page is safe to share."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from exercises.articles.models import FAQ
from exercises.leads.models import ConsultationRequest

pytestmark = pytest.mark.browser

ARTICLE = "/compare/leg-press-vs-hip-thrust/"


@pytest.fixture
def site(transactional_db, live_server):
    call_command("load_initial_data", stdout=io.StringIO())
    return live_server.url


def watch_csp(page) -> list[str]:
    """Collect the browser's Content-Security-Policy complaints."""
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_staff_edit_an_faq_with_the_live_preview_and_readers_see_it(site, browser):
    get_user_model().objects.create_superuser("editor", "editor@example.com", "a-long-test-password")
    faq = FAQ.objects.get(question="What’s better for glute growth?")
    reader = browser.new_context().new_page()
    reader.goto(site + ARTICLE)  # the page is now cached
    staff = browser.new_context().new_page()
    violations = watch_csp(staff)

    staff.goto(f"{site}/admin/login/")
    staff.get_by_label("Username").fill("editor")
    staff.get_by_label("Password").fill("a-long-test-password")
    staff.get_by_role("button", name="Log in").click()
    staff.goto(f"{site}/admin/exercises/faq/{faq.pk}/change/")
    editor = staff.locator("textarea#id_answer")
    editor.fill("")
    editor.press_sequentially("**Hip thrusts** win for glutes, with squats close behind.")
    preview = staff.locator(".markdownx-preview")
    preview.locator("strong").wait_for(timeout=10_000)
    assert preview.inner_text().startswith("Hip thrusts win for glutes")
    staff.get_by_role("button", name="Save", exact=True).click()
    staff.locator(".messagelist .success").wait_for()

    reader.goto(site + ARTICLE)
    answer = reader.locator(".faq__answer").first
    assert answer.inner_text().strip() == "Hip thrusts win for glutes, with squats close behind."
    assert answer.locator("strong").inner_text() == "Hip thrusts"
    assert violations == []


def test_two_first_time_visitors_each_post_the_embedded_form_from_the_cached_page(site, browser):
    pages, cookies = [], []
    for number in range(2):
        context = browser.new_context()  # a fresh visitor: no cookies
        page = context.new_page()
        violations = watch_csp(page)
        page.goto(site + ARTICLE)
        pages.append(page.content())
        cookies.append(context.cookies())
        form = page.locator("form.form")
        form.get_by_label("Your name").fill(f"Visitor {number}")
        form.get_by_label("Email address").fill(f"visitor{number}@example.com")
        form.get_by_label("Your main goal").select_option("glutes")
        form.get_by_label("I agree that").check()
        form.get_by_role("button", name="Request my free consultation").click()
        page.wait_for_url(re.compile(r"/consultation/thanks/\?sent=[^&]+$"))
        assert violations == []
        context.close()

    # The same page for both, holding nothing of either, and no cookie: the browser's own headers let it post.
    assert pages[0] == pages[1]
    assert "csrfmiddlewaretoken" not in pages[0]
    assert cookies == [[], []]
    assert ConsultationRequest.objects.filter(source_comparison__slug="leg-press-vs-hip-thrust").count() == 2
