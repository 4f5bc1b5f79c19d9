"""The repeat-free schedules: every constructed (nearly) Kirkman system is checked pair by pair."""

from collections import Counter
from itertools import combinations

import pytest

from peerly.matching import designs
from peerly.matching import starters
from peerly.matching.designs import check_schedule
from peerly.matching.designs import kirkman
from peerly.matching.designs import nearly_kirkman
from peerly.matching.designs import round_robin


def _met(schedule):
    return Counter(p for r in schedule for g in r for p in combinations(sorted(g), 2))


def test_check_schedule_catches_a_repeat_and_a_missing_point():
    schedule = kirkman(15)
    assert check_schedule(15, schedule)
    a, b = schedule[0][0], schedule[0][1]
    swapped = [list(r) for r in schedule]
    # still a partition, but in a Kirkman system every new pair has met in another round
    swapped[0][0], swapped[0][1] = (a[0], a[1], b[2]), (b[0], b[1], a[2])
    assert not check_schedule(15, swapped)
    doubled = [list(r) for r in schedule]
    doubled[0][1] = a  # a's members twice, b's not at all
    assert not check_schedule(15, doubled)
    assert not check_schedule(15, schedule[:1] + schedule[:1])


KTS_ORDERS = sorted(set(range(3, starters.LIMIT + 1, 6)) | {v for v in starters.TABLE if v % 2})
NKTS_ORDERS = sorted(
    set(range(18, starters.LIMIT + 1, 6)) | {v for v in starters.TABLE if v % 2 == 0}
)


@pytest.mark.parametrize("n", KTS_ORDERS)
def test_kirkman_every_order_up_to_the_table_limit(n):
    schedule = kirkman(n)
    assert schedule is not None, n
    assert len(schedule) == (n - 1) // 2
    assert check_schedule(n, schedule)
    assert len(_met(schedule)) == n * (n - 1) // 2  # everyone meets everyone


@pytest.mark.parametrize("n", NKTS_ORDERS)
def test_nearly_kirkman_every_order_from_18(n):
    schedule = nearly_kirkman(n)
    assert schedule is not None, n
    assert len(schedule) == (n - 2) // 2
    assert check_schedule(n, schedule)
    met = _met(schedule)
    missed = Counter()
    for a, b in combinations(range(n), 2):
        if (a, b) not in met:
            missed[a] += 1
            missed[b] += 1
    assert sorted(missed.values()) == [1] * n  # each person misses exactly one partner


@pytest.mark.parametrize("n", [6, 12, 7, 10, 16])
def test_no_triad_design_where_none_is_known(n):
    assert designs.triads(n) is None


@pytest.mark.parametrize("n", [315, 405, 441, 567])
def test_products_beyond_the_table(n):
    assert n not in starters.TABLE and designs.algebraic_kirkman(n) is None
    schedule = kirkman(n)
    assert schedule is not None
    assert len(schedule) == (n - 1) // 2
    assert check_schedule(n, schedule)


def test_product_schedule_of_two_small_systems():
    a, b = kirkman(9), kirkman(15)
    schedule = designs.product_schedule(a, 9, b, 15)
    assert len(schedule) == (135 - 1) // 2
    assert check_schedule(135, schedule)


def test_table_entries_are_what_the_framework_says():
    for v, entry in starters.TABLE.items():
        fw = starters.framework_for(v)
        assert fw is not None and (fw.kind, fw.m) == (entry["kind"], entry["m"]), v
        assert all(len(base) == v for base in entry["base"]), v


def test_kirkman_returns_a_fresh_copy():
    first = kirkman(15)
    first[0].clear()
    assert kirkman(15)[0]


def test_round_robin():
    for n in (2, 4, 10, 20):
        schedule = round_robin(n)
        assert len(schedule) == n - 1 and check_schedule(n, schedule)
    assert round_robin(7) is None
