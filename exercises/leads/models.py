"""Leads: consultation requests, the emails each one owes, and the counters behind the rate limit."""

from django.db import models
from django.db.models import Q
from django.utils import timezone


class ConsultationGoal(models.TextChoices):
    GLUTES = "glutes", "Glutes"
    QUADS = "quads", "Quads / leg strength"
    OVERALL_STRENGTH = "overall_strength", "Overall strength"
    ATHLETIC = "athletic", "Athletic performance"
    OTHER = "other", "Other"


class ContactMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text message"


class BestTime(models.TextChoices):
    ANY = "any", "Any time"
    MORNING = "morning", "Morning (8–12)"
    AFTERNOON = "afternoon", "Afternoon (12–5)"
    EVENING = "evening", "Evening (5–8)"


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    CONTACTED = "contacted", "Contacted"
    BOOKED = "booked", "Booked"
    WON = "won", "Won"
    LOST = "lost", "Lost"
    SPAM = "spam", "Spam"


class ConsultationRequest(models.Model):
    """A lead. Stored before anything else happens; never deleted by a single click."""

    name = models.CharField(max_length=100)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=30, blank=True)
    goal = models.CharField("main goal", max_length=20, choices=ConsultationGoal)
    preferred_contact = models.CharField(max_length=10, choices=ContactMethod, default=ContactMethod.EMAIL)
    best_time = models.CharField("best time to reach them", max_length=10, choices=BestTime, default=BestTime.ANY)
    message = models.TextField(max_length=2000, blank=True)
    consent = models.BooleanField("consented to be contacted")
    consent_text = models.TextField("consent wording shown")
    consent_version = models.CharField(max_length=20)
    calls_texts_consent = models.BooleanField("consented to calls and texts", default=False)
    calls_texts_consent_text = models.TextField("calls/texts consent wording shown", blank=True)
    consented_at = models.DateTimeField()
    source_path = models.CharField("sent from page", max_length=200, blank=True)
    source_comparison = models.ForeignKey(
        "Comparison",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_requests",
        verbose_name="source comparison",
    )
    # First touch, from the visitor's own tab (static/js/visit.js) or, without JavaScript, the Referer header.
    # Cleaned and cut to these lengths by the form; blank when not known (requests from before they were kept).
    landing_path = models.CharField("landing page", max_length=200, blank=True)
    referrer_host = models.CharField("came from (site)", max_length=253, blank=True, db_index=True)
    utm_source = models.CharField("campaign source", max_length=100, blank=True, db_index=True)
    utm_medium = models.CharField("campaign medium", max_length=100, blank=True)
    utm_campaign = models.CharField("campaign", max_length=100, blank=True, db_index=True)
    utm_term = models.CharField("campaign term", max_length=100, blank=True)
    utm_content = models.CharField("campaign content", max_length=100, blank=True)
    article_path = models.CharField("article read last", max_length=200, blank=True)
    article = models.ForeignKey(
        "Comparison",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="read_before_requests",
        verbose_name="article read last (comparison)",
    )
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=400, blank=True)
    status = models.CharField(max_length=10, choices=RequestStatus, default=RequestStatus.NEW, db_index=True)
    archived = models.BooleanField(default=False, db_index=True)
    staff_notes = models.TextField(blank=True)
    first_contacted_at = models.DateTimeField(
        "first contacted", null=True, blank=True, help_text="Set when the status first moves on from New."
    )
    erased_at = models.DateTimeField("personal data erased", null=True, blank=True)
    erased_by = models.CharField("erased by", max_length=150, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "consultation request"
        verbose_name_plural = "consultation requests"
        constraints = [
            models.CheckConstraint(condition=Q(consent=True), name="consultation_requires_consent"),
            models.CheckConstraint(
                condition=Q(preferred_contact=ContactMethod.EMAIL) | ~Q(phone="") | Q(erased_at__isnull=False),
                name="consultation_phone_for_calls_and_texts",
                violation_error_message="A phone number is needed to call or text.",
            ),
        ]

    def __str__(self):
        if self.erased_at:
            return f"Request of {self.created_at:%Y-%m-%d} (personal data erased)"
        return f"{self.name} <{self.email}>"


class NotificationKind(models.TextChoices):
    STAFF = "staff", "Staff alert"
    AUTO_REPLY = "auto_reply", "Auto-reply to visitor"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILING = "failing", "Failing"
    FAILED = "failed", "Failed: cannot be sent"
    # The visitor's data was erased before it went out: nothing is left to send, and nothing was.
    CANCELLED = "cancelled", "Cancelled: personal data erased"


# An email in one of these states is never tried again.
FINISHED_STATUSES = (NotificationStatus.SENT, NotificationStatus.FAILED, NotificationStatus.CANCELLED)


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.exclude(status__in=FINISHED_STATUSES).filter(
            Q(next_attempt_at__lte=now), Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )


class Notification(models.Model):
    """One email owed for a consultation request: an outbox row saved with the request.

    The background worker claims a row with a short lease before sending, so a
    worker killed mid-send leaves the row to be picked up again once the
    lease runs out, and two workers never send the same row at once.
    """

    request = models.ForeignKey(ConsultationRequest, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=12, choices=NotificationKind)
    status = models.CharField(max_length=10, choices=NotificationStatus, default=NotificationStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    failure_announced_at = models.DateTimeField(
        "staff told of the failure", null=True, blank=True, help_text="When a staff alert listed it as not sent."
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "email notification"
        verbose_name_plural = "email notifications"
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="one_notification_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.request.name}: {self.get_status_display()}"


class NotificationRecipient(models.Model):
    """Staff who receive new-request alerts, on top of DJANGO_CONSULTATION_RECIPIENTS."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=100, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["email"]
        verbose_name = "alert recipient"
        verbose_name_plural = "alert recipients"

    def __str__(self):
        return self.email


class Counter(models.Model):
    """A fixed-window counter: rate limits per IP, and spam tallies per day.

    Incremented with one conditional UPDATE, which both SQLite (writes are
    serialised) and PostgreSQL (the row lock re-checks the condition) apply
    exactly, across every worker and instance that shares the database.
    """

    key = models.CharField(max_length=120)
    window_start = models.DateTimeField()
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-window_start", "key"]
        verbose_name = "counter"
        verbose_name_plural = "counters"
        constraints = [models.UniqueConstraint(fields=["key", "window_start"], name="counter_key_window_unique")]

    def __str__(self):
        return f"{self.key} @ {self.window_start:%Y-%m-%d %H:%M}: {self.hits}"


class ArticleReads(models.Model):
    """How many times an article was read in a month, by what first sent the reader: counts only.

    One row per (month, article, source), added to by the read beacon (static/js/visit.js) with one conditional
    UPDATE; nothing of the reader is kept. Readers without JavaScript, and bots that run none, are not counted.
    """

    month = models.DateField(help_text="The first day of the month, in the gym's time zone.")
    article = models.ForeignKey("Comparison", on_delete=models.CASCADE, related_name="monthly_reads")
    source = models.CharField(max_length=100, help_text='Campaign source, else the referring site, else "direct".')
    reads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-month", "article", "source"]
        verbose_name = "article reads"
        verbose_name_plural = "article reads"
        constraints = [
            models.UniqueConstraint(fields=["month", "article", "source"], name="article_reads_month_source_unique")
        ]

    def __str__(self):
        return f"{self.article} · {self.source} · {self.month:%Y-%m}: {self.reads}"
