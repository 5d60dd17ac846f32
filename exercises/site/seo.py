"""What search engines and social networks read: page meta, JSON-LD and the share image."""

import io
import json
import textwrap
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.templatetags.static import static
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from PIL import Image, ImageDraw, ImageFont

WORDS_PER_MINUTE = 230
SHARE_SIZE = (1200, 630)
# Keeps "</script>" and friends inside JSON from closing the tag (as Django's json_script does).
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(path: str) -> str:
    return path if path.startswith("http") else settings.SITE_URL + path


@dataclass
class PageMeta:
    title: str
    description: str
    path: str
    image: str = ""
    type: str = "website"
    published: datetime | None = None
    modified: datetime | None = None

    @property
    def canonical(self) -> str:
        return absolute(self.path)

    @property
    def document_title(self) -> str:
        """The browser tab and search result: "<Title> | <gym>", unless the title names the gym already."""
        return self.title if settings.GYM_NAME in self.title else f"{self.title} | {settings.GYM_NAME}"

    @property
    def image_url(self) -> str:
        return absolute(self.image or static("icons/icon-512.png"))


def ld_json(data) -> SafeString:
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308 - escaped above


def organization() -> dict:
    return {
        "@type": "Organization",
        "name": settings.GYM_NAME,
        "url": settings.SITE_URL + "/",
        "logo": absolute(static("icons/icon-512.png")),
    }


def breadcrumbs(*trail: tuple[str, str]) -> dict:
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": number, "name": name, "item": absolute(path)}
            for number, (name, path) in enumerate(trail, 1)
        ],
    }


def gym_data(gym) -> dict:
    """The gym as schema.org knows gyms: an ExerciseGym (a LocalBusiness), with only what its profile holds."""
    address = {
        "streetAddress": gym.street_address,
        "addressLocality": gym.city,
        "addressRegion": gym.region,
        "postalCode": gym.postal_code,
    }
    data = {
        **organization(),
        "@type": "ExerciseGym",
        "name": gym.name,
        "telephone": gym.phone,
        "email": gym.email,
        "hasMap": gym.map_url,
        "address": {"@type": "PostalAddress", **{k: v for k, v in address.items() if v}},
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": f"https://schema.org/{slot.get_weekday_display()}",
                "opens": slot.opens.strftime("%H:%M"),
                "closes": slot.closes.strftime("%H:%M"),
            }
            for slot in gym.opening_hours
        ],
    }
    return {key: value for key, value in data.items() if value and value != {"@type": "PostalAddress"}}


def visit_structured_data(gym, meta: PageMeta) -> SafeString:
    graph = [gym_data(gym), breadcrumbs(("Home", "/"), ("Visit", meta.path))]
    return ld_json({"@context": "https://schema.org", "@graph": graph})


def person(coach) -> dict:
    """A coach as schema.org knows people, with each credential and the body that issued it."""
    data = {
        "@type": "Person",
        "name": coach.name,
        "url": absolute(coach.get_absolute_url()),
        "jobTitle": coach.role,
        "hasCredential": [
            {
                "@type": "EducationalOccupationalCredential",
                "name": credential.name,
                "recognizedBy": {"@type": "Organization", "name": credential.issued_by},
            }
            for credential in coach.credentials.all()
        ],
    }
    return {key: value for key, value in data.items() if value}


def article(meta: PageMeta, gym=None, byline=None) -> dict:
    """``byline`` names published coaches only (author, reviewer and the review date); until staff name an author,
    the gym itself is the author. A review is the page's (schema.org WebPage: reviewedBy, lastReviewed)."""
    author = byline.author if byline is not None else None
    page = meta.canonical
    if byline is not None and byline.reviewer is not None:
        page = {"@type": "WebPage", "@id": meta.canonical, "reviewedBy": person(byline.reviewer)}
        if byline.reviewed_on:
            page["lastReviewed"] = byline.reviewed_on.isoformat()
    return {
        "@type": "Article",
        "headline": meta.title[:110],
        "description": meta.description,
        "image": [meta.image_url],
        "datePublished": meta.published.isoformat() if meta.published else None,
        "dateModified": (meta.modified or meta.published).isoformat() if meta.published else None,
        "author": person(author) if author is not None else organization(),
        "publisher": gym_data(gym) if gym is not None else organization(),
        "mainEntityOfPage": page,
    }


def comparison_structured_data(comparison, meta: PageMeta, gym=None, *, faqs=(), byline=None) -> SafeString:
    """The Article and its breadcrumbs; an FAQPage too when the page shows FAQs."""
    graph = [article(meta, gym, byline), breadcrumbs(("Home", "/"), (comparison.title, meta.path))]
    if faqs:
        graph.append(
            {
                "@type": "FAQPage",
                "mainEntity": [
                    {
                        "@type": "Question",
                        "name": faq.question,
                        "acceptedAnswer": {"@type": "Answer", "text": strip_tags(faq.answer_html).strip()},
                    }
                    for faq in faqs
                ],
            }
        )
    return ld_json({"@context": "https://schema.org", "@graph": graph})


def exercise_structured_data(exercise, meta: PageMeta, gym=None, *, byline=None) -> SafeString:
    graph = [article(meta, gym, byline), breadcrumbs(("Home", "/"), (exercise.name, meta.path))]
    return ld_json({"@context": "https://schema.org", "@graph": graph})


def coach_structured_data(coach, meta: PageMeta) -> SafeString:
    profile = {"@type": "ProfilePage", "url": meta.canonical, "name": meta.title, "mainEntity": person(coach)}
    trail = breadcrumbs(("Home", "/"), ("Coaches", "/coaches/"), (coach.name, meta.path))
    return ld_json({"@context": "https://schema.org", "@graph": [profile, trail]})


def share_image(*, title: str, exercises: list[str]) -> bytes:
    """A 1200×630 PNG card: the gym, the comparison's title and its two exercises."""
    width, height = SHARE_SIZE
    image = Image.new("RGB", SHARE_SIZE, "#0b5d5b")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height - 24, width, height), fill="#b34700")
    small = ImageFont.load_default(size=34)
    big = ImageFont.load_default(size=76)
    draw.text((72, 64), settings.GYM_NAME.upper(), font=small, fill="#f4f1ec")
    y = 150
    for line in textwrap.wrap(title, width=26)[:3]:
        draw.text((72, y), line, font=big, fill="#ffffff")
        y += 92
    draw.text((72, max(y + 30, 470)), "Compared by our coaches: " + " and ".join(exercises), font=small, fill="#f4f1ec")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
