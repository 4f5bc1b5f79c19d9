"""The KPI dictionary over the API: /api/v1/metrics/definitions (definitions only, no figures;
any signed-in user)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field
from ninja import Router
from ninja import Schema

from peerly.evaluation import kpi

router = Router(tags=["metrics"])


class MetricOut(Schema):
    key: str
    name: str
    definition: str
    unit: str = Field(
        description="percent (0-100), per_member, score (-100 to 100), mean_of_5 or days"
    )
    unit_label: str
    kinds: list[str] = Field(description="programme kinds it applies to; empty: every kind")
    unknowns: str = Field(description="how missing answers or dates count")
    min_people: int = Field(description="no figure is shown from fewer people")
    url: str = Field(description="the definition on the metrics page")


@router.get("/metrics/definitions", response=list[MetricOut])
def definitions(request: HttpRequest) -> list[MetricOut]:
    page = reverse("evaluation:definitions")
    return [
        MetricOut(
            key=m.key,
            name=str(m.name),
            definition=str(m.definition),
            unit=m.unit.value,
            unit_label=str(m.unit.label),
            kinds=list(m.kinds),
            unknowns=str(m.unknowns),
            min_people=m.min_people,
            url=f"{page}#{m.key}",
        )
        for m in kpi.registry()
    ]
