import datetime as dt
import time_machine
from django.core import mail
from peerly.rounds.ticks import tick
from peerly.rounds.models import Round, RoundGroup

def test_smoke(coffee, run):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC), tick=False):
        counts = run(tick)
        print(counts)
        r = Round.objects.get()
        for g in RoundGroup.objects.all():
            print(g.number, [m.user.name for m in g.members.all()], g.suggestions, g.reasons)
        print(len(mail.outbox), mail.outbox[0].subject)
        print(mail.outbox[0].body)
        print(run(tick))
    assert 0
