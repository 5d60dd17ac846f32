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


# --- Sections: the article's outline moves out of the comparison's columns ----------------------------------

BEFORE_SECTIONS = ("exercises", "0007_gym_privacy_page")
SECTIONS = ("exercises", "0008_comparison_sections")


def old_shape_article(old, now):
    """An article as a live database on main holds it, with staff's own edits to its words."""
    Exercise = old.get_model("exercises", "Exercise")
    exercises = [
        Exercise.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            summary=f"All about the {name}.",
            what_it_is=f"The {name} is a lift staff described.",
            what_it_is_html=f"<p>The {name} is a lift staff described.</p>",
            muscles_intro="It works:",
            how_it_works="You move the weight.",
            how_it_works_html="<p>You move the weight.</p>",
            equipment="A barbell",
            status="published",
            published_at=now,
        )
        for name in ("Squat", "Glute Bridge")
    ]
    fields = {
        "intro": "An intro staff rewrote.",
        "showdown_heading": "Squat vs. Glute Bridge: The Showdown",
        "showdown_intro": "How they stack up.",
        "criteria_caption": "Squat and glute bridge on two criteria",
        "who_heading": "Who Should Use Each Exercise?",
        "combine_heading": "Do Both:",
        "combine_body": "Squat Monday, bridge Thursday.",
        "programming_heading": "Programming Tips for Success",
        "myths_heading": "Myths We Hear",
        "form_heading": "Tips for Nailing Form",
        "warmup": "**Warm-Up:** bridges first.",
        "final_heading": "Final Thoughts",
        "final_thoughts": "Both have a place.",
        "faq_heading": "FAQs",
        "cta_heading": "Start Your Fitness Journey with Community Strength Austin",
        "cta_body": "Book a free consultation.",
    }
    html = {
        f"{name}_html": f"<p>{fields[name]}</p>" for name in ("intro", "combine_body", "final_thoughts", "cta_body")
    }
    html["warmup_html"] = "<p><strong>Warm-Up:</strong> bridges first.</p>"
    comparison = old.get_model("exercises", "Comparison").objects.create(
        title="Squat vs Glute Bridge",
        slug="squat-vs-glute-bridge",
        summary="Squat or bridge?",
        exercise_a=exercises[0],
        exercise_b=exercises[1],
        status="published",
        published_at=now,
        **fields,
        **html,
    )
    old.get_model("exercises", "FAQ").objects.create(
        comparison=comparison,
        question="Which is easier on the knees?",
        answer="The bridge, as staff now put it.",
        answer_html="<p>The bridge, as staff now put it.</p>",
    )
    old.get_model("exercises", "ShowdownFactor").objects.create(
        comparison=comparison,
        title="Knee Stress",
        verdict_a="More.",
        verdict_a_html="<p>More.</p>",
        verdict_b="Less.",
        verdict_b_html="<p>Less.</p>",
    )
    old.get_model("exercises", "Criterion").objects.create(
        comparison=comparison, name="Equipment", exercise_a_text="Rack", exercise_b_text="Floor"
    )
    old.get_model("exercises", "Myth").objects.create(
        comparison=comparison, myth="Bridges are only for beginners.", correction="Load them heavy."
    )
    return comparison


def three_leads(old, now, comparison):
    Request = old.get_model("exercises", "ConsultationRequest")
    return [
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
            source_path="/compare/squat-vs-glute-bridge/",
            source_comparison=comparison,
        )
        for number, status in enumerate(["new", "contacted", "won"])
    ]


@pytest.mark.django_db(transaction=True)
def test_an_article_on_mains_schema_becomes_sections_and_reads_as_before_with_its_edits(client):
    from exercises.pagecache import mark_stale

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_SECTIONS])
    old = executor.loader.project_state([BEFORE_SECTIONS]).apps
    now = timezone.now() - timezone.timedelta(days=1)
    comparison = old_shape_article(old, now)
    leads = three_leads(old, now, comparison)
    redirect = old.get_model("exercises", "SlugRedirect").objects.create(
        old_slug="squat-or-bridge", comparison=comparison
    )

    executor = MigrationExecutor(connection)
    executor.migrate([SECTIONS])
    new = executor.loader.project_state([SECTIONS]).apps

    sections = list(
        new.get_model("exercises", "Section").objects.filter(comparison_id=comparison.pk).order_by("position")
    )
    assert [(s.kind, s.heading, s.side) for s in sections] == [
        ("prose", "", ""),
        ("at_a_glance", "", ""),
        ("exercise_overview", "", "a"),
        ("exercise_overview", "", "b"),
        ("showdown", "", ""),  # the usual heading, so it follows the default
        ("criteria", "", ""),
        ("related", "", ""),
        ("who_should_choose", "", ""),
        ("programming", "", ""),
        ("myths", "Myths We Hear", ""),  # staff's own heading stays theirs
        ("form_tips", "", ""),
        ("prose", "Final Thoughts", ""),
        ("faqs", "", ""),
        ("call_to_action", "", ""),
    ]
    assert sections[5].caption == "Squat and glute bridge on two criteria"
    assert sections[7].caption == "Do Both:"

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    mark_stale()
    page = client.get("/compare/squat-vs-glute-bridge/").content.decode()
    for text in [
        "An intro staff rewrote.",
        "The bridge, as staff now put it.",
        "Myths We Hear",
        "Do Both:",
        "Squat Monday, bridge Thursday.",
        "Warm-Up:",
        "Both have a place.",
        "Start Your Fitness Journey with Community Strength Austin",
        "Book a free consultation.",
        "How they stack up.",
        "Squat and glute bridge on two criteria",
        "The Squat is a lift staff described.",
    ]:
        assert text in page, text
    assert client.get("/compare/squat-or-bridge/")["Location"] == "/compare/squat-vs-glute-bridge/"

    latest = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    after = {lead.pk: lead for lead in latest.get_model("exercises", "ConsultationRequest").objects.all()}
    kept = [after[lead.pk] for lead in leads]
    assert [(lead.name, lead.status, lead.staff_notes, lead.source_comparison_id) for lead in kept] == [
        (lead.name, lead.status, lead.staff_notes, comparison.pk) for lead in leads
    ]
    assert latest.get_model("exercises", "SlugRedirect").objects.get().pk == redirect.pk


@pytest.mark.django_db(transaction=True)
def test_the_sections_migration_goes_back_to_the_columns_it_came_from():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_SECTIONS])
    old = executor.loader.project_state([BEFORE_SECTIONS]).apps
    comparison = old_shape_article(old, timezone.now())
    before = old.get_model("exercises", "Comparison").objects.values().get(pk=comparison.pk)

    executor = MigrationExecutor(connection)
    executor.migrate([SECTIONS])
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_SECTIONS])

    back = executor.loader.project_state([BEFORE_SECTIONS]).apps
    after = back.get_model("exercises", "Comparison").objects.values().get(pk=comparison.pk)
    assert {k: v for k, v in after.items() if k != "updated_at"} == {
        k: v for k, v in before.items() if k != "updated_at"
    }


@pytest.mark.django_db(transaction=True)
def test_the_profile_takes_over_the_sites_words_and_keeps_staff_edits():
    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE_SECTIONS])
    old = executor.loader.project_state([BEFORE_SECTIONS]).apps
    old.get_model("exercises", "GymProfile").objects.update_or_create(
        pk=1, defaults={"phone": "512-555-0100", "name": "CS Austin"}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    profile = (
        executor.loader.project_state(executor.loader.graph.leaf_nodes())
        .apps.get_model("exercises", "GymProfile")
        .objects.get()
    )
    assert (profile.name, profile.phone) == ("CS Austin", "512-555-0100")
    assert profile.tagline.startswith("Coached strength training for every body.")
    assert profile.exercise_cta_heading == "Want a coach to check your form?"
    assert "<strong>Check your inbox.</strong>" in profile.what_happens_next_html


@pytest.mark.django_db(transaction=True)
def test_muscles_already_there_get_their_areas_of_the_body_map_by_name():
    before, after = ("exercises", "0009_coaches_bylines_site_words"), ("exercises", "0010_muscle_regions_ratings_note")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    Muscle = executor.loader.project_state([before]).apps.get_model("exercises", "Muscle")
    for name in ("Glutes", "Core", "Serratus anterior"):  # the last one, added by staff, has no known area
        Muscle.objects.create(name=name)

    executor = MigrationExecutor(connection)
    executor.migrate([after])

    regions = executor.loader.project_state([after]).apps.get_model("exercises", "MuscleRegion").objects
    assert sorted(regions.filter(muscle__name="Glutes").values_list("region", flat=True)) == ["glutes"]
    assert sorted(regions.filter(muscle__name="Core").values_list("region", flat=True)) == [
        "abs",
        "lower_back",
        "obliques",
    ]
    assert not regions.filter(muscle__name="Serratus anterior").exists()


@pytest.mark.django_db(transaction=True)
def test_the_photo_library_arrives_empty_and_leaves_articles_coaches_and_exercises_as_they_were():
    before, after = ("exercises", "0010_muscle_regions_ratings_note"), ("exercises", "0011_photo_library")
    executor = MigrationExecutor(connection)
    executor.migrate([before])
    old = executor.loader.project_state([before]).apps
    exercise = old.get_model("exercises", "Exercise").objects.create(name="Step-up", slug="step-up", equipment="A box")
    coach = old.get_model("exercises", "Coach").objects.create(name="Edited Coach", slug="edited-coach", role="Coach")
    comparison = old.get_model("exercises", "Comparison").objects.create(
        title="Step-up vs Lunge", slug="step-up-vs-lunge", exercise_a=exercise, author=coach
    )

    executor = MigrationExecutor(connection)
    executor.migrate([after])
    new = executor.loader.project_state([after]).apps

    kept = new.get_model("exercises", "Comparison").objects.get(pk=comparison.pk)
    assert (kept.title, kept.exercise_a_id, kept.author_id, kept.lead_photo_id) == (
        "Step-up vs Lunge",
        exercise.pk,
        coach.pk,
        None,
    )
    assert new.get_model("exercises", "Coach").objects.get(pk=coach.pk).photo_id is None
    assert new.get_model("exercises", "Exercise").objects.get(pk=exercise.pk).equipment == "A box"
    assert not new.get_model("exercises", "Photo").objects.exists()
