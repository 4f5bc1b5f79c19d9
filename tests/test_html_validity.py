"""The rendered HTML of the main pages is valid: the Nu HTML Checker (vnu.jar from the npm
registry's `vnu-jar`, installed by `make install`) reports 0 errors.

A small demo community is built, ~15 main pages are rendered with the Django test client for
each demo persona (plus a visitor and forms shown with their errors), written to files, and
checked in ONE java invocation (its start-up is the slow part). Run by `make test` in its own
leg (`-m html`); skipped without Java or node_modules, a failure under CI=true.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.test import Client

from peerly.accounts.models import User
from peerly.circles.models import CircleMember
from peerly.circles.models import CircleSession
from peerly.growth.models import Goal
from peerly.growth.models import JournalEntry
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from peerly.mentorship.models import MonthlyReport
from peerly.programs import demo
from peerly.programs.models import Program
from peerly.rounds.models import GroupMember

pytestmark = [pytest.mark.html, pytest.mark.django_db]

VNU = (
    Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
)
JAVA = shutil.which("java")
COMMON = [
    "/home/",
    "/programs/",
    "/accounts/profile/",
    "/accounts/profile/edit/",
    "/accounts/profile/availability/",
    "/accounts/profile/do-not-pair/",
    "/accounts/profile/data/",
    "/growth/",
    "/growth/goals/new/",
    "/growth/journal/",
    "/growth/journal/new/",
    "/no-such-page/",
]
VISITOR = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
PROGRAM = {  # kind -> member pages
    "coffee": ["/programs/{slug}/", "/programs/{slug}/coffee/"],
    "circle": ["/programs/{slug}/", "/programs/{slug}/circles/", "/programs/{slug}/circles/known/"],
    "mentorship": [
        "/programs/{slug}/",
        "/programs/{slug}/mentorship/",
        "/programs/{slug}/mentorship/mentors/",
    ],
}
ORGANISER = {
    "coffee": [
        "/programs/{slug}/manage/",
        "/programs/{slug}/coffee/manage/",
        "/programs/{slug}/coffee/manage/report/",
        "/programs/{slug}/coffee/manage/settings/",
        "/programs/{slug}/edit/",
        "/metrics/network/{slug}/",
        "/metrics/targets/{slug}/",
    ],
    "circle": [
        "/programs/{slug}/circles/manage/",
        "/programs/{slug}/circles/manage/form/",
        "/programs/{slug}/circles/manage/settings/",
        "/programs/{slug}/manage/approvals/",
        "/metrics/network/{slug}/",
        "/metrics/targets/{slug}/",
    ],
    "mentorship": [
        "/programs/{slug}/mentorship/manage/",
        "/programs/{slug}/mentorship/manage/assign/",
        "/programs/{slug}/mentorship/manage/requests/",
        "/programs/{slug}/mentorship/manage/reviews/",
        "/programs/{slug}/mentorship/manage/settings/",
        "/programs/{slug}/manage/import/",
        "/metrics/targets/{slug}/",
    ],
}


def _persona_emails() -> list[str]:
    personas = getattr(demo, "PERSONAS", ())
    emails = [p.email for p in personas] or [
        demo.ORGANISER_EMAIL,
        demo.MEMBER_EMAIL,
        demo.ADMIN_EMAIL,
    ]
    # members the demo has in each role, in case the demo names fewer personas
    for extra in (
        MentorProfile.objects.values_list("user__email", flat=True).first(),
        Mentorship.objects.exclude(mentor=None).values_list("mentee__email", flat=True).first(),
        CircleMember.objects.values_list("user__email", flat=True).first(),
    ):
        if extra and extra not in emails:
            emails.append(extra)
    return emails


def _pages_for(user: User) -> list[str]:
    pages = list(COMMON)
    for program in Program.objects.order_by("pk"):
        pages += [p.format(slug=program.slug) for p in PROGRAM.get(program.kind, [])]
        if program.organisers.filter(pk=user.pk).exists() or user.is_superuser:
            pages += [p.format(slug=program.slug) for p in ORGANISER.get(program.kind, [])]
    member = GroupMember.objects.filter(user=user).order_by("-pk").select_related("group")
    if gm := member.first():
        slug = gm.round.program.slug
        pages.append(f"/programs/{slug}/coffee/groups/{gm.group_id}/")
    if cm := CircleMember.objects.filter(user=user).select_related("circle__program").first():
        slug = cm.circle.program.slug
        pages.append(f"/programs/{slug}/circles/c/{cm.circle_id}/")
        if session := CircleSession.objects.filter(circle=cm.circle).order_by("number").first():
            pages.append(f"/programs/{slug}/circles/sessions/{session.pk}/")
    ms = Mentorship.objects.filter(mentee=user).exclude(mentor=None).first()
    ms = ms or Mentorship.objects.filter(mentor__user=user).first()
    if ms:
        pages.append(f"/programs/{ms.program.slug}/mentorship/m/{ms.pk}/")
        if report := MonthlyReport.objects.filter(mentorship=ms).first():
            pages.append(f"/programs/{ms.program.slug}/mentorship/reports/{report.pk}/")
    if user.is_superuser:  # a session and a report page even if no persona is in one
        if session := CircleSession.objects.select_related("circle__program").first():
            pages.append(f"/programs/{session.circle.program.slug}/circles/sessions/{session.pk}/")
        if report := MonthlyReport.objects.select_related("mentorship__program").first():
            slug = report.mentorship.program.slug
            pages.append(f"/programs/{slug}/mentorship/reports/{report.pk}/")
    if MentorProfile.objects.filter(user=user).exists():
        slug = MentorProfile.objects.filter(user=user).first().program.slug  # type: ignore[union-attr]
        pages.append(f"/programs/{slug}/mentorship/mentor/")
        pages.append(f"/programs/{slug}/mentorship/mentor/profile/")
    if goal := Goal.objects.filter(owner=user).first():
        pages += [f"/growth/goals/{goal.pk}/", f"/growth/goals/{goal.pk}/edit/"]
    shared = Goal.objects.filter(shares__mentorship__mentor__user=user).exclude(owner=user)
    if goal := shared.first():  # the mentor's read-only view of a goal shared with them
        pages.append(f"/growth/shared/{goal.pk}/")
    if entry := JournalEntry.objects.filter(owner=user).first():
        pages += [f"/growth/journal/{entry.pk}/", f"/growth/journal/{entry.pk}/edit/"]
    shared_entries = JournalEntry.objects.filter(shares__mentorship__mentor__user=user)
    if entry := shared_entries.exclude(owner=user).first():
        pages.append(f"/growth/journal/shared/{entry.pk}/")
    return list(dict.fromkeys(pages))


def _save(out: Path, persona: str, path: str, html: str) -> None:
    name = re.sub(r"[^a-z0-9]+", "-", f"{persona} {path}".lower()).strip("-")
    (out / f"{name}.html").write_text(html, encoding="utf-8")


def test_main_pages_have_no_nu_validator_errors(tmp_path: Path) -> None:
    if not (JAVA and VNU.exists()):
        message = f"needs java and {VNU} (`make install`, which needs npm)"
        if os.environ.get("CI") in ("true", "1"):
            pytest.fail(message)
        pytest.skip(message)
    demo.build_demo(members=40, seed=1)
    statuses: dict[str, int] = {}
    client = Client()
    for path in VISITOR:
        response = client.get(path)
        statuses[f"visitor {path}"] = response.status_code
        _save(tmp_path, "visitor", path, response.content.decode())
    # forms shown again with their errors
    for path in ("/accounts/signup/", "/accounts/login/"):
        response = client.post(path, {"email": "not-an-email"})
        _save(tmp_path, "visitor-errors", path, response.content.decode())
    for email in _persona_emails():
        user = User.objects.get(email=email)
        client = Client()
        client.force_login(user)
        persona = email.split("@")[0]
        for path in _pages_for(user):
            response = client.get(path)
            statuses[f"{persona} {path}"] = response.status_code
            if response.status_code in (200, 403, 404) and "html" in response["Content-Type"]:
                _save(tmp_path, persona, path, response.content.decode())
        response = client.post("/accounts/profile/edit/", {"timezone": "Nowhere/Else"})
        _save(tmp_path, f"{persona}-errors", "/accounts/profile/edit/", response.content.decode())
    ok = [k for k, v in statuses.items() if v == 200]
    assert len(ok) >= 60, f"too few pages rendered: {statuses}"
    unexpected = {k: v for k, v in statuses.items() if v >= 500}
    assert unexpected == {}

    # The validator does not check that aria-describedby / aria-labelledby / for name ids on
    # the page (axe-core does, in the browser journeys); check it here for every page too.
    dangling = []
    for file in sorted(tmp_path.glob("*.html")):
        html = file.read_text(encoding="utf-8")
        ids = set(re.findall(r'\sid="([^"]+)"', html))
        refs = re.findall(r'\s(?:aria-describedby|aria-labelledby|for)="([^"]*)"', html)
        missing = {i for value in refs for i in value.split() or [""]} - ids
        if missing:
            dangling.append(f"{file.name}: {sorted(missing)}")
    assert dangling == [], "references to ids not on the page:\n" + "\n".join(dangling)

    files = sorted(str(p) for p in tmp_path.glob("*.html"))
    run = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(run.stderr or run.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()[:120]}]"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert errors == [], f"{len(errors)} Nu validator errors on {len(files)} pages:\n" + "\n".join(
        errors
    )
