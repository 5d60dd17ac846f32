"""A comparison becomes an ordered list of sections.

The columns that held one article's outline (intro, headings, warm-up, final
thoughts, call to action…) move into sections, in the order the page showed
them, with what staff have written since the content was loaded. A heading
equal to its kind's usual one is left empty, so it follows that default. Each
article also gains an "at a glance" box after its introduction; it shows only
rows staff already keep. Going back writes the sections into the columns again:
the first of each kind, and the first and last text sections as the intro and
final thoughts (sections the old shape has no column for are dropped).
"""

import django.db.models.deletion
import markdownx.models
from django.db import migrations, models
from django.utils.html import escape

GYM_NAME = "Community Strength Austin"


def usual_headings(a: str, b: str, gym: str) -> dict[str, str]:
    """The kinds' usual headings as they were when this migration was written (exercises/sections.py)."""
    return {
        "showdown": f"{a} vs. {b}: The Showdown",
        "who_should_choose": "Who Should Use Each Exercise?",
        "programming": "Programming Tips for Success",
        "myths": "Busting Myths",
        "form_tips": "Tips for Nailing Form",
        "faqs": "FAQs",
        "call_to_action": f"Start Your Fitness Journey with {gym}",
    }


USUAL_CAPTIONS = {"who_should_choose": "Combine Both:"}


def criteria_caption(a: str, b: str) -> str:
    return f"{a} and {b}, side by side"


def gym_name(apps) -> str:
    profile = apps.get_model("exercises", "GymProfile").objects.first()
    return profile.name if profile else GYM_NAME


def paragraph(text: str) -> str:
    """A plain one-line field as the Markdown renderer shows it."""
    return f"<p>{escape(text)}</p>" if text.strip() else ""


def columns_to_sections(apps, schema_editor):
    Comparison = apps.get_model("exercises", "Comparison")
    Section = apps.get_model("exercises", "Section")
    gym = gym_name(apps)
    for comparison in Comparison.objects.select_related("exercise_a", "exercise_b"):
        a, b = comparison.exercise_a.name, comparison.exercise_b.name
        usual = usual_headings(a, b, gym)

        def own(kind: str, heading: str) -> str:
            return "" if heading.strip() == usual[kind] else heading

        c = comparison
        rows = [
            {"kind": "prose", "body": c.intro, "body_html": c.intro_html},
            {"kind": "at_a_glance"},
            {"kind": "exercise_overview", "side": "a"},
            {"kind": "exercise_overview", "side": "b"},
            {
                "kind": "showdown",
                "heading": own("showdown", c.showdown_heading),
                "body": c.showdown_intro,
                "body_html": paragraph(c.showdown_intro),
            },
            {"kind": "criteria", "caption": "" if c.criteria_caption == criteria_caption(a, b) else c.criteria_caption},
            {"kind": "related"},
            {
                "kind": "who_should_choose",
                "heading": own("who_should_choose", c.who_heading),
                "caption": "" if c.combine_heading == USUAL_CAPTIONS["who_should_choose"] else c.combine_heading,
                "body": c.combine_body,
                "body_html": c.combine_body_html,
            },
            {"kind": "programming", "heading": own("programming", c.programming_heading)},
            {"kind": "myths", "heading": own("myths", c.myths_heading)},
            {
                "kind": "form_tips",
                "heading": own("form_tips", c.form_heading),
                "body": c.warmup,
                "body_html": c.warmup_html,
            },
            {"kind": "prose", "heading": c.final_heading, "body": c.final_thoughts, "body_html": c.final_thoughts_html},
            {"kind": "faqs", "heading": own("faqs", c.faq_heading)},
            {
                "kind": "call_to_action",
                "heading": own("call_to_action", c.cta_heading),
                "body": c.cta_body,
                "body_html": c.cta_body_html,
            },
        ]
        Section.objects.bulk_create(
            Section(comparison=comparison, position=10 * number, **row) for number, row in enumerate(rows, 1)
        )


def sections_to_columns(apps, schema_editor):
    Comparison = apps.get_model("exercises", "Comparison")
    gym = gym_name(apps)
    for comparison in Comparison.objects.select_related("exercise_a", "exercise_b").prefetch_related("sections"):
        if comparison.exercise_a is None or comparison.exercise_b is None:
            raise RuntimeError(
                f"The comparison “{comparison.title}” has not got both exercises yet, and the old shape needs "
                "both: choose them (or delete the draft) before migrating back."
            )
        a, b = comparison.exercise_a.name, comparison.exercise_b.name
        usual = usual_headings(a, b, gym)
        sections = sorted(comparison.sections.all(), key=lambda section: (section.position, section.pk))
        first = {}
        for section in sections:
            first.setdefault(section.kind, section)
        prose = [section for section in sections if section.kind == "prose"]
        intro = prose[0] if prose else None
        final = prose[-1] if len(prose) > 1 else None

        def heading(kind: str) -> str:
            section = first.get(kind)
            return (section.heading if section else "") or usual[kind]

        def text(section, field: str = "body") -> str:
            return getattr(section, field) if section else ""

        c = comparison
        c.intro, c.intro_html = text(intro), text(intro, "body_html")
        c.showdown_heading, c.showdown_intro = heading("showdown"), text(first.get("showdown"))
        criteria = first.get("criteria")
        c.criteria_caption = (criteria.caption if criteria else "") or criteria_caption(a, b)
        who = first.get("who_should_choose")
        c.who_heading = heading("who_should_choose")
        c.combine_heading = (who.caption if who else "") or USUAL_CAPTIONS["who_should_choose"]
        c.combine_body, c.combine_body_html = text(who), text(who, "body_html")
        c.programming_heading, c.myths_heading = heading("programming"), heading("myths")
        c.form_heading = heading("form_tips")
        c.warmup, c.warmup_html = text(first.get("form_tips")), text(first.get("form_tips"), "body_html")
        c.final_heading = final.heading if final else "Final Thoughts"
        c.final_thoughts, c.final_thoughts_html = text(final), text(final, "body_html")
        c.faq_heading, c.cta_heading = heading("faqs"), heading("call_to_action")
        cta = first.get("call_to_action")
        c.cta_body, c.cta_body_html = text(cta), text(cta, "body_html")
        c.save()


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0007_gym_privacy_page"),
    ]

    operations = [
        # Blank first (no change in the database), so that going back re-adds these columns with "" in them.
        migrations.AlterField(model_name="comparison", name="intro", field=markdownx.models.MarkdownxField(blank=True)),
        migrations.AlterField(
            model_name="comparison", name="showdown_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="criteria_caption", field=models.CharField(blank=True, max_length=200)
        ),
        migrations.AlterField(
            model_name="comparison", name="who_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="combine_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="combine_body", field=markdownx.models.MarkdownxField(blank=True)
        ),
        migrations.AlterField(
            model_name="comparison", name="programming_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="myths_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="form_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="warmup", field=markdownx.models.MarkdownxField(blank=True)
        ),
        migrations.AlterField(
            model_name="comparison", name="final_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="final_thoughts", field=markdownx.models.MarkdownxField(blank=True)
        ),
        migrations.AlterField(
            model_name="comparison", name="faq_heading", field=models.CharField(blank=True, max_length=120)
        ),
        migrations.AlterField(
            model_name="comparison", name="cta_heading", field=models.CharField(blank=True, max_length=160)
        ),
        migrations.AlterField(
            model_name="comparison", name="cta_body", field=markdownx.models.MarkdownxField(blank=True)
        ),
        migrations.CreateModel(
            name="Section",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("position", models.PositiveIntegerField(db_index=True, default=0)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("prose", "Text"),
                            ("at_a_glance", "At a glance"),
                            ("exercise_overview", "Exercise overview"),
                            ("showdown", "Showdown: factors and muscle chart"),
                            ("criteria", "Criteria table"),
                            ("who_should_choose", "Who should choose each"),
                            ("programming", "Programming"),
                            ("myths", "Myths"),
                            ("form_tips", "Form tips"),
                            ("faqs", "FAQs"),
                            ("related", "Related comparisons"),
                            ("call_to_action", "Call to action, with the consultation form"),
                        ],
                        default="prose",
                        max_length=20,
                    ),
                ),
                (
                    "heading",
                    models.CharField(
                        blank=True,
                        help_text="Empty uses the usual heading for its kind, e.g. “Busting Myths”. A text section with no heading at the very top is the article's introduction.",
                        max_length=160,
                    ),
                ),
                (
                    "side",
                    models.CharField(
                        blank=True,
                        choices=[("a", "First exercise"), ("b", "Second exercise")],
                        help_text="Exercise overview only: which of the article's two exercises it presents.",
                        max_length=1,
                        verbose_name="exercise",
                    ),
                ),
                (
                    "body",
                    markdownx.models.MarkdownxField(
                        blank=True,
                        help_text="Text: the section itself. Showdown, call to action and the rest: a few lines under the heading. Who should choose each: the “combine both” advice. Form tips: the tip in a box at the end.",
                        verbose_name="text",
                    ),
                ),
                ("body_html", models.TextField(default="", editable=False)),
                (
                    "caption",
                    models.CharField(
                        blank=True,
                        help_text="Criteria table: what a screen reader announces with it. Who should choose each: the heading over the advice. Empty uses the usual one.",
                        max_length=200,
                    ),
                ),
            ],
            options={
                "verbose_name": "section",
                "verbose_name_plural": "sections",
                "ordering": ["position", "pk"],
                "abstract": False,
            },
        ),
        migrations.RemoveConstraint(
            model_name="comparison",
            name="comparison_two_different_exercises",
        ),
        migrations.AlterField(
            model_name="comparison",
            name="exercise_a",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="exercises.exercise",
                verbose_name="first exercise",
            ),
        ),
        migrations.AlterField(
            model_name="comparison",
            name="exercise_b",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="exercises.exercise",
                verbose_name="second exercise",
            ),
        ),
        migrations.AlterField(
            model_name="comparison",
            name="slug",
            field=models.SlugField(
                blank=True, help_text="Empty makes one from the title.", max_length=120, unique=True
            ),
        ),
        migrations.AlterField(
            model_name="comparison",
            name="summary",
            field=models.CharField(blank=True, help_text="One or two lines for the home page card.", max_length=250),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="equipment",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="how_it_works",
            field=markdownx.models.MarkdownxField(blank=True, verbose_name="how it works"),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="muscles_intro",
            field=models.CharField(
                blank=True, help_text="The sentence that leads into the muscle list.", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="slug",
            field=models.SlugField(blank=True, help_text="Empty makes one from the name.", max_length=80, unique=True),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="summary",
            field=models.CharField(
                blank=True, help_text="One line, shown on cards and in search results.", max_length=200
            ),
        ),
        migrations.AlterField(
            model_name="exercise",
            name="what_it_is",
            field=markdownx.models.MarkdownxField(blank=True, verbose_name="what it is"),
        ),
        migrations.AddConstraint(
            model_name="comparison",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("exercise_a__isnull", True),
                    ("exercise_b__isnull", True),
                    models.Q(("exercise_a", models.F("exercise_b")), _negated=True),
                    _connector="OR",
                ),
                name="comparison_two_different_exercises",
                violation_error_message="A comparison needs two different exercises.",
            ),
        ),
        migrations.AddField(
            model_name="section",
            name="comparison",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="sections", to="exercises.comparison"
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind", "exercise_overview"), ("side", ""), _connector="OR"),
                name="section_side_only_for_overview",
                violation_error_message="Only an exercise overview is about one exercise: leave “exercise” empty.",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind__in", ("prose", "exercise_overview")), _negated=True),
                fields=("comparison", "kind"),
                name="section_kind_once",
                violation_error_message="The article has a section of this kind already; only text sections and exercise overviews can repeat.",
            ),
        ),
        migrations.AddConstraint(
            model_name="section",
            constraint=models.UniqueConstraint(
                condition=models.Q(("side", ""), _negated=True),
                fields=("comparison", "side"),
                name="section_overview_once_per_exercise",
                violation_error_message="This exercise has its overview in the article already.",
            ),
        ),
        migrations.RunPython(columns_to_sections, sections_to_columns),
        migrations.RemoveField(
            model_name="comparison",
            name="combine_body",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="combine_body_html",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="combine_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="criteria_caption",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="cta_body",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="cta_body_html",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="cta_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="faq_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="final_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="final_thoughts",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="final_thoughts_html",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="form_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="intro",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="intro_html",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="myths_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="programming_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="showdown_heading",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="showdown_intro",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="warmup",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="warmup_html",
        ),
        migrations.RemoveField(
            model_name="comparison",
            name="who_heading",
        ),
    ]
