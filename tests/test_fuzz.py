"""Whatever a bot or a broken browser posts, the consultation form answers without a server error."""

import re

import pytest
from django.core import mail
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from exercises.leads import consent
from exercises.leads.models import (
    BestTime,
    ConsultationGoal,
    ConsultationRequest,
    ContactMethod,
    Notification,
    NotificationStatus,
)

CONSULTATION = "/consultation/"
ALLOWED_STATUSES = {200, 302, 400, 429}
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
MESSAGE_HEADERS = {
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
    "Subject",
    "From",
    "To",
    "Reply-To",
    "Date",
    "Message-ID",
}

# Any text at all: control characters, CR/LF, NUL, every plane of Unicode, and very long strings.
nasty_characters = st.sampled_from(["\r\n", "\n", "\r", "\x00", "\t", "\x7f", "\u2028", "\ufeff", "\u202e", "😀"])
any_text = st.one_of(
    st.text(),
    st.text(st.characters(codec="utf-8")),
    st.lists(st.one_of(nasty_characters, st.text(max_size=5)), max_size=12).map("".join),
    st.tuples(st.text(min_size=1, max_size=4), st.integers(min_value=20, max_value=6000)).map(lambda t: t[0] * t[1]),
)


# Text a person might type: anything but ASCII control characters, up to just past each cap.
typed = st.characters(exclude_categories=["Cs"], exclude_characters="".join(map(chr, [*range(32), 127])))
good_names = st.sampled_from(["Maria Lopez", "Zoë O'Brien-Núñez", "李小龍", "  padded  ", "x" * 100])
names = st.one_of(good_names, good_names, st.text(typed, max_size=110))
good_emails = st.sampled_from(["maria@example.com", "o'neil+leads@sub.example.co.uk", "j@xn--exmple-cua.com"])
emails = st.one_of(
    good_emails,
    good_emails,
    st.sampled_from(["zoë@exämple.com", "maria@exämple.com"]),
    st.sampled_from(["a@b", "x@" + "a" * 250, "maria@example.com\r\nBcc: victim@example.com"]),
    st.emails(),
)
good_phones = st.from_regex(r"\A\+?1?[ -]?\(?[0-9]{3}\)?[ .-]?[0-9]{3}[ .-]?[0-9]{4}\Z")
phones = st.one_of(
    st.just(""),
    good_phones,
    st.from_regex(r"\A\+?[0-9 ().-]{5,32}\Z"),
    st.text(typed, max_size=35),
)
messages = st.one_of(
    st.just(""), st.text(max_size=50), st.text(max_size=2010), st.text(typed, min_size=1990, max_size=2010)
)
sources = st.one_of(
    st.sampled_from(["", "/compare/leg-press-vs-hip-thrust/", "/consultation/", "//evil.example/", "/compare/nope/"]),
    st.text(max_size=250).map(lambda t: "/" + t),
)

# A WSGI server hands headers over as Latin-1 text without control characters.
user_agents = st.text(st.characters(min_codepoint=32, max_codepoint=255, exclude_characters="\x7f"), max_size=1000)


@st.composite
def plausible_posts(draw):
    """What a person's browser sends: every field there, most of them right."""
    contact = draw(st.sampled_from(ContactMethod.values))
    post = {
        "name": draw(names),
        "email": draw(emails),
        "phone": draw(phones if contact == ContactMethod.EMAIL else st.one_of(good_phones, good_phones, phones)),
        "goal": draw(st.sampled_from([*ConsultationGoal.values, ConsultationGoal.GLUTES, ""])),
        "preferred_contact": contact,
        "best_time": draw(st.sampled_from(BestTime.values)),
        "message": draw(messages),
        "consent": draw(st.sampled_from(["on", "on", "on", ""])),
        "website": "",
        "consent_version": draw(st.sampled_from([consent.CURRENT_VERSION] * 4 + ["1999-01-01", ""])),
        "source": draw(sources),
    }
    if contact != ContactMethod.EMAIL or draw(st.booleans()):
        post["calls_texts_consent"] = "on"
    return post


@st.composite
def form_posts(draw):
    """A plausible post with some of its fields missing, garbled, sent twice, or swapped for anything."""
    post = draw(plausible_posts())
    # "started" and "csrfmiddlewaretoken": what the form once held, as an old page or a bot may still send.
    broken = draw(
        st.lists(
            st.sampled_from([*post, "calls_texts_consent", "csrfmiddlewaretoken", "started"]), unique=True, max_size=4
        )
    )
    for name in broken:
        post[name] = draw(st.one_of(st.none(), any_text, st.lists(any_text, min_size=2, max_size=3)))
    return {name: value for name, value in post.items() if value is not None}


@pytest.fixture
def roomy_rate_limit(settings):
    settings.CONSULTATION_RATE_LIMIT = 1_000_000


@pytest.mark.django_db
@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(post=form_posts(), user_agent=user_agents)
def test_any_post_gets_an_answer_and_only_valid_leads_are_stored(
    client, content, roomy_rate_limit, django_capture_on_commit_callbacks, post, user_agent
):
    stored_before = set(ConsultationRequest.objects.values_list("pk", flat=True))
    sent_before = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONSULTATION, post, HTTP_USER_AGENT=user_agent)

    event(f"status {response.status_code}, stored {ConsultationRequest.objects.count() - len(stored_before)}")
    assert response.status_code in ALLOWED_STATUSES, (response.status_code, post)
    new = ConsultationRequest.objects.exclude(pk__in=stored_before)
    assert new.count() <= 1
    for request in new:
        assert response.status_code == 302
        assert 0 < len(request.name) <= 100
        assert not CONTROL.search(request.name)
        assert len(request.phone) <= 30 and not CONTROL.search(request.phone)
        assert len(request.message) <= 2000
        assert request.consent is True
        assert request.consent_text == consent.CONSENT_TEXT[request.consent_version]
        assert request.user_agent == user_agent[:400]
        if request.preferred_contact != ContactMethod.EMAIL:
            assert request.phone and request.calls_texts_consent
        assert request.source_path == "" or (request.source_path.startswith("/") and request.source_path[1:2] != "/")
        request.full_clean()  # every rule of the model, constraints included
        # Both emails went out, with no header smuggled in by the visitor's text.
        states = set(Notification.objects.filter(request=request).values_list("status", "last_error"))
        assert states == {(NotificationStatus.SENT, "")}, states
        for message in mail.outbox[sent_before:]:
            assert set(message.message().keys()) <= MESSAGE_HEADERS, message.message().keys()
    if response.status_code != 302 or not new:
        assert len(mail.outbox) == sent_before, "an email went out for a request that was not stored"
    if response.status_code == 400:
        page = response.content.decode()
        summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
        assert summary, "a rejected form must say what is wrong"
        for target in re.findall(r'href="#([^"]+)"', summary.group(0)):
            assert f'id="{target}"' in page, f"the error summary links to #{target}, which is not on the page"


# --- What the fuzz found, pinned down -----------------------------------------------------------------------


def valid_post(**changes):
    post = {
        "name": "Maria Lopez",
        "email": "maria@example.com",
        "goal": ConsultationGoal.GLUTES,
        "preferred_contact": ContactMethod.EMAIL,
        "best_time": BestTime.ANY,
        "consent": "on",
        "website": "",
        "consent_version": consent.CURRENT_VERSION,
        "source": "",
    }
    post.update(changes)
    return {name: value for name, value in post.items() if value is not None}


@pytest.mark.django_db
def test_a_radio_error_links_to_a_radio_that_takes_focus(client):
    response = client.post(CONSULTATION, valid_post(preferred_contact=None))

    assert response.status_code == 400
    page = response.content.decode()
    assert '<a href="#id_preferred_contact_0">How should we contact you? This field is required.</a>' in page
    assert 'id="id_preferred_contact_0"' in page
    assert 'id="id_preferred_contact_error"' in page
    assert page.count('aria-describedby="id_preferred_contact_error"') == len(ContactMethod.values)


@pytest.mark.django_db
def test_an_error_in_a_hidden_field_asks_for_a_reload_instead_of_linking_to_it(client):
    response = client.post(CONSULTATION, valid_post(consent_version=None, source="/" + "x" * 300))

    assert response.status_code == 400
    summary = re.search(r'<div class="error-summary".*?</div>', response.content.decode(), re.S).group(0)
    assert summary.count("Part of this form is out of date. Please reload the page and send it again.") == 1
    assert "href=" not in summary
