"""Error pages that never read the request's body.

Django's own handlers check the CSRF token first (requires_csrf_token), and that reads a POST body:
a body Django refused to read (a charset other than UTF-8, a truncated upload, too many fields) then
fails a second time, inside the error handler, and a visitor's 400 becomes a 500.
"""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return HttpResponseServerError(render_to_string("500.html"))
