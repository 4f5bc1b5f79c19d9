"""The KPI dictionary's mechanism (evaluation/kpi.py): the registry holds every metric once,
each fully defined, every figure passes through `shown()`, and docs/metrics.md lists them all."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peerly.core.aggregates import MIN_PEOPLE
from peerly.evaluation import kpi
from peerly.evaluation.kpi import Figure
from peerly.evaluation.kpi import Metric
from peerly.evaluation.kpi import Unit
from peerly.growth import metrics as growth_metrics

DOCS = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
GROWTH_KEYS = {"goal_progress", "goal_attainment", "goals_per_member", "action_completion"}


def _fixed(value: float | None, people: int) -> Metric:
    return Metric(
        key="test_fixed",
        name="Fixed",
        definition="A fixed figure.",
        unit=Unit.PERCENT,
        unknowns="None.",
        compute=lambda program, today: Figure(
            value=value, people=people, numerator=1, denominator=2
        ),
    )


def test_the_registry_holds_every_growth_metric_once_each_fully_defined() -> None:
    keys = [m.key for m in kpi.registry()]
    assert set(keys) >= GROWTH_KEYS
    assert len(keys) == len(set(keys))
    for metric in kpi.registry():
        assert re.fullmatch(r"[a-z][a-z0-9_]*", metric.key), metric.key
        assert kpi.get(metric.key) is metric
        for text in (metric.name, metric.definition, metric.unknowns):
            assert str(text).strip(), metric.key
        assert isinstance(metric.unit, Unit)
        assert metric.min_people >= MIN_PEOPLE
        assert callable(metric.compute)
        assert kpi.kind_labels(metric), metric.key  # applies to at least one registered kind
    assert [m for m in kpi.registry() if m.key in GROWTH_KEYS] == list(growth_metrics.METRICS)


def test_unknown_key_and_a_second_definition_are_refused() -> None:
    with pytest.raises(KeyError):
        kpi.get("no_such_metric")
    kpi.register(growth_metrics.GOAL_ATTAINMENT)  # the same metric again changes nothing
    twin = Metric(
        key="goal_attainment",
        name="Another attainment",
        definition="…",
        unit=Unit.PERCENT,
        unknowns="…",
        compute=growth_metrics.goal_attainment,
    )
    with pytest.raises(ValueError, match="defined twice"):
        kpi.register(twin)
    assert kpi.get("goal_attainment") is growth_metrics.GOAL_ATTAINMENT


def test_no_metric_may_lower_the_minimum_of_people() -> None:
    with pytest.raises(ValueError, match="fewer than 5"):
        Metric(
            key="x",
            name="x",
            definition="x",
            unit=Unit.PERCENT,
            unknowns="x",
            compute=growth_metrics.goal_attainment,
            min_people=2,
        )


@pytest.mark.parametrize(("people", "shown"), [(0, False), (4, False), (5, True), (50, True)])
def test_a_figure_and_its_parts_are_shown_from_5_people_only(people: int, shown: bool) -> None:
    figure = _fixed(42.0, people).figure()
    assert figure.people == people
    assert (figure.value, figure.numerator, figure.denominator) == (
        (42.0, 1, 2) if shown else (None, None, None)
    )
    assert figure.too_few is not shown


def test_a_higher_minimum_is_honoured() -> None:
    strict = Metric(
        key="strict",
        name="s",
        definition="s",
        unit=Unit.PER_MEMBER,
        unknowns="s",
        compute=lambda program, today: Figure(value=1.5, people=7),
        min_people=10,
    )
    assert strict.figure().value is None
    assert kpi.Shown(strict, strict.figure()).too_few


def test_shown_text_in_the_unit() -> None:
    assert kpi.Shown(_fixed(49.6, 5), _fixed(49.6, 5).figure()).text == "50 %"
    assert kpi.Shown(_fixed(49.6, 4), _fixed(49.6, 4).figure()).text == ""
    per_member = Metric(
        key="pm",
        name="p",
        definition="p",
        unit=Unit.PER_MEMBER,
        unknowns="p",
        compute=lambda program, today: Figure(value=1.25, people=5),
    )
    assert kpi.Shown(per_member, per_member.figure()).text in ("1.2", "1.3")


def test_docs_metrics_md_defines_every_registered_metric() -> None:
    text = DOCS.read_text()
    for metric in kpi.registry():
        assert f"`{metric.key}`" in text, metric.key
        assert str(metric.name) in text, metric.key


def test_docs_filters_table_lists_every_metric_with_its_filters() -> None:
    """docs/metrics.md's *Filters* table: one row per metric (the network ones share one),
    its last column naming exactly the filters the metric declares."""
    section = DOCS.read_text().split("## Filters", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    declared: dict[str, str] = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for key in re.findall(r"`([a-z0-9_]+)`", cells[0]):
            declared[key] = cells[-1]
    for metric in kpi.registry():
        wanted = ", ".join(sorted(metric.filters)) or "none"
        assert declared.get(metric.key) == wanted, metric.key
