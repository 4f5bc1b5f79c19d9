"""Migrations rounds/0002 and 0003: settings for every coffee programme, cadence and group size back on
the programme (the settings' copies were what the draws used)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("rounds", "0001_initial")]
AFTER = [("rounds", "0003_cadence_group_size_on_programme_only")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_settings_are_created_and_copies_go_back_to_the_programme():  # type: ignore[no-untyped-def]
    old = _migrate(BEFORE)
    program_model = old.get_model("programs", "Program")
    settings_model = old.get_model("rounds", "CoffeeSettings")
    drifted = program_model.objects.create(
        kind="coffee", name="Drifted", slug="drifted", cadence="monthly", group_size=2
    )
    settings_model.objects.create(program=drifted, cadence="weekly", group_size=3)
    bare = program_model.objects.create(
        kind="coffee", name="Bare", slug="bare", cadence="continuous", group_size=6
    )
    circle = program_model.objects.create(kind="circle", name="Circle", slug="circle")

    new = _migrate(AFTER)
    program_model = new.get_model("programs", "Program")
    settings_model = new.get_model("rounds", "CoffeeSettings")
    got = {
        p.slug: (p.cadence, p.group_size)
        for p in program_model.objects.filter(pk__in=[drifted.pk, bare.pk])
    }
    assert got == {"drifted": ("weekly", 3), "bare": ("monthly", 4)}
    assert set(settings_model.objects.values_list("program_id", flat=True)) == {
        drifted.pk,
        bare.pk,
    }
    assert not settings_model.objects.filter(program_id=circle.pk).exists()
    _migrate(BEFORE)  # and back: the copies are restored from the programme
    old_settings = _migrate(BEFORE).get_model("rounds", "CoffeeSettings")
    assert old_settings.objects.get(program_id=bare.pk).group_size == 4
    _migrate(AFTER)


@pytest.fixture(autouse=True)
def _back_to_the_latest_schema():  # type: ignore[no-untyped-def]
    """Going back to rounds 0001 also unapplies what depends on it (growth's migrations,
    which moved circles' action items); migrating forward to AFTER does not redo those. Every
    app goes back to its latest migration, or the flush after the test fails on PostgreSQL."""
    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
