"""Content jobs, run by `python manage.py run_huey`: the public pages rendered again after a change.

Here, not in articles/, because huey finds a job by its module's name: jobs already queued keep theirs."""

import math
from datetime import timedelta

from django.core.cache import caches
from django.utils import timezone
from huey.contrib.djhuey import db_task

from . import pagecache
from .articles.publishing import next_go_live
from .leads import tasks as leads_tasks  # noqa: F401 - huey finds the leads' jobs through this module


@db_task()
def refresh_public_pages() -> None:
    """After an edit, and when a scheduled item goes live: readers then get cached pages, never a render."""
    pagecache.mark_stale()
    pagecache.warm()
    book_refresh_at_next_go_live()


def book_refresh_at_next_go_live() -> None:
    """Every refresh asks; the shared cache's atomic add lets only the first one book the job."""
    go_live = next_go_live()
    if go_live is None:
        return
    # A moment after, so that the item counts as published when the job renders.
    run_at = go_live + timedelta(seconds=1)
    booked_for = math.ceil((run_at - timezone.now()).total_seconds()) + 60
    if caches[pagecache.CACHE_ALIAS].add(f"pages:refresh-booked:{run_at.timestamp()}", True, timeout=booked_for):
        refresh_public_pages.schedule(eta=run_at)
