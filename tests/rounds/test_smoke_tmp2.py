import datetime as dt
import time_machine
from django.utils import timezone
from peerly.rounds import services

def test_smoke2(coffee, run):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC), tick=False):
        now = timezone.now()
        print(now)
        s = services.get_settings(coffee.program)
        print(s.auto_publish, services.schedule.last_slot(services.cadence_of(s), now))
        print(services.publish_due_rounds(now=now))
    assert 0
