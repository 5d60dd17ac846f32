from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import JsonResponse
from django.urls import include, path
from markdownx.views import MarkdownifyView

from exercises.photos import views as photos
from exercises.writing import views as writing


@staff_member_required
def markdownx_upload_disabled(request):
    # The sanitiser allows no <img>, so an uploaded image could never show;
    # refusing here keeps SVG (and its scripts) off the server entirely.
    return JsonResponse({"image_code": "", "error": "Image upload is switched off on this site."}, status=403)


urlpatterns = [
    # Through the admin site's own login (two-step included); before admin.site.urls, which would 404 them.
    path(
        "admin/writing/references/",
        admin.site.admin_view(writing.reference_search),
        name="writing_reference_search",
    ),
    path("admin/writing/photos/", admin.site.admin_view(writing.photo_search), name="writing_photo_search"),
    path("admin/", admin.site.urls),
    # markdownx's own urls.py would serve these to anyone; staff only here (the preview through the admin's
    # login, two-step included, as it reads the references).
    path("markdownx/markdownify/", admin.site.admin_view(MarkdownifyView.as_view()), name="markdownx_markdownify"),
    path("markdownx/upload/", markdownx_upload_disabled, name="markdownx_upload"),
    # Photo library files on local disk (MEDIA_URL); immutable, as every name holds its content's hash.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:name>", photos.media, name="media"),
    path("", include("exercises.urls")),
]

# Django's own error handlers read the request body for a CSRF check, so a body Django refused once
# would fail again inside them (a 500 instead of a 400).
handler400 = "exercises.site.errors.bad_request"
handler403 = "exercises.site.errors.permission_denied"
handler404 = "exercises.site.errors.page_not_found"
handler500 = "exercises.site.errors.server_error"
