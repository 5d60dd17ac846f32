"""Every named page opens, and every admin page opens for staff and only for staff.

Both lists are built from the URLconf and the admin registry, so a page or a
model added later is covered without touching this file.
"""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from exercises.articles.models import Comparison
from exercises.gym.models import Coach
from exercises.leads.consent import CURRENT_VERSION
from exercises.leads.views import to_thanks
from tests.conftest import make_photo

# Shipped content for every URL argument the site's routes take, by route name.
URL_KWARGS = {
    "comparison_detail": {"slug": "leg-press-vs-hip-thrust"},
    "comparison_share_image": {"slug": "leg-press-vs-hip-thrust"},
    # Only a comparison with a lead photo has one; the test gives the shipped one a test photo.
    "comparison_share_photo": {"slug": "leg-press-vs-hip-thrust"},
    "exercise_detail": {"slug": "leg-press"},
    # No coach is shipped (none is invented): the test makes this one.
    "coach_detail": {"slug": "a-coach"},
}


# Routes that only take a POST, and what they answer.
POSTED_TO = {"read_beacon": 204}


def named_routes(patterns, namespace):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from named_routes(pattern.url_patterns, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}", set(pattern.pattern.converters)


def site_routes():
    _prefix, resolver = get_resolver().namespace_dict["exercises"]
    return sorted(named_routes(resolver.url_patterns, "exercises"))


SITE_ROUTES = site_routes()
MODEL_ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "arguments"), SITE_ROUTES, ids=[name for name, _ in SITE_ROUTES])
def test_every_named_page_opens(client, content, name, arguments):
    short_name = name.split(":")[-1]
    kwargs = URL_KWARGS.get(short_name, {})
    assert set(kwargs) == arguments, f"add shipped values for {name}'s arguments {arguments} to URL_KWARGS"
    Coach.objects.create(name="A Coach", slug="a-coach", is_published=True)
    if short_name == "comparison_share_photo":
        Comparison.objects.update(lead_photo=make_photo("lead"))

    if short_name in POSTED_TO:
        # Not a page: a script posts to it (the read beacon), and it answers with no content.
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 405
        assert client.post(reverse(name, kwargs=kwargs), {"path": "/"}).status_code == POSTED_TO[short_name]
        return

    # The thank-you page opens from a sent form, with its signed value (alone, it redirects to the form).
    query = "?" + to_thanks()["Location"].partition("?")[2] if short_name == "consultation_thanks" else ""
    response = client.get(reverse(name, kwargs=kwargs) + query)

    assert response.status_code == 200


def test_the_site_has_the_pages_the_issue_asks_for():
    names = {name for name, _ in SITE_ROUTES}
    assert {"exercises:home", "exercises:comparison_detail", "exercises:exercise_detail"} <= names


ADMIN_PAGES = [
    pytest.param(model, model_admin, page, id=f"{model._meta.label_lower}-{page}")
    for model, model_admin in MODEL_ADMINS
    for page in ("changelist", "add", "change")
]


def admin_url(model, page):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    if page != "change":
        return reverse(name)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"no {opts.verbose_name} to open: add one to the every_model_has_a_row fixture"
    return reverse(name, args=[obj.pk])


@pytest.fixture
def every_model_has_a_row(content):
    """Rows for the models the shipped content does not fill, so every change page is opened."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group, User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from exercises.articles.models import Comparison, SlugRedirect
    from exercises.leads.models import ArticleReads, NotificationRecipient
    from exercises.leads.services import count_hit, create_consultation_request

    Group.objects.create(name="Coaches")
    coach = User.objects.create_user("coach", password="not-used")
    TOTPDevice.objects.create(user=coach, name="Coach's phone")
    seen = {"username": "coach", "ip_address": "203.0.113.5", "user_agent": "pytest", "path_info": "/admin/login/"}
    AccessAttempt.objects.create(**seen, http_accept="*/*", get_data="", post_data="", failures_since_start=1)
    AccessLog.objects.create(**seen, http_accept="*/*")
    AccessFailureLog.objects.create(**seen, http_accept="*/*")
    NotificationRecipient.objects.create(email="head.coach@example.com")
    ArticleReads.objects.create(month=datetime.date(2026, 12, 1), article=Comparison.objects.first(), source="direct")
    SlugRedirect.objects.create(old_slug="leg-press-or-hip-thrust", comparison=Comparison.objects.first())
    Coach.objects.create(name="A Coach", slug="a-coach").credentials.create(name="NSCA-CSCS", issued_by="NSCA")
    make_photo("a-photo")
    count_hit(key="spam:honeypot", window_seconds=3600)
    create_consultation_request(
        name="Maria Lopez",
        email="maria@example.com",
        phone="",
        goal="glutes",
        preferred_contact="email",
        best_time="any",
        message="",
        consent_version=CURRENT_VERSION,
        calls_texts_consent=False,
        source_path="/consultation/",
        ip_address="203.0.113.5",
        user_agent="pytest",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin", "page"), ADMIN_PAGES)
def test_every_admin_page_opens_for_a_superuser(
    admin_client, admin_user, every_model_has_a_row, model, model_admin, page
):
    url = admin_url(model, page)
    request = RequestFactory().get(url)
    request.user = admin_user

    response = admin_client.get(url)

    if page == "add" and not model_admin.has_add_permission(request):
        # Some records are never typed in by staff (e.g. consultation requests come from visitors).
        assert response.status_code == 403
    else:
        assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin", "page"), ADMIN_PAGES)
def test_every_admin_page_sends_anonymous_users_to_log_in(client, every_model_has_a_row, model, model_admin, page):
    url = admin_url(model, page)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


@pytest.mark.django_db
def test_admin_index_lists_every_registered_model(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    for model, _ in MODEL_ADMINS:
        opts = model._meta
        assert reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist") in page
