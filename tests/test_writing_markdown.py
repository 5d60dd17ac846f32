"""Markdown to safe HTML: what staff type can never run script in a reader's browser."""

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template

from exercises.writing.markdown import ALLOWED_TAGS, render_markdown, sanitize_html
from exercises.writing.models import Reference

MARKDOWNIFY = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
SAFE_HREF = re.compile(r"^(https?://|mailto:|#)")


def assert_only_safe_links(clean: str):
    hrefs = [html.unescape(href) for href in re.findall(r"href=[\"']?([^\"' >]*)", clean)]
    assert [href for href in hrefs if not SAFE_HREF.match(href)] == [], clean


# --- The sanitiser -------------------------------------------------------------------


@pytest.mark.parametrize(
    "dirty",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
        '<p onclick="alert(1)">click</p>',
        '<a href="https://example.com" onmouseover="alert(1)">hover</a>',
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;avascript:alert(1)">x</a>',
        '<a href="  javascript:alert(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<iframe src="https://evil.example/"></iframe>',
        "<svg><script>alert(1)</script></svg>",
        '<style>body{background:url("javascript:alert(1)")}</style>',
        '<form action="https://evil.example/"><input name="password"></form>',
        '<p style="position:fixed;top:0">overlay</p>',
        "<object data=x.swf></object><embed src=x.swf>",
    ],
)
def test_sanitiser_drops_script_and_dangerous_markup(dirty):
    for clean in (sanitize_html(dirty), render_markdown(dirty)):
        lowered = clean.lower()
        assert "alert" not in lowered, clean
        for needle in ("<script", "javascript:", "onerror", "onclick", "onmouseover", "<img", "<iframe", "<svg"):
            assert needle not in lowered, f"{needle} survived in {clean!r}"
        for needle in ("<style", "style=", "<form", "<input", "<object", "<embed", "data:"):
            assert needle not in lowered, f"{needle} survived in {clean!r}"
        assert_only_safe_links(clean)


@pytest.mark.parametrize(
    "markdown_link",
    [
        "[x](javascript:alert(1))",
        "[x](JAVASCRIPT:alert(1))",
        "[x](javascript&#58;alert(1))",
        "[x](vbscript:msgbox(1))",
        "<javascript:alert(1)>",
        '[x][evil]\n\n[evil]: javascript:alert(1) "title"',
        "![x](javascript:alert(1))",
    ],
)
def test_markdown_links_to_javascript_lose_their_target(markdown_link):
    clean = render_markdown(markdown_link)
    assert_only_safe_links(clean)
    assert "<img" not in clean


@pytest.mark.parametrize(
    ("markdown", "tag"),
    [
        ("# Title", "h1"),
        ("## Title", "h2"),
        ("##### Title", "h5"),
        ("<h1>Title</h1>", "h1"),
        ("![chart](https://example.com/chart.png)", "img"),
        ("<table><tr><td>cell</td></tr></table>", "table"),
        ("<div>block</div>", "div"),
        ("<span>inline</span>", "span"),
        ("<hr>", "hr"),
        ("<pre>code</pre>", "pre"),
    ],
)
def test_tags_outside_the_allow_list_are_dropped(markdown, tag):
    assert f"<{tag}" not in render_markdown(markdown)


def test_the_allow_list_tags_are_kept():
    text = (
        "**strong** *em* `code`  \nafter a break <sup>1</sup>\n\n"
        "### Heading three\n\n#### Heading four\n\n"
        "- one\n- two\n\nThen:\n\n1. first\n2. second\n\n"
        "> quoted\n\n[a link](https://example.com/)\n\n![a library photo](image:bench)"
    )
    clean = render_markdown(text)
    for tag in ALLOWED_TAGS:
        assert f"<{tag}>" in clean or f"<{tag} " in clean, f"<{tag}> was dropped from {clean!r}"


@pytest.mark.parametrize(
    ("markdown", "href"),
    [
        ("[site](https://example.com/page?a=1)", "https://example.com/page?a=1"),
        ("[site](http://example.com/)", "http://example.com/"),
        ("[mail us](mailto:coach@example.com)", "mailto:coach@example.com"),
        ("[section](#faqs)", "#faqs"),
    ],
)
def test_safe_links_are_kept_with_noopener_noreferrer(markdown, href):
    clean = render_markdown(markdown)
    assert f'href="{href.replace("&", "&amp;")}"' in clean
    assert 'rel="noopener noreferrer"' in clean


def test_links_cannot_choose_their_own_rel_or_target():
    clean = sanitize_html('<a href="https://example.com/" rel="opener" target="_blank">x</a>')
    assert clean == '<a href="https://example.com/" rel="noopener noreferrer">x</a>'


@pytest.mark.parametrize("scheme", ["ftp://example.com/file", "file:///etc/passwd", "tel:+15125550100"])
def test_other_url_schemes_are_dropped(scheme):
    assert scheme.split(":")[0] + ":" not in render_markdown(f"[x]({scheme})")


def test_text_is_kept_when_tags_are_dropped():
    assert "Title" in render_markdown("# Title")
    assert "&lt;3" in render_markdown("I <3 hip thrusts")


# --- Citations -------------------------------------------------------------------------


@pytest.mark.django_db
def test_citations_are_numbered_in_reading_order_and_unknown_ones_dropped():
    from exercises.templatetags.articles import Citations

    Reference.objects.create(key="first", journal="A", year=2020, finding="x", position=2)
    Reference.objects.create(key="second", journal="B", year=2021, finding="y", position=1)
    citations = Citations()
    template = Template("{% load articles %}{{ one|rich:citations }}|{{ two|rich:citations }}")

    output = template.render(
        Context(
            {
                "one": render_markdown("Claim [ref:second]. Gone [ref:deleted]."),
                "two": render_markdown("Again [ref:second], then [ref:first]."),
                "citations": citations,
            }
        )
    )

    assert output.count('href="#ref-second"') == 2
    assert '<a href="#ref-second" aria-label="Reference 1">[1]</a>' in output
    assert '<a href="#ref-first" aria-label="Reference 2">[2]</a>' in output
    assert "deleted" not in output
    assert [(cited.number, cited.reference.key) for cited in citations.references] == [(1, "second"), (2, "first")]
    assert [cited.backlinks for cited in citations.references] == [
        [("cite-second-1", "a"), ("cite-second-2", "b")],  # cited twice: "↩ a b"
        [("cite-first-1", "↩")],
    ]


# --- The admin's live preview ----------------------------------------------------------


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="coach", password="pw-for-tests", is_staff=True)
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_preview_uses_the_same_function_as_saving(staff_client):
    content = "# Hi\n\n**bold** [x](javascript:alert(1)) [ok](https://example.com/) <script>alert(1)</script>"
    response = staff_client.post(MARKDOWNIFY, {"content": content})

    assert response.status_code == 200
    # Under the warnings (exercises.markdown_check), exactly what saving stores.
    assert render_markdown(content) in response.content.decode()
    assert "<script" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("url", [MARKDOWNIFY, UPLOAD])
def test_markdownx_views_refuse_anonymous_users(client, url):
    response = client.post(url, {"content": "**hi**"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get(url).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("url", [MARKDOWNIFY, UPLOAD])
def test_markdownx_views_refuse_logged_in_non_staff(client, url):
    user = get_user_model().objects.create_user(username="member", password="pw-for-tests")
    client.force_login(user)
    response = client.post(url, {"content": "**hi**"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_image_upload_is_switched_off_even_for_staff(staff_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32

    for name, data, content_type in (("x.svg", svg, "image/svg+xml"), ("x.png", png, "image/png")):
        response = staff_client.post(UPLOAD, {"image": SimpleUploadedFile(name, data, content_type=content_type)})
        assert response.status_code == 403
        assert response.json()["image_code"] == ""


def test_attributes_outside_the_allow_list_are_dropped():
    clean = sanitize_html(
        '<p id="x" class="c" title="t" lang="de" data-x="1">'
        'text <a href="https://example.com/" title="t" class="c">link</a></p>'
    )
    assert clean == '<p>text <a href="https://example.com/" rel="noopener noreferrer">link</a></p>'
