import datetime as dt
import time_machine
from peerly.rounds import services, emails, selectors
from peerly.rounds.models import RoundGroup

def test_smoke2(coffee, run):
    with time_machine.travel(dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC), tick=False):
        services.publish_round(program=coffee.program, actor=None)
        g = emails._groups()[0]
        m = g.members.all()[0]
        v = selectors.match_view(g, m.user)
        print(v["partners"], v["suggestions"], v["prompts"])
    assert 0
