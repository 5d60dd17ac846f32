"""Migrations move the data a live site already holds: tested from the schema as it is on main."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

ON_MAIN = ("exercises", "0003_publishing_seo_redirects")


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Later tests (and servers they start on this database) need every migration applied again."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


LATEST = ("exercises", "0004_leads_failed_emails_erasure_first_contact")


@pytest.mark.django_db(transaction=True)
def test_leads_and_their_emails_come_through_the_erasure_migration_intact():
    executor = MigrationExecutor(connection)
    executor.migrate([ON_MAIN])
    old = executor.loader.project_state([ON_MAIN]).apps
    now = timezone.now()
    lead = old.get_model("exercises", "ConsultationRequest").objects.create(
        name="Maria Lopez",
        email="maria@example.com",
        phone="512-555-0134",
        goal="glutes",
        preferred_contact="phone",
        consent=True,
        consent_text="Yes.",
        consent_version="2026-11-24",
        consented_at=now,
        created_at=now,
    )
    old.get_model("exercises", "Notification").objects.create(request=lead, kind="staff", status="failing", attempts=3)

    executor = MigrationExecutor(connection)
    executor.migrate([LATEST])
    new = executor.loader.project_state([LATEST]).apps

    kept = new.get_model("exercises", "ConsultationRequest").objects.get(pk=lead.pk)
    assert (kept.name, kept.email, kept.phone, kept.erased_at) == (
        "Maria Lopez",
        "maria@example.com",
        "512-555-0134",
        None,
    )
    notification = new.get_model("exercises", "Notification").objects.get(request_id=lead.pk)
    assert (notification.status, notification.attempts, notification.failure_announced_at) == ("failing", 3, None)


@pytest.mark.django_db(transaction=True)
def test_the_gym_profile_migration_ships_only_what_the_article_says():
    before, after = ("exercises", "0005_reference_full_citation"), ("exercises", "0006_gym_profile")
    executor = MigrationExecutor(connection)
    executor.migrate([before])

    executor = MigrationExecutor(connection)
    executor.migrate([after])

    profile = executor.loader.project_state([after]).apps.get_model("exercises", "GymProfile").objects.get()
    assert (profile.name, profile.city, profile.region) == ("Community Strength Austin", "Austin", "Texas")
    assert (profile.street_address, profile.phone, profile.email) == ("", "", "")


@pytest.mark.django_db(transaction=True)
def test_a_database_from_mains_migrations_with_staff_edits_and_leads_migrates_forward_intact():
    executor = MigrationExecutor(connection)
    executor.migrate([ON_MAIN])
    old = executor.loader.project_state([ON_MAIN]).apps
    now = timezone.now()
    reference = old.get_model("exercises", "Reference").objects.create(
        key="edited-study", journal="Journal as staff corrected it", year=2021, finding="A finding staff rewrote."
    )
    Request = old.get_model("exercises", "ConsultationRequest")
    leads = [
        Request.objects.create(
            name=f"Lead {number}",
            email=f"lead{number}@example.com",
            goal="glutes",
            consent=True,
            consent_text="Yes.",
            consent_version="2026-11-24",
            consented_at=now,
            created_at=now,
            status=status,
            staff_notes="Called back." if status != "new" else "",
        )
        for number, status in enumerate(["new", "contacted", "won"])
    ]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps

    kept = new.get_model("exercises", "Reference").objects.get(pk=reference.pk)
    assert (kept.journal, kept.finding, kept.authors, kept.pmid) == (
        "Journal as staff corrected it",
        "A finding staff rewrote.",
        "",
        "",
    )
    after = {lead.pk: lead for lead in new.get_model("exercises", "ConsultationRequest").objects.all()}
    for lead in leads:
        moved = after[lead.pk]
        assert (moved.name, moved.email, moved.status, moved.staff_notes) == (
            lead.name,
            lead.email,
            lead.status,
            lead.staff_notes,
        )
        assert moved.erased_at is None and moved.first_contacted_at is None
    assert new.get_model("exercises", "GymProfile").objects.get().name == "Community Strength Austin"
