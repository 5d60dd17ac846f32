from django.conf import settings

from .seo import PageMeta

DEFAULT_DESCRIPTION = (
    "Coached strength training in Austin, Texas, and plain-English comparisons of the lifts people ask about most."
)


def site(request):
    return {
        "gym_name": settings.GYM_NAME,
        "site_url": settings.SITE_URL,
        # Views that know better pass their own "meta"; this covers the rest (forms, 404).
        "meta": PageMeta(title=settings.GYM_NAME, description=DEFAULT_DESCRIPTION, path=request.path),
    }
