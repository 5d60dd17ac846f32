from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .models import GymProfile
from .seo import PageMeta

DEFAULT_DESCRIPTION = (
    "Coached strength training in Austin, Texas, and plain-English comparisons of the lifts people ask about most."
)


def gym_for(request) -> GymProfile:
    """The gym's profile, read once per request however many parts of the page show it."""
    if not hasattr(request, "gym_profile"):
        request.gym_profile = GymProfile.current()
    return request.gym_profile


def site(request):
    return {
        "gym": SimpleLazyObject(lambda: gym_for(request)),
        "gym_name": settings.GYM_NAME,
        "site_url": settings.SITE_URL,
        # Views that know better pass their own "meta"; this covers the rest (forms, 404).
        "meta": PageMeta(title=settings.GYM_NAME, description=DEFAULT_DESCRIPTION, path=request.path),
    }
