"""HTTP hardening: Content-Security-Policy without inline script, no caching of signed-in
pages, proxy trust and HSTS preload only when the operator says so, API docs behind log-in,
`check --deploy` clean with a production-like environment (docs/security.md)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from peerly.rounds.reports import chart_svg
from tests.circles.conftest import add_members  # noqa: F401 - fixtures the session page test uses
from tests.circles.conftest import first_session
from tests.circles.conftest import organiser  # noqa: F401 - fixtures the session page test uses
from tests.circles.conftest import program  # noqa: F401 - fixtures the session page test uses
from tests.circles.conftest import publish  # noqa: F401 - fixtures the session page test uses
from tests.circles.conftest import scheduled_circle  # noqa: F401 - fixtures the session page test uses

TEMPLATES = Path(django_settings.BASE_DIR) / "templates"
# Email bodies are not web pages: mail clients need inline styles and never run script.
WEB_TEMPLATES = sorted(p for p in TEMPLATES.rglob("*.html") if "emails" not in p.parts)

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)

EXPECTED_CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def inline_code(html: str) -> list[str]:
    """Everything a strict CSP would refuse: inline script, handlers, style, javascript: URLs."""
    found = []
    for name, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("on…= handler", EVENT_HANDLER),
        ("style= attribute", STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("javascript: URL", JS_URL),
    ):
        found += [f"{name}: {m.group(0)[:80]}" for m in pattern.finditer(html)]
    return found


def parse_csp(header: str) -> dict[str, str]:
    parts = (part.strip().split(None, 1) for part in header.split(";") if part.strip())
    return {part[0]: (part[1] if len(part) > 1 else "") for part in parts}


# --- Content-Security-Policy ------------------------------------------------------------------


def test_there_are_web_templates_to_check():
    assert len(WEB_TEMPLATES) > 50


@pytest.mark.parametrize("template", WEB_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_template_has_no_inline_script_or_style(template):
    assert inline_code(template.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<script src="/static/x.js" defer></script>', 0),
        ('<script type="application/json" id="data">{}</script>', 0),
        ("<script>alert(1)</script>", 1),
        ("<script defer>alert(1)</script>", 1),
        ('<button type="button" onclick="go()">', 1),
        ('<div class="x" style="margin:0">', 1),
        ("<style>p{}</style>", 1),
        ('<a href="javascript:void(0)">', 1),
        ("<p>Click on the button = done</p>", 0),
    ],
)
def test_inline_code_detector(html, expected):
    """The detector used above finds what it must and nothing else."""
    assert len(inline_code(html)) == expected


def test_round_chart_svg_uses_presentation_attributes_not_inline_css():
    rows = [
        {"number": 1, "participants": 10, "matched": 8, "met_rate": 0.5, "report_rate": 0.25},
        {"number": 2, "participants": 12, "matched": 12, "met_rate": 0.75, "report_rate": None},
    ]
    svg = chart_svg(rows)
    assert inline_code(svg) == []
    assert 'fill="#2b5cb8"' in svg  # the "matched" bars keep their colour
    assert "<title>" in svg


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("anonymous", "/", 200),
        ("anonymous", "/accounts/login/", 200),
        ("anonymous", "/accounts/signup/", 200),
        ("anonymous", "/accounts/password/reset/", 200),
        ("anonymous", "/healthz", 200),
        ("anonymous", "/home/", 302),
        ("anonymous", "/no-such-page/", 404),
        ("anonymous", "/api/v1/me", 401),
        ("anonymous", "/admin/login/", 200),
        ("member", "/home/", 200),
        ("member", "/programs/", 200),
        ("member", "/accounts/profile/", 200),
        ("member", "/accounts/profile/edit/", 200),
        ("member", "/accounts/profile/availability/", 200),
        ("member", "/api/v1/me", 200),
        ("member", "/api/v1/docs", 200),
        ("admin", "/admin/", 200),
    ],
)
def test_every_response_carries_the_csp_and_no_inline_code(personas, persona, url, status):
    response = personas.client(persona).get(url)
    assert response.status_code == status
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    if response["Content-Type"].startswith("text/html"):
        assert inline_code(response.content.decode()) == []


def test_program_page_has_csp_and_no_inline_code(personas):
    response = personas.client("member").get(f"/programs/{personas.program.slug}/")
    assert response.status_code == 200
    assert parse_csp(response["Content-Security-Policy"]) == EXPECTED_CSP
    assert inline_code(response.content.decode()) == []


def test_session_page_loads_its_timer_script_instead_of_inline_code(scheduled_circle):  # noqa: F811
    session = first_session(scheduled_circle)
    client = Client()
    client.force_login(scheduled_circle.memberships.first().user)
    response = client.get(
        f"/programs/{scheduled_circle.program.slug}/circles/sessions/{session.pk}/"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_code(html) == []
    assert re.search(r'<script src="/static/peerly/session-timer\.js" defer></script>', html)
    assert '<div id="timer" hidden>' in html  # without JavaScript the page works, timer hidden


def test_static_js_files_exist_for_every_script_tag():
    from django.contrib.staticfiles import finders

    # ours (static/peerly/) or an app's (ninja/ for the overridden Swagger UI page)
    for template in WEB_TEMPLATES:
        for name in re.findall(r"<script src=\"\{% static '([^']+)' %\}\"", template.read_text()):
            assert finders.find(name), f"{template.name} loads missing {name}"


# --- Cache-Control ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "url", "expected"),
    [
        ("member", "/home/", "private, no-store"),
        ("member", "/accounts/profile/", "private, no-store"),
        ("member", "/api/v1/me", "private, no-store"),
        ("member", "/api/v1/programs", "private, no-store"),
        ("member", "/no-such-page/", "private, no-store"),
        ("organiser", "/programs/", "private, no-store"),
        ("admin", "/admin/", "max-age=0, no-cache, no-store, must-revalidate, private"),
        ("anonymous", "/", None),
        ("anonymous", "/accounts/signup/", None),
        ("anonymous", "/healthz", None),
    ],
)
def test_signed_in_responses_are_never_stored(personas, persona, url, expected):
    """Ours is added to what a view already says (the admin's never_cache stays)."""
    response = personas.client(persona).get(url)
    assert response.get("Cache-Control") == expected


def test_signing_in_response_is_not_stored(personas):
    from tests.factories import PASSWORD

    response = Client().post(
        "/accounts/login/", {"username": personas.member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_static_files_keep_their_own_caching(personas, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = personas.client("member").get("/static/peerly/peerly.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


# --- API documentation -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "public", "url", "status"),
    [
        ("anonymous", False, "/api/v1/openapi.json", 401),
        ("anonymous", False, "/api/v1/docs", 302),
        ("outsider", False, "/api/v1/openapi.json", 200),
        ("member", False, "/api/v1/openapi.json", 200),
        ("member", False, "/api/v1/docs", 200),
        ("anonymous", True, "/api/v1/openapi.json", 200),
        ("anonymous", True, "/api/v1/docs", 200),
    ],
)
def test_api_docs_need_sign_in_unless_public(personas, settings, persona, public, url, status):
    settings.PEERLY_API_DOCS_PUBLIC = public
    response = personas.client(persona).get(url)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith("/accounts/login/?next=/api/v1/docs")
    if status == 401:
        assert response.json() == {"detail": "Sign in to read the API documentation."}


def test_api_docs_ui_is_served_locally_not_from_a_cdn(personas):
    html = personas.client("member").get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


# --- Settings read from the environment --------------------------------------------------------

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "peerly.example.org",
    "SITE_URL": "https://peerly.example.org",
}


def _clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PEERLY_", "SECURE_", "DJANGO_"))
        and key not in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL")
    }
    return {**env, "PEERLY_HOME": str(tmp_path), **PRODUCTION_ENV, **extra}


def _read_settings(env: dict[str, str]) -> dict[str, object]:
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'peerly.settings'\n"
        "from django.conf import settings as s\n"
        "print(json.dumps({'proxy': s.SECURE_PROXY_SSL_HEADER, 'preload': s.SECURE_HSTS_PRELOAD,"
        " 'hsts': s.SECURE_HSTS_SECONDS, 'docs_public': s.PEERLY_API_DOCS_PUBLIC}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({}, {"proxy": None, "preload": False, "hsts": 31536000, "docs_public": False}),
        (
            {"PEERLY_BEHIND_PROXY": "1"},
            {
                "proxy": ["HTTP_X_FORWARDED_PROTO", "https"],
                "preload": False,
                "hsts": 31536000,
                "docs_public": False,
            },
        ),
        (
            {"PEERLY_BEHIND_PROXY": "0"},
            {"proxy": None, "preload": False, "hsts": 31536000, "docs_public": False},
        ),
        (
            {"SECURE_HSTS_PRELOAD": "1"},
            {"proxy": None, "preload": True, "hsts": 31536000, "docs_public": False},
        ),
        (
            {"PEERLY_API_DOCS_PUBLIC": "1"},
            {"proxy": None, "preload": False, "hsts": 31536000, "docs_public": True},
        ),
        (
            {"DEBUG": "1", "SECURE_HSTS_PRELOAD": "1"},
            {"proxy": None, "preload": False, "hsts": 0, "docs_public": False},
        ),
    ],
)
def test_security_settings_from_environment(tmp_path, extra, expected):
    assert _read_settings(_clean_env(tmp_path, **extra)) == expected


@pytest.mark.parametrize(
    ("proxy_header", "status"),
    [(None, 301), (("HTTP_X_FORWARDED_PROTO", "https"), 200)],
)
def test_forwarded_proto_is_believed_only_from_a_declared_proxy(db, settings, proxy_header, status):
    """A client's own X-Forwarded-Proto: https does not make plain HTTP look secure."""
    settings.SECURE_PROXY_SSL_HEADER = proxy_header
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == status
    if status == 301:
        assert response["Location"] == "https://testserver/accounts/login/"


@pytest.mark.parametrize("extra", [{}, {"PEERLY_BEHIND_PROXY": "1"}, {"SECURE_HSTS_PRELOAD": "1"}])
def test_check_deploy_is_clean_with_a_production_environment(tmp_path, extra):
    peerly = Path(sys.executable).with_name("peerly")
    result = subprocess.run(
        [str(peerly), "check", "--deploy", "--fail-level", "WARNING"],
        env=_clean_env(tmp_path, **extra),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
