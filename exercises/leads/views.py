"""The consultation form: the one place a visitor's request comes in."""

import ipaddress
import re

from django.conf import settings
from django.core import signing
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from ..articles.models import Comparison
from ..pagecache import public_page
from . import attribution, services
from .forms import ConsultationForm
from .origin import refuses_cross_origin


def client_ip(request) -> str | None:
    """The visitor's address, trusting only as many X-Forwarded-For hops as we have proxies."""
    candidates = [request.META.get("REMOTE_ADDR", "")]
    if settings.NUM_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= settings.NUM_PROXIES:
            candidates.insert(0, forwarded[-settings.NUM_PROXIES])
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


RATE_LIMITED = (
    "We have had several requests from your connection in the last hour, so this one was not sent. "
    "Please try again later, or call the gym. Your answers are still here."
)


@require_http_methods(["GET", "HEAD", "POST"])
@refuses_cross_origin
@public_page
def consultation(request):
    if request.method != "POST":
        form = ConsultationForm(source=request.path)
        return render(request, "exercises/consultation_form.html", {"form": form})
    if (shown := take_consultation(request)) is None:
        return to_thanks()
    form, status = shown
    return render(request, "exercises/consultation_form.html", {"form": form}, status=status)


def take_consultation(request) -> tuple[ConsultationForm, int] | None:
    """A posted consultation form, from this page or embedded in an article (each view @refuses_cross_origin).

    None once the request is stored (or quietly dropped as spam): the visitor goes to the thank-you page.
    Otherwise the form to show again where it was sent from, errors and answers kept, with its status.
    """
    form = ConsultationForm(request.POST)
    ip_address = client_ip(request)
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if reason := form.spam_reason():
        services.record_spam(reason=reason, ip_address=ip_address, user_agent=user_agent)
        return None  # bots see the same page as people, so they learn nothing from it
    if not form.is_valid():
        return form, 400
    if not services.allow_consultation_from(ip_address):
        form.add_error(None, RATE_LIMITED)
        return form, 429
    data = form.cleaned_data
    services.create_consultation_request(
        name=data["name"],
        email=data["email"],
        phone=data["phone"],
        goal=data["goal"],
        preferred_contact=data["preferred_contact"],
        best_time=data["best_time"],
        message=data["message"],
        consent_version=data["consent_version"],
        calls_texts_consent=data["calls_texts_consent"],
        source_path=data["source"],
        ip_address=ip_address,
        user_agent=user_agent,
        landing_path=data["landing_page"],
        # Without JavaScript the Referer header may still name the site that sent them.
        referrer_host=data["referrer_host"]
        or attribution.external_referrer(request.META.get("HTTP_REFERER", ""), own_host=request.get_host()),
        utm_source=data["utm_source"],
        utm_medium=data["utm_medium"],
        utm_campaign=data["utm_campaign"],
        utm_term=data["utm_term"],
        utm_content=data["utm_content"],
        article_path=data["last_article"],
    )
    return None


# The thank-you page is reached only from a sent form: the redirect carries a signed time (the same for everyone who
# sends within the same second, so nothing in it names a visitor), good for THANKS_MAX_AGE seconds. No cookie is set.
THANKS_SALT = "exercises.leads.thanks"
THANKS_MAX_AGE = 15 * 60
THANKS_PARAMETER = "sent"


def to_thanks() -> HttpResponseRedirect:
    """The redirect after a request is taken (or quietly dropped as spam: bots see what people see)."""
    token = signing.TimestampSigner(salt=THANKS_SALT).sign("sent")
    return HttpResponseRedirect(f"{reverse('exercises:consultation_thanks')}?{urlencode({THANKS_PARAMETER: token})}")


def is_fresh_thanks(value: str) -> bool:
    """A value this site signed for a request taken at most THANKS_MAX_AGE seconds ago."""
    try:
        return signing.TimestampSigner(salt=THANKS_SALT).unsign(value, max_age=THANKS_MAX_AGE) == "sent"
    except signing.BadSignature:  # forged, altered or expired (SignatureExpired is a BadSignature)
        return False


@require_safe
def consultation_thanks(request):
    """Not a public page: the page cache never keeps it, and no shared cache may (one address per sent value)."""
    if not is_fresh_thanks(request.GET.get(THANKS_PARAMETER, "")):
        return redirect("exercises:consultation")
    response = render(request, "exercises/consultation_thanks.html")
    add_never_cache_headers(response)
    return response


BOTS = re.compile(r"bot|crawl|spider|slurp|preview", re.IGNORECASE)


@csrf_exempt  # it sets nothing and reads no cookie; another site's page can only add a read, and is refused below
@never_cache
@require_POST
def read_beacon(request):
    """One read of an article, sent by visit.js with navigator.sendBeacon: counted, and nothing of the reader kept.

    Always 204, counted or not, so a client learns nothing. Not counted: another site's page (Sec-Fetch-Site),
    a known bot, staff with a session (previews), a path that is not a published article.
    """
    if request.headers.get("Sec-Fetch-Site", "same-origin") == "same-origin" and not (
        BOTS.search(request.headers.get("User-Agent", "")) or settings.SESSION_COOKIE_NAME in request.COOKIES
    ):
        path = attribution.site_path(request.POST.get("path", ""))
        article = services.comparison_for_path(path) if path else None
        if article is not None and Comparison.objects.published().filter(pk=article.pk).exists():
            source = attribution.channel(
                utm_source=request.POST.get("utm_source", ""), referrer_host=request.POST.get("referrer_host", "")
            )
            services.count_read(article=article, source=source, when=timezone.now())
    return HttpResponse(status=204)
