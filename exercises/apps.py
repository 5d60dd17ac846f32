import threading

from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercise comparisons"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # Any content write (admin, inline, shell, load_initial_data) must drop the
        # cached pages, so this hooks the model signals rather than each caller.
        for model in self.get_models():
            if model.__name__ in UNCACHED_MODELS:
                continue
            post_save.connect(_content_changed, sender=model, dispatch_uid=f"pages-save-{model.__name__}")
            post_delete.connect(_content_changed, sender=model, dispatch_uid=f"pages-delete-{model.__name__}")


# Writes to these never change what a public page shows.
UNCACHED_MODELS = {"ConsultationRequest", "Notification", "NotificationRecipient", "Counter"}


# Whether this thread saved content since the pages were last rendered again.
_unrefreshed = threading.local()


def _content_changed(sender, using, **kwargs):
    from django.db import transaction

    from .page_cache import invalidate_pages

    invalidate_pages()
    # Again after commit: a page rendered from the old rows while the save's
    # transaction was still open would otherwise be cached as current.
    _unrefreshed.pages = True
    transaction.on_commit(_refresh_once, using=using, robust=True)


def _refresh_once():
    """An admin save touches many rows; the first of their callbacks renders the pages, the rest find it done."""
    from .page_cache import refresh_pages

    if getattr(_unrefreshed, "pages", False):
        _unrefreshed.pages = False
        refresh_pages()
