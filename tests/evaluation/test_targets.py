"""Targets (issue 15): a programme's success measures as metric, comparison, value and date;
their status, trend and daily readings; the organisers' page and who may use it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from peerly.core.errors import ServiceError
from peerly.core.models import AuditEvent
from peerly.evaluation import kpi
from peerly.evaluation import targets
from peerly.evaluation.models import MetricReading
from peerly.evaluation.models import Target
from peerly.programs.models import ProgramKind
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from peerly.rounds.models import RoundGroup
from tests.evaluation.conftest import TODAY
from tests.factories import ProgramFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def coffee(members):  # type: ignore[no-untyped-def]
    """A coffee programme with 6 members, one closed round of 3 pairs, 2 of which met."""
    organiser = UserFactory()
    program = ProgramFactory(kind=ProgramKind.COFFEE, organisers=[organiser])
    people = members(program, 6)
    round_ = Round.objects.create(
        program=program,
        number=1,
        published_at=dt.datetime(2027, 2, 1, tzinfo=dt.UTC),
        meets_from=TODAY - dt.timedelta(days=20),
        meet_by=TODAY - dt.timedelta(days=2),
    )
    for g in range(3):
        group = RoundGroup.objects.create(round=round_, number=g + 1)
        for i, user in enumerate(people[2 * g : 2 * g + 2]):
            answer = "all" if g < 2 and i == 0 else ""
            GroupMember.objects.create(group=group, round=round_, user=user, answer=answer)
    program.test_organiser = organiser  # type: ignore[attr-defined]
    program.test_members = people  # type: ignore[attr-defined]
    return program


def test_set_target_checks_the_metric_the_comparison_and_the_range(coffee) -> None:
    organiser = coffee.test_organiser
    cases = [
        ({"metric_key": "nonexistent"}, "metric_key"),
        ({"metric_key": "session_completion"}, "metric_key"),  # a circles metric
        ({"comparison": "about"}, "comparison"),
        ({"value": 120.0}, "value"),
        ({"value": -1.0}, "value"),
    ]
    for change, field in cases:
        values = {"metric_key": "met_rate", "comparison": "at_least", "value": 70.0, **change}
        with pytest.raises(ServiceError) as caught:
            targets.set_target(actor=organiser, program=coffee, **values)
        assert caught.value.field == field, change
    assert not Target.objects.exists()
    assert not AuditEvent.objects.filter(action="target.set").exists()


def test_setting_the_same_target_again_changes_it_and_is_audited(coffee) -> None:
    organiser = coffee.test_organiser
    first = targets.set_target(
        actor=organiser, program=coffee, metric_key="met_rate", comparison="at_least", value=70
    )
    again = targets.set_target(
        actor=organiser,
        program=coffee,
        metric_key="met_rate",
        comparison="at_least",
        value=75,
        by_date=dt.date(2027, 6, 30),
    )
    assert again.pk == first.pk and Target.objects.count() == 1
    assert (again.value, again.by_date) == (75, dt.date(2027, 6, 30))
    assert AuditEvent.objects.filter(action="target.set", program_id=coffee.pk).count() == 2
    assert targets.remove_target(actor=organiser, program=coffee, target_id=first.pk)
    assert not targets.remove_target(actor=organiser, program=coffee, target_id=first.pk)
    assert AuditEvent.objects.filter(action="target.remove").count() == 1


def test_status_on_track_off_track_missed_and_not_shown() -> None:
    target = Target(metric_key="met_rate", comparison="at_least", value=70)
    assert targets.status_of(target, 72.0, TODAY) == "on_track"
    assert targets.status_of(target, 60.0, TODAY) == "off_track"
    target.by_date = TODAY - dt.timedelta(days=1)
    assert targets.status_of(target, 60.0, TODAY) == "missed"
    assert targets.status_of(target, None, TODAY) == "not_shown"
    at_most = Target(metric_key="time_to_match", comparison="at_most", value=14)
    assert targets.status_of(at_most, 10.0, TODAY) == "on_track"
    assert targets.status_of(at_most, 20.0, TODAY) == "off_track"


def test_rows_read_today_once_and_compare_with_a_month_before(coffee) -> None:
    targets.set_target(
        actor=None, program=coffee, metric_key="met_rate", comparison="at_least", value=70
    )
    MetricReading.objects.create(
        program=coffee, metric_key="met_rate", on=TODAY - dt.timedelta(days=30), value=50.0
    )
    MetricReading.objects.create(  # too recent for the trend
        program=coffee, metric_key="met_rate", on=TODAY - dt.timedelta(days=3), value=10.0
    )
    (row,) = targets.rows_for(coffee, today=TODAY)
    # 2 of 3 groups met: 66.7 %, 6 people
    assert (row.current.value, row.current.people) == (66.7, 6)  # type: ignore[union-attr]
    assert row.status == "off_track" and row.change == 16.7
    assert row.current_text == "67 %" and row.target_text == "70 %"
    # the second view within the hour reads the stored figure: a changed history shows later
    GroupMember.objects.filter(round__program=coffee).update(answer="all")
    (again,) = targets.rows_for(coffee, today=TODAY)
    assert again.current.value == 66.7  # type: ignore[union-attr]
    assert MetricReading.objects.filter(on=TODAY).count() == 1
    (tomorrow,) = targets.rows_for(coffee, today=TODAY + dt.timedelta(days=1))
    assert tomorrow.current.value == 100.0 and tomorrow.status == "on_track"  # type: ignore[union-attr]


def test_tick_stores_each_days_reading_once(coffee) -> None:
    targets.set_target(
        actor=None, program=coffee, metric_key="met_rate", comparison="at_least", value=70
    )
    targets.set_target(
        actor=None, program=coffee, metric_key="met_rate", comparison="at_most", value=95
    )
    now = timezone.now()
    every = len(kpi.for_kind(coffee.kind))  # every metric of the kind, not only the targets'
    assert targets.tick(today=TODAY, now=now) == {"targets.readings": every}
    assert targets.tick(today=TODAY, now=now + dt.timedelta(minutes=59)) == {"targets.readings": 0}
    assert MetricReading.objects.filter(on=TODAY).count() == every  # one row a metric a day
    # an hour later each is computed again, in the same row
    later = now + targets.READING_MAX_AGE + dt.timedelta(seconds=1)
    assert targets.tick(today=TODAY, now=later) == {"targets.readings": every}
    assert MetricReading.objects.filter(on=TODAY).count() == every
    assert set(MetricReading.objects.values_list("computed_at", flat=True)) == {later}


def test_a_reading_is_computed_again_once_an_hour_old(coffee) -> None:
    now = timezone.now()
    (first,) = targets.readings_for(coffee, ["met_rate"], today=TODAY, now=now).values()
    GroupMember.objects.filter(round__program=coffee).update(answer="none")
    (same,) = targets.readings_for(
        coffee, ["met_rate"], today=TODAY, now=now + dt.timedelta(minutes=30)
    ).values()
    assert same.value == first.value  # read, not computed
    (fresh,) = targets.readings_for(
        coffee, ["met_rate"], today=TODAY, now=now + dt.timedelta(minutes=61)
    ).values()
    assert fresh.pk == first.pk and fresh.value != first.value


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_the_page_adds_shows_and_removes_targets_for_organisers_only(coffee) -> None:
    organiser, member = coffee.test_organiser, coffee.test_members[0]
    today = timezone.localdate()  # the page's today: the round closed two days ago
    Round.objects.filter(program=coffee).update(
        meets_from=today - dt.timedelta(days=20), meet_by=today - dt.timedelta(days=2)
    )
    url = reverse("evaluation:targets", kwargs={"slug": coffee.slug})
    client = _client(organiser)
    assert "No targets yet" in client.get(url).content.decode()
    response = client.post(url, {"metric_key": "met_rate", "comparison": "at_least", "value": "70"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Met rate" in page and "Off track" in page and "70 %" in page
    # bad input: a clear message, 400, nothing changed
    for data, message in (
        ({"metric_key": "met_rate", "comparison": "at_least", "value": "170"}, "between 0"),
        ({"metric_key": "attendance", "comparison": "at_least", "value": "7"}, "valid choice"),
        ({"metric_key": "met_rate", "comparison": "at_least", "value": "lots"}, "number"),
    ):
        bad = client.post(url, data)
        assert bad.status_code == 400 and message in bad.content.decode(), data
    assert Target.objects.get().value == 70
    # members, outsiders and visitors
    assert _client(member).get(url).status_code == 403
    assert _client(member).post(url, {"metric_key": "met_rate", "value": "1"}).status_code == 403
    assert _client(UserFactory()).get(url).status_code == 403
    assert Client().get(url).status_code == 302
    target = Target.objects.get()
    remove = reverse(
        "evaluation:target-remove", kwargs={"slug": coffee.slug, "target_id": target.pk}
    )
    assert _client(member).post(remove).status_code == 403
    other = ProgramFactory(kind=ProgramKind.COFFEE, organisers=[UserFactory()])
    other_remove = reverse(
        "evaluation:target-remove", kwargs={"slug": other.slug, "target_id": target.pk}
    )
    assert _client(other.organisers.get()).post(other_remove).status_code == 302
    assert Target.objects.filter(pk=target.pk).exists()  # not that programme's target
    assert client.post(remove).status_code == 302
    assert not Target.objects.exists()
    # the programme's navigation links it
    report = client.get(reverse("rounds:manage-report", kwargs={"slug": coffee.slug}))
    assert url in report.content.decode()


def test_the_demo_targets_are_its_success_measures() -> None:
    from peerly.programs import demo

    demo.build_demo(members=12, seed=1)
    keys = set(Target.objects.values_list("program__slug", "metric_key"))
    assert ("coffee-roulette", "met_rate") in keys
    assert ("coaching-circles", "attendance") in keys
    assert ("mentorship", "time_to_match") in keys
