from django.conf import settings


def site(request):
    return {"gym_name": settings.GYM_NAME, "site_url": settings.SITE_URL}
