"""Round and programme reports: figures (PRODUCT.md §5) and the inline SVG chart."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.test import Client
from django.urls import reverse

from peerly.rounds import reports
from peerly.rounds import services
from peerly.rounds.models import GroupMember

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


def _two_rounds(coffee):  # type: ignore[no-untyped-def]
    for n in range(2):
        when = NOW + dt.timedelta(days=28 * n)
        with time_machine.travel(when, tick=False):
            round_, _ = services.publish_round(program=coffee.program, actor=None)
        groups = list(round_.groups.order_by("number"))
        first = groups[0].members.order_by("user_id").first()
        services.submit_checkin(
            user=first.user,
            group=groups[0],
            answer="all",
            rating=4,
            now=when + dt.timedelta(days=8),
        )
        second = groups[1].members.order_by("user_id").first()
        services.submit_checkin(
            user=second.user, group=groups[1], answer="no", now=when + dt.timedelta(days=8)
        )


def test_figures_follow_the_metrics_dictionary(coffee):  # type: ignore[no-untyped-def]
    _two_rounds(coffee)
    rows = reports.program_figures(coffee.program)
    assert [r["number"] for r in rows] == [1, 2]
    for row in rows:
        assert (row["participants"], row["matched"], row["groups"]) == (7, 7, 3)
        assert (row["met"], row["reported"], row["unknown"]) == (1, 2, 1)
        assert row["met_rate"] == 0.333 and row["report_rate"] == 0.667
        # one rating: counted, but its "average" would be that member's own rating
        assert row["mean_rating"] is None and row["ratings"] == 1
        assert 0 <= row["cross_team_rate"] <= 1
    assert GroupMember.objects.filter(answer="").count() == 10  # unknown stays unknown


def test_report_page_has_an_accessible_chart(coffee):  # type: ignore[no-untyped-def]
    _two_rounds(coffee)
    client = Client()
    client.force_login(coffee.organiser)
    body = client.get(reverse("rounds:manage-report", args=[coffee.program.slug])).content.decode()
    assert "<svg" in body and 'role="img"' in body
    assert "<title>Participants and met rate per round</title>" in body
    assert "round 2: 7 participants, 7 matched, met rate 33 %" in body
    assert "<?xml" not in body


def test_chart_is_empty_without_rounds(coffee):  # type: ignore[no-untyped-def]
    assert reports.chart_svg([]) == ""
    client = Client()
    client.force_login(coffee.organiser)
    body = client.get(reverse("rounds:manage-report", args=[coffee.program.slug])).content.decode()
    assert "No rounds yet." in body


def test_chart_is_drawn_once_per_set_of_figures(coffee, monkeypatch):  # type: ignore[no-untyped-def]
    """matplotlib costs ~0.5 s a chart: the same figures reuse the drawn SVG; a changed
    figure (here one more member met) draws a new one, so the chart is never stale."""
    from django.core.cache import cache

    cache.clear()
    _two_rounds(coffee)
    drawn: list[int] = []
    real = reports._draw_chart

    def counting(rows):  # type: ignore[no-untyped-def]
        drawn.append(len(rows))
        return real(rows)

    monkeypatch.setattr(reports, "_draw_chart", counting)
    rows = reports.program_figures(coffee.program)
    first = reports.chart_svg(rows)
    assert reports.chart_svg(reports.program_figures(coffee.program)) == first
    assert drawn == [2]
    group = coffee.program.rounds.get(number=2).groups.order_by("number")[2]
    member = group.members.order_by("user_id").first()
    services.submit_checkin(
        user=member.user, group=group, answer="all", now=NOW + dt.timedelta(days=36)
    )
    changed = reports.chart_svg(reports.program_figures(coffee.program))
    assert drawn == [2, 2] and changed != first
    assert "round 2: 7 participants, 7 matched, met rate 67 %" in changed


def test_a_mean_rating_is_shown_from_five_ratings(coffee):  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        round_, _ = services.publish_round(program=coffee.program, actor=None)
    members = list(GroupMember.objects.filter(round=round_).select_related("group", "user")[:5])
    for member, rating in zip(members, (5, 4, 3, 4, 4), strict=True):
        services.submit_checkin(
            user=member.user,
            group=member.group,
            answer="all",
            rating=rating,
            now=NOW + dt.timedelta(days=8),
        )
    [row] = reports.program_figures(coffee.program)
    assert (row["ratings"], row["mean_rating"]) == (5, 4.0)
    assert reports.program_report(coffee.program)["totals"]["mean_rating"] == 4.0


def test_the_round_page_shows_no_members_own_rating(coffee):  # type: ignore[no-untyped-def]
    from django.test import Client
    from django.urls import reverse

    with time_machine.travel(NOW, tick=False):
        round_, _ = services.publish_round(program=coffee.program, actor=None)
    member = GroupMember.objects.filter(round=round_).select_related("group", "user").first()
    services.submit_checkin(
        user=member.user, group=member.group, answer="all", rating=2, now=NOW + dt.timedelta(days=8)
    )
    client = Client()
    client.force_login(coffee.program.organisers.first())
    url = reverse("rounds:round-detail", kwargs={"slug": coffee.program.slug, "number": 1})
    page = client.get(url).content.decode()
    assert ">Rating<" not in page
    assert "<td>2</td>" not in page
    assert "mean rating (1)" in page
