"""Coaches, with their credentials, and the byline of each article (author, reviewer, review dates).

The gym's profile also takes over the words that templates used to hold (the
home page tagline, the consultation introduction, what happens after a request,
the exercise pages' call to action), so staff can edit them; the data step copies
the wording the site showed into the profile, without inventing any.
"""

import django.core.validators
import django.db.models.deletion
import markdownx.models
from django.db import migrations, models


TAGLINE = (
    "Coached strength training for every body. Our trainers compare the lifts people ask about most, "
    "so you can pick the right one for your goals."
)
CONSULTATION_INTRO = (
    "Tell us a little about your goals. A coach will get back to you within one business day to find a time "
    "that suits you."
)
WHAT_HAPPENS_NEXT = (
    "1. **Check your inbox.** We have sent you a confirmation email. If it is not there in a few minutes, "
    "look in your spam folder.\n"
    "2. **A coach gets in touch** within one business day, the way you asked us to, to find a time that "
    "suits you.\n"
    "3. **Your free consultation** takes about 30 minutes at the gym: we talk about your goals, look at how "
    "you move, and sketch a plan. There is no obligation to join."
)
EXERCISE_CTA_HEADING = "Want a coach to check your form?"


def words_into_the_profile(apps, schema_editor):
    from exercises.writing.markdown import render_markdown

    profile = apps.get_model("exercises", "GymProfile").objects.filter(pk=1).first()
    if profile is None:
        return
    profile.tagline = profile.tagline or TAGLINE
    profile.consultation_intro = profile.consultation_intro or CONSULTATION_INTRO
    if not profile.what_happens_next:
        profile.what_happens_next = WHAT_HAPPENS_NEXT
        profile.what_happens_next_html = render_markdown(WHAT_HAPPENS_NEXT)
    profile.exercise_cta_heading = profile.exercise_cta_heading or EXERCISE_CTA_HEADING
    profile.save()


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0008_comparison_sections"),
    ]

    operations = [
        migrations.CreateModel(
            name="Coach",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=100)),
                (
                    "slug",
                    models.SlugField(
                        blank=True, help_text="Empty makes one from the name.", max_length=100, unique=True
                    ),
                ),
                ("role", models.CharField(blank=True, help_text="E.g. “Head coach”.", max_length=100)),
                (
                    "bio",
                    markdownx.models.MarkdownxField(blank=True, help_text="A few lines: how they coach, and whom."),
                ),
                ("bio_html", models.TextField(default="", editable=False)),
                (
                    "years_coaching",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Empty shows nothing.",
                        null=True,
                        validators=[django.core.validators.MaxValueValidator(80)],
                    ),
                ),
                (
                    "is_published",
                    models.BooleanField(
                        default=False,
                        help_text="Readers see the coach's page and byline only when ticked.",
                        verbose_name="published",
                    ),
                ),
                ("position", models.PositiveIntegerField(db_index=True, default=0)),
            ],
            options={
                "verbose_name": "coach",
                "verbose_name_plural": "coaches",
                "ordering": ["position", "name"],
            },
        ),
        migrations.AddField(
            model_name="comparison",
            name="next_review_due",
            field=models.DateField(
                blank=True, help_text="Empty: a year after the review.", null=True, verbose_name="next review due"
            ),
        ),
        migrations.AddField(
            model_name="comparison",
            name="reviewed_on",
            field=models.DateField(blank=True, null=True, verbose_name="reviewed on"),
        ),
        migrations.AddField(
            model_name="exercise",
            name="next_review_due",
            field=models.DateField(
                blank=True, help_text="Empty: a year after the review.", null=True, verbose_name="next review due"
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="reviewed_on",
            field=models.DateField(blank=True, null=True, verbose_name="reviewed on"),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="consultation_intro",
            field=models.CharField(
                blank=True,
                help_text="Over the form on the consultation page.",
                max_length=300,
                verbose_name="consultation form introduction",
            ),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="exercise_cta_heading",
            field=models.CharField(
                blank=True,
                help_text="The heading over the consultation button at the end of each exercise page.",
                max_length=160,
                verbose_name="exercise page call to action",
            ),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="tagline",
            field=models.CharField(
                blank=True,
                help_text="The line under the gym's name on the home page.",
                max_length=300,
                verbose_name="home page tagline",
            ),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="what_happens_next",
            field=markdownx.models.MarkdownxField(
                blank=True,
                help_text="What happens once someone asks for a consultation: who calls, within how long. Shown beside the form and on the thank-you page; a numbered list reads best.",
                verbose_name="after a request",
            ),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="what_happens_next_html",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="comparison",
            name="author",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: the byline reads “By the coaching team at” the gym.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="authored_%(class)ss",
                to="exercises.coach",
            ),
        ),
        migrations.AddField(
            model_name="comparison",
            name="reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text="A coach who checked it, named in the byline with the date below.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reviewed_%(class)ss",
                to="exercises.coach",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="author",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty: the byline reads “By the coaching team at” the gym.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="authored_%(class)ss",
                to="exercises.coach",
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="reviewer",
            field=models.ForeignKey(
                blank=True,
                help_text="A coach who checked it, named in the byline with the date below.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="reviewed_%(class)ss",
                to="exercises.coach",
            ),
        ),
        migrations.AddField(
            model_name="gymprofile",
            name="consultation_coach",
            field=models.ForeignKey(
                blank=True,
                help_text="Named beside the form, when set and published: the coach who answers requests.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="exercises.coach",
            ),
        ),
        migrations.CreateModel(
            name="Credential",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(help_text="As it is written after a name, e.g. “NSCA-CSCS”.", max_length=60)),
                (
                    "issued_by",
                    models.CharField(
                        help_text="The body that issued it, e.g. “National Strength and Conditioning Association”.",
                        max_length=200,
                    ),
                ),
                ("position", models.PositiveIntegerField(db_index=True, default=0)),
                (
                    "coach",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="credentials", to="exercises.coach"
                    ),
                ),
            ],
            options={
                "verbose_name": "credential",
                "verbose_name_plural": "credentials",
                "ordering": ["position", "pk"],
            },
        ),
        migrations.RunPython(words_into_the_profile, migrations.RunPython.noop),
    ]
