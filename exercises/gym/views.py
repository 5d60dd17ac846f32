"""The gym's own pages: where it is and when it is open, and what it keeps of a visitor's request."""

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..pagecache import public_page
from ..site.seo import PageMeta, visit_structured_data
from .selectors import gym_for


@require_safe
@public_page
def visit(request):
    gym = gym_for(request)
    meta = PageMeta(
        title=f"Visit {gym.name}",
        description=f"Where {gym.name} is, when it is open and how to get in touch.",
        path=request.path,
    )
    structured_data = visit_structured_data(gym, meta)
    return render(request, "exercises/gymprofile_visit.html", {"meta": meta, "structured_data": structured_data})


@require_safe
@public_page
def privacy(request):
    gym = gym_for(request)
    meta = PageMeta(
        title="Privacy",
        description=f"What {gym.name} keeps when you ask for a consultation, for how long, and how to have it erased.",
        path=request.path,
    )
    return render(
        request, "exercises/gymprofile_privacy.html", {"meta": meta, "retention_days": settings.LEAD_RETENTION_DAYS}
    )
