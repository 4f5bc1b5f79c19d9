"""Feedback over the API: a member's open surveys and answering them; for organisers a
programme's surveys and each survey's aggregate (the same services, selectors and rules as
the pages: figures from 5 responses on, texts only in the aggregate)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field
from ninja import Router
from ninja import Schema

from peerly.core.http import AuthedHttpRequest
from peerly.feedback import selectors
from peerly.feedback import services
from peerly.programs.access import access_program

router = Router(tags=["feedback"])


class SurveyOut(Schema):
    id: int
    program: str = Field(description="the programme's slug")
    kind: str = Field(description="after_session, pulse, nps or exit")
    title: str
    anonymity: str = Field(description="anonymous, confidential or attributed")
    status: str
    cadence: str
    opens_at: dt.datetime | None
    closes_at: dt.datetime | None


class MySurveyOut(SurveyOut):
    has_answered: bool


class ProgramSurveyOut(SurveyOut):
    responses: int


class OptionCount(Schema):
    option: str
    count: int


class QuestionFiguresOut(Schema):
    id: int
    text: str
    type: str
    answers: int
    mean: float | None
    nps: float | None
    promoters: int
    passives: int
    detractors: int
    distribution: list[OptionCount]
    texts: list[str] = Field(description="sorted, nameless; only from 5 answers on")


class FiguresOut(Schema):
    survey: SurveyOut
    responses: int
    shown: bool = Field(description="false below 5 responses: no figures then")
    questions: list[QuestionFiguresOut]


class AnswersIn(Schema):
    answers: dict[int, int | str | None] = Field(description="question id -> answer")


def _survey(s: Any, **extra: Any) -> dict[str, Any]:
    return {
        "id": s.pk,
        "program": s.program.slug,
        "kind": s.kind,
        "title": s.title,
        "anonymity": s.anonymity,
        "status": s.status,
        "cadence": s.cadence,
        "opens_at": s.opens_at,
        "closes_at": s.closes_at,
        **extra,
    }


@router.get("/me/surveys", response=list[MySurveyOut])
def my_surveys(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    surveys = selectors.list_open_surveys_for_user(user=request.user)
    return [_survey(s, has_answered=s.has_answered) for s in surveys]  # type: ignore[attr-defined]


@router.post("/me/surveys/{survey_id}/responses", response={201: dict[str, bool]})
def answer(request: AuthedHttpRequest, survey_id: int, payload: AnswersIn) -> tuple[int, Any]:
    survey = selectors.get_survey_for_member(user=request.user, survey_id=survey_id)
    services.submit_response(survey=survey, user=request.user, answers=payload.answers)
    return 201, {"ok": True}


@router.get("/feedback/programs/{slug}/surveys", response=list[ProgramSurveyOut])
def program_surveys(request: AuthedHttpRequest, slug: str) -> list[dict[str, Any]]:
    access = access_program(request.user, slug, need="organiser")
    surveys = selectors.list_surveys_for_program(program=access.program).select_related("program")[
        :200
    ]
    return [_survey(s, responses=s.response_count) for s in surveys]  # type: ignore[attr-defined]


@router.get("/feedback/programs/{slug}/surveys/{survey_id}", response=FiguresOut)
def survey_aggregate(request: AuthedHttpRequest, slug: str, survey_id: int) -> dict[str, Any]:
    survey = selectors.get_survey_for_organiser(user=request.user, slug=slug, survey_id=survey_id)
    figures = selectors.survey_figures(survey)
    return {
        "survey": _survey(survey),
        "responses": figures.responses,
        "shown": figures.shown,
        "questions": [
            {
                "id": f.question.pk,
                "text": f.question.text,
                "type": f.question.type,
                "answers": f.answers,
                "mean": f.mean,
                "nps": f.nps,
                "promoters": f.promoters,
                "passives": f.passives,
                "detractors": f.detractors,
                "distribution": [{"option": o, "count": n} for o, n in f.distribution],
                "texts": f.texts,
            }
            for f in figures.questions
        ]
        if figures.shown
        else [],
    }
