"""Pages any shared cache may keep: every anonymous reader gets the same bytes, no cookie and the same headers,
which tell a proxy or CDN how long it may keep them; staff bypass every cache and never leave a page in one."""

import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from exercises.pagecache.middleware import PRIVATE, SHARED
from tests.conftest import PUBLIC_PAGES

ARTICLE = PUBLIC_PAGES["comparison"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", PUBLIC_PAGES.values(), ids=PUBLIC_PAGES.keys())
def test_every_public_page_fetched_twice_by_two_readers_is_byte_identical_and_sets_no_cookie(content, path):
    readers = [Client(), Client()]

    responses = [reader.get(path) for _ in range(2) for reader in readers]

    assert len({response.status_code for response in responses}) == 1
    assert len({response.content for response in responses}) == 1, path
    assert all(not response.cookies for response in responses), path
    if responses[0].status_code == 200:
        # The first reader's copy (rendered) and the others' (cached) answer alike, headers included.
        assert len({tuple(sorted(response.headers.items())) for response in responses}) == 1, path


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_public_page_tells_shared_caches_they_may_keep_it_briefly(content, encoding):
    for _ in range(2):  # rendered, then cached
        response = Client().get(ARTICLE, HTTP_ACCEPT_ENCODING=encoding)

        assert response["Cache-Control"] == SHARED
        assert "s-maxage=4" in SHARED and "stale-while-revalidate=4" in SHARED and "max-age=0" in SHARED
        assert response["Vary"] == "Accept-Encoding"
        assert response["ETag"].startswith('"') and response["ETag"].endswith('"')  # strong
        assert response["Last-Modified"]
        assert not response.cookies


@pytest.mark.django_db
def test_each_representation_revalidates_against_its_own_tag(content):
    plain = Client().get(ARTICLE)
    packed = Client().get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip")
    assert gzip.decompress(packed.content) == plain.content

    assert Client().get(ARTICLE, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    assert Client().get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=packed["ETag"]).status_code == 304
    # A cache holding the plain copy never gets a 304 that would pair its body with the gzip headers.
    assert Client().get(ARTICLE, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 200
    not_modified = Client().get(ARTICLE, HTTP_IF_NONE_MATCH=plain["ETag"])
    assert not_modified["Cache-Control"] == SHARED and not_modified["ETag"] == plain["ETag"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", ARTICLE, "/consultation/", "/exercises/hip-thrust/"])
def test_staff_get_private_no_store_pages_and_never_leave_one_in_the_cache(admin_client, content, path):
    staff_page = admin_client.get(path)

    assert staff_page.status_code == 200
    assert staff_page["Cache-Control"] == PRIVATE
    with CaptureQueriesContext(connection) as first_reader:
        reader = Client().get(path)
    assert len(first_reader) > 0  # staff's render was not kept: the first reader's is
    assert reader["Cache-Control"] == SHARED
    with CaptureQueriesContext(connection) as second_reader:
        assert Client().get(path).content == reader.content
    assert len(second_reader) == 0

    with CaptureQueriesContext(connection) as staff_again:
        assert admin_client.get(path)["Cache-Control"] == PRIVATE
    assert len(staff_again) > 0  # never served from the cache


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", ARTICLE])
def test_a_cache_hit_refuses_a_host_django_refuses_and_answers_head_alike(content, path):
    rendered = Client().get(path)

    assert Client().get(path, HTTP_HOST="evil.example").status_code == 400
    head = Client().head(path)
    assert head.content == b""
    assert head["ETag"] == rendered["ETag"] and head["Content-Length"] == rendered["Content-Length"]
