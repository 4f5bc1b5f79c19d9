"""Who may open which feedback page, as one table (persona, method, page, status), and the
same for the API; a survey of another programme is a 404 to its non-members."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from peerly.feedback import services
from tests.feedback.conftest import answers_for
from tests.feedback.conftest import make_survey
from tests.feedback.conftest import opened

pytestmark = pytest.mark.django_db

PERSONAS = (
    "anonymous",
    "outsider",
    "member",
    "other_member",
    "other_organiser",
    "organiser",
    "admin",
)
ORGANISERS_ONLY = {
    "anonymous": 302,
    "outsider": 403,
    "member": 403,
    "other_member": 403,
    "other_organiser": 403,
    "organiser": 200,
    "admin": 200,
}
TABLE = {
    "home": {"anonymous": 302, **dict.fromkeys(PERSONAS[1:], 200)},
    "answer": {
        "anonymous": 302,
        "outsider": 404,
        "member": 200,
        "other_member": 200,
        "other_organiser": 404,
        "organiser": 404,
        "admin": 404,
    },
    "leave": {
        "anonymous": 302,
        "outsider": 403,
        "member": 200,
        "other_member": 200,
        "other_organiser": 403,
        "organiser": 404,
        "admin": 404,
    },
    "manage": ORGANISERS_ONLY,
    "survey-create": ORGANISERS_ONLY,
    "results": ORGANISERS_ONLY,
    "export": ORGANISERS_ONLY,
}


def _url(name: str, program, survey) -> str:  # type: ignore[no-untyped-def]
    if name == "home":
        return reverse("feedback:home")
    if name == "answer":
        return reverse("feedback:answer", args=[survey.pk])
    if name in ("results", "export"):
        return reverse(f"feedback:{name}", args=[program.slug, survey.pk])
    return reverse(f"feedback:{name}", args=[program.slug])


@pytest.mark.parametrize("page", sorted(TABLE))
def test_pages_by_persona(personas, page) -> None:
    survey = opened(make_survey(personas.program, personas.organiser))
    url = _url(page, personas.program, survey)
    for persona in PERSONAS:
        status = personas.client(persona).get(url).status_code
        assert status == TABLE[page][persona], (persona, page, status)


def test_a_survey_of_another_programme_is_not_found(personas) -> None:
    survey = opened(make_survey(personas.program, personas.organiser))
    other = personas.client("other_organiser")
    assert (
        other.get(
            reverse("feedback:results", args=[personas.other_program.slug, survey.pk])
        ).status_code
        == 404
    )
    assert (
        other.post(reverse("feedback:close", args=[personas.program.slug, survey.pk])).status_code
        == 403
    )
    assert (
        personas.client("member")
        .post(reverse("feedback:close", args=[personas.program.slug, survey.pk]))
        .status_code
        == 403
    )
    assert (
        personas.client("organiser")
        .post(reverse("feedback:close", args=[personas.program.slug, survey.pk]))
        .status_code
        == 302
    )
    survey.refresh_from_db()
    assert survey.status == "closed"


def test_api_by_persona(personas) -> None:
    survey = opened(make_survey(personas.program, personas.organiser))
    slug = personas.program.slug
    table = {
        f"/api/v1/feedback/programs/{slug}/surveys": {
            "outsider": 403,
            "member": 403,
            "other_organiser": 403,
            "organiser": 200,
            "admin": 200,
        },
        f"/api/v1/feedback/programs/{slug}/surveys/{survey.pk}": {
            "outsider": 403,
            "member": 403,
            "other_organiser": 403,
            "organiser": 200,
            "admin": 200,
        },
        "/api/v1/me/surveys": {"outsider": 200, "member": 200, "organiser": 200},
    }
    for url, expected in table.items():
        assert personas.client("anonymous").get(url).status_code == 401
        for persona, status in expected.items():
            assert personas.client(persona).get(url).status_code == status, (persona, url)
    mine = personas.client("member").get("/api/v1/me/surveys").json()
    assert [s["id"] for s in mine] == [survey.pk] and mine[0]["has_answered"] is False
    assert personas.client("outsider").get("/api/v1/me/surveys").json() == []


def test_api_answering_and_bad_input_is_4xx(personas) -> None:
    survey = opened(make_survey(personas.program, personas.organiser))
    url = f"/api/v1/me/surveys/{survey.pk}/responses"
    member = personas.client("member")
    post = lambda client, body: client.post(url, json.dumps(body), content_type="application/json")  # noqa: E731
    assert post(member, {"answers": {"abc": 1}}).status_code == 422
    assert post(member, {"answers": {str(q): 99 for q in answers_for(survey)}}).status_code == 400
    assert post(member, "nonsense").status_code in (400, 422)
    assert post(personas.client("outsider"), {"answers": {}}).status_code == 404
    assert (
        post(member, {"answers": {str(k): v for k, v in answers_for(survey).items()}}).status_code
        == 201
    )
    assert (
        post(member, {"answers": {str(k): v for k, v in answers_for(survey).items()}}).status_code
        == 400
    )
    assert member.get("/api/v1/me/surveys").json()[0]["has_answered"] is True
    assert (
        personas.client("organiser")
        .get(f"/api/v1/feedback/programs/{personas.program.slug}/surveys/{10**15}")
        .status_code
        == 404
    )


def test_pages_bad_input_is_4xx_never_5xx(personas) -> None:
    survey = opened(make_survey(personas.program, personas.organiser))
    member = personas.client("member")
    url = reverse("feedback:answer", args=[survey.pk])
    scale = survey.questions.get(code="pulse_value").pk
    for body in ({f"q{scale}": "99"}, {f"q{scale}": "x" * 10000}, {}):
        assert member.post(url, body).status_code == 200  # the form shows the error
    assert member.post(url, {f"q{scale}": "\x00"}).status_code == 400  # RejectNulMiddleware
    assert not survey.responses.exists()
    assert member.get("/feedback/surveys/99999999999999999999/").status_code == 404
    organiser = personas.client("organiser")
    create = reverse("feedback:survey-create", args=[personas.program.slug])
    for body in (
        {
            "kind": "pulse",
            "title": "t",
            "anonymity": "anonymous",
            "cadence": "once",
            "opens_on": "9999-12-31",
            "closes_on": "9999-12-31",
        },
        {
            "kind": "pulse",
            "title": "t",
            "anonymity": "anonymous",
            "cadence": "once",
            "opens_on": "2030-01-05",
            "closes_on": "2030-01-01",
            "bank_codes": ["pulse_value"],
        },
        {"kind": "bogus", "opens_on": "x"},
    ):
        assert organiser.post(create, body).status_code == 200
    ok = organiser.post(
        create,
        {
            "kind": "pulse",
            "title": "Pulse",
            "anonymity": "anonymous",
            "cadence": "once",
            "opens_on": "2030-01-01",
            "closes_on": "2030-01-10",
            "bank_codes": ["pulse_value"],
            "own1_type": "choice",
            "own1_text": "Which?",
            "own1_choices": "A\nB",
        },
    )
    assert ok.status_code == 302
    created = personas.program.surveys.latest("pk")
    assert [q.type for q in created.questions.all()] == ["scale", "choice"]
    leave = reverse("feedback:leave", args=[personas.program.slug])
    assert member.post(leave, {"reason": "bogus"}).status_code == 200
    assert member.post(leave, {"reason": "no_time", "text": "Busy"}).status_code == 302
    services.has_answered(survey=survey, user=personas.member)  # still fine after leaving
