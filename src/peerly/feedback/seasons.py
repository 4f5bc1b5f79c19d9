"""The NPS question asked automatically at the end of a season (docs/feedback.md), for the
programmes whose organisers switched it on (`FeedbackSettings.nps_at_end`):

- circles: each circle season, once its last day is over, to the season's members;
- coffee rounds: every `nps_every_rounds` rounds (rounds N, 2N, …), once the N-th round's
  meeting window closed, to the people drawn in those N rounds;
- mentorship: once a month is over, to the mentees and mentors of the mentorships that ended
  in it.

`peerly tick` creates the survey once per season (`Survey.end_key`, unique per programme),
scheduled to open at once and close `nps_days` later; the survey steps of the same tick then
open it (inviting its audience), remind and close it as any NPS survey. Only seasons that ended
in the last `WINDOW` are considered, so switching it on does not survey past seasons."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import IntegrityError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from peerly.feedback import bank
from peerly.feedback.models import Anonymity
from peerly.feedback.models import FeedbackSettings
from peerly.feedback.models import Survey
from peerly.feedback.models import SurveyCadence
from peerly.feedback.models import SurveyKind
from peerly.feedback.services import _add_questions
from peerly.programs.models import Program

WINDOW = dt.timedelta(days=7)


def _circle_ends(programs: list[Program], first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    from peerly.circles.models import CircleMember
    from peerly.circles.models import Season

    seasons = list(
        Season.objects.filter(program__in=programs, ends_on__gte=first, ends_on__lte=last)
    )
    people: dict[int, list[int]] = defaultdict(list)
    for season_id, user_id in CircleMember.objects.filter(
        season_id__in=[s.pk for s in seasons]
    ).values_list("season_id", "user_id"):
        people[season_id].append(user_id)
    for s in seasons:
        title = _("End of season %(number)s") % {"number": s.number}
        yield s.program_id, f"circle-season-{s.pk}", title, people[s.pk]


def _coffee_ends(settings: dict[int, FeedbackSettings], first: dt.date, last: dt.date):  # type: ignore[no-untyped-def]
    from peerly.rounds.models import GroupMember
    from peerly.rounds.models import Round

    ends = [
        r
        for r in Round.objects.filter(
            program_id__in=list(settings), meet_by__gte=first, meet_by__lte=last
        )
        if r.number % settings[r.program_id].nps_every_rounds == 0
    ]
    for r in ends:
        size = settings[r.program_id].nps_every_rounds
        people = sorted(
            set(
                GroupMember.objects.filter(
                    round__program_id=r.program_id,
                    round__number__gt=r.number - size,
                    round__number__lte=r.number,
                ).values_list("user_id", flat=True)
            )
        )
        title = _("Coffee rounds %(first)s to %(last)s") % {
            "first": r.number - size + 1,
            "last": r.number,
        }
        yield r.program_id, f"coffee-rounds-{r.number}", title, people


def _mentorship_ends(programs: list[Program], today: dt.date):  # type: ignore[no-untyped-def]
    from peerly.mentorship.models import Mentorship
    from peerly.mentorship.models import MentorshipStatus

    if today - today.replace(day=1) >= WINDOW:
        return  # only in the first days of a month, for the month before
    month_end = today.replace(day=1)
    month = (month_end - dt.timedelta(days=1)).replace(day=1)
    start = timezone.make_aware(dt.datetime.combine(month, dt.time()))
    end = timezone.make_aware(dt.datetime.combine(month_end, dt.time()))
    people: dict[int, set[int]] = defaultdict(set)
    for program_id, mentee_id, mentor_user_id in Mentorship.objects.filter(
        program__in=programs,
        status=MentorshipStatus.ENDED,
        ended_at__gte=start,
        ended_at__lt=end,
    ).values_list("program_id", "mentee_id", "mentor__user_id"):
        people[program_id].add(mentee_id)
        if mentor_user_id is not None:
            people[program_id].add(mentor_user_id)
    for program_id, ids in people.items():
        title = _("Mentorships ended in %(month)s") % {"month": month.strftime("%Y-%m")}
        yield program_id, f"mentorship-ends-{month:%Y-%m}", title, sorted(ids)


def create_end_surveys(*, now: dt.datetime) -> int:
    """Create the NPS survey of every season that just ended, once; how many were new."""
    chosen = {
        s.program_id: s
        for s in FeedbackSettings.objects.filter(nps_at_end=True).select_related("program")
    }
    if not chosen:
        return 0
    today = timezone.localdate(now)
    first, last = timezone.localdate(now - WINDOW), today - dt.timedelta(days=1)
    by_kind: dict[str, list[Program]] = defaultdict(list)
    for s in chosen.values():
        by_kind[s.program.kind].append(s.program)
    found = []
    with override(None):  # titles in the site's language, as organisers' surveys are
        found += list(_circle_ends(by_kind.get("circle", []), first, last))
        coffee = {p.pk: chosen[p.pk] for p in by_kind.get("coffee", [])}
        if coffee:
            found += list(_coffee_ends(coffee, first, last))
        found += list(_mentorship_ends(by_kind.get("mentorship", []), today))
    known = set(
        Survey.objects.filter(
            program_id__in=list(chosen), end_key__in=[f[1] for f in found]
        ).values_list("program_id", "end_key")
    )
    created = 0
    for program_id, key, title, people in found:
        if (program_id, key) in known or not people:
            continue
        try:
            with transaction.atomic():
                survey = Survey.objects.create(
                    program_id=program_id,
                    kind=SurveyKind.NPS,
                    anonymity=Anonymity.ANONYMOUS,
                    cadence=SurveyCadence.ONCE,
                    title=title[:200],
                    opens_at=now,
                    closes_at=now + dt.timedelta(days=chosen[program_id].nps_days),
                    end_key=key,
                    audience=list(people),
                )
                _add_questions(survey, [q.as_fields() for q in bank.NPS_QUESTIONS])
        except IntegrityError:  # another tick created it at the same moment
            continue
        created += 1
    return created
