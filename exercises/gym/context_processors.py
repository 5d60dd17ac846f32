"""What every template knows: the gym's profile (read once a request) and the default page meta."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject

from ..site.seo import PageMeta
from .selectors import gym_for

DEFAULT_DESCRIPTION = (
    "Coached strength training in Austin, Texas, and plain-English comparisons of the lifts people ask about most."
)


def site(request):
    return {
        "gym": SimpleLazyObject(lambda: gym_for(request)),
        "gym_name": settings.GYM_NAME,
        "site_url": settings.SITE_URL,
        # Views that know better pass their own "meta"; this covers the rest (forms, 404).
        "meta": PageMeta(title=settings.GYM_NAME, description=DEFAULT_DESCRIPTION, path=request.path),
    }
