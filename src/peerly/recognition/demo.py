"""Recognition for the demo community, written through the recognition services (so every
kudos, badge and certificate is audited like a real one), in the coffee programme:

* kudos between members, made public by their recipients so the programme's wall shows them,
  one of them to the demo member (and one from the demo member);
* the organiser switches the "first meeting held" and "five coffee rounds met" badge rules on
  and certificates for coffee rounds met; the rules and the due certificates are then
  evaluated as `peerly tick` does, so the demo member earns "First meeting held" (shown to
  fellow members, their choice) and a certificate with a working verification link;
* a testimonial by the demo member and a published celebration of the rounds so far.

The number of rounds a certificate needs is the demo member's own count of rounds met (at
most 3, at least 1), so a small community gets one too. Inside `muted()`: no kudos or
certificate email is queued. Only core members take part (the call comes before the bulk
members exist), so the cost does not grow with `--members`."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from peerly.accounts.models import User
from peerly.accounts.models import Visibility
from peerly.notifications.muting import muted
from peerly.programs.models import Enrollment
from peerly.programs.models import EnrollmentStatus
from peerly.programs.models import Program
from peerly.recognition import services
from peerly.recognition.models import Badge
from peerly.recognition.models import BadgeAward
from peerly.rounds.models import MET_ANSWERS
from peerly.rounds.models import GroupMember

TO_MEMBER = (
    "Thank you for the coffee chat last month: your tips on writing a first issue got me "
    "my first merged patch."
)
FROM_MEMBER = "Thanks for introducing me to the docs team, and for the patience with my questions."
BETWEEN = (
    "You listened for half an hour and then asked the one question that untangled it. Thank you!",
    "Thanks for showing me how the release checklist works, that saved me a day.",
    "Your story about moving from support to engineering gave me courage. Thank you.",
)
FROM_ORGANISER = "Thank you for welcoming three newcomers to their first coffee round."
TESTIMONIAL = (
    "Coffee Roulette is how I got to know people outside my team. Every round has been "
    "worth the half hour."
)
CELEBRATION_TITLE = "Coffee Roulette: the first rounds"
MAX_ROUNDS_FOR_CERTIFICATE = 3


def populate(
    *,
    organiser: User,
    member: User,
    coffee: Program,
    rng: random.Random,
    now: dt.datetime,
) -> dict[str, int]:
    """Kudos, badges, certificates, a testimonial and a celebration in `coffee`. Returns what
    was made, by name."""
    others = [
        e.user
        for e in Enrollment.objects.filter(program=coffee, status=EnrollmentStatus.ACTIVE)
        .exclude(user=member)
        .select_related("user")
        .order_by("pk")[:200]
    ]
    with muted():
        kudos = _kudos(organiser=organiser, member=member, coffee=coffee, others=others, rng=rng)
        met = GroupMember.objects.filter(
            round__program=coffee, user=member, answer__in=MET_ANSWERS
        ).count()
        services.update_settings(
            program=coffee,
            actor=organiser,
            rules=[Badge.FIRST_MEETING, Badge.FIVE_ROUNDS],
            certificates_enabled=True,
            coffee_rounds_for_certificate=max(1, min(met, MAX_ROUNDS_FOR_CERTIFICATE)),
        )
        badges = services.evaluate_rules(program=coffee, now=now)  # as `peerly tick` does
        certificates = services.issue_due_certificates(program=coffee, now=now)
        award = BadgeAward.objects.filter(
            program=coffee, user=member, badge=Badge.FIRST_MEETING
        ).first()
        if award is not None:  # the demo member shows it to fellow members
            services.set_badge_visibility(
                award=award, actor=member, visibility=Visibility.PROGRAMMES
            )
        services.add_testimonial(author=member, program=coffee, text=TESTIMONIAL)
        services.publish_celebration(
            program=coffee,
            actor=organiser,
            title=CELEBRATION_TITLE,
            starts_on=coffee.starts_on or now.date() - dt.timedelta(days=120),
            ends_on=now.date(),
        )
    return {"kudos": kudos, "badges": badges, "certificates": certificates}


def _kudos(
    *,
    organiser: User,
    member: User,
    coffee: Program,
    others: Sequence[User],
    rng: random.Random,
) -> int:
    """Public kudos on the wall: to and from the demo member, a few between others, one from
    the organiser. Each made public by its recipient."""
    if len(others) < 2:
        return 0
    picked = rng.sample(list(others), min(len(others), 2 + 2 * len(BETWEEN)))
    sends = [(picked[0], member, TO_MEMBER), (member, picked[1], FROM_MEMBER)]
    rest = picked[2:]
    for index, message in enumerate(BETWEEN):
        if 2 * index + 1 < len(rest):
            sends.append((rest[2 * index], rest[2 * index + 1], message))
    sends.append((organiser, picked[-1], FROM_ORGANISER))
    for sender, recipient, message in sends:
        item = services.send_kudos(
            sender=sender, program=coffee, recipient=recipient, message=message
        )
        services.set_kudos_public(kudos=item, actor=recipient, public=True)
    return len(sends)
