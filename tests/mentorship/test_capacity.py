"""Capacity is enforced under lock and by the database: a full mentor takes nobody else."""

from __future__ import annotations

import threading

import pytest
from django.db import IntegrityError
from django.db import close_old_connections
from django.db import connection
from django.db import transaction

from peerly.core.errors import ServiceError
from peerly.mentorship import services
from peerly.mentorship.models import MentorProfile
from peerly.mentorship.models import Mentorship
from tests.factories import UserFactory
from tests.mentorship.conftest import make_mentor


@pytest.mark.django_db
def test_full_mentor_is_refused(world):
    world.mentor.capacity = 1
    world.mentor.save()
    world.reach("assigned")
    second = world.apply(world.other_mentee)
    with pytest.raises(ServiceError, match="no free place"):
        services.assign_mentor(actor=world.organiser, mentorship=second, mentor=world.mentor)
    assert Mentorship.objects.get(pk=second.pk).status == "submitted"


@pytest.mark.django_db
def test_not_accepting_mentor_is_refused(world):
    world.mentor.is_accepting = False
    world.mentor.save()
    ms = world.apply()
    with pytest.raises(ServiceError, match="not accepting"):
        services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)


@pytest.mark.django_db
def test_database_constraint_is_the_backstop(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        MentorProfile.objects.filter(pk=world.mentor.pk).update(load=3)


@pytest.mark.django_db
def test_capacity_cannot_drop_below_load(world):
    world.reach("active")
    with pytest.raises(ServiceError, match="cannot go below"):
        services.update_mentor_profile(
            actor=world.mentor.user,
            profile=world.mentor,
            expertise="",
            languages="",
            capacity=0,
            is_accepting=True,
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_assignments_race_for_the_last_place(world):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")
    mentor = make_mentor(world.program, capacity=1)
    applications = [world.apply(UserFactory()) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[str] = []

    def run(ms: Mentorship) -> None:
        try:
            barrier.wait(timeout=10)
            services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=mentor)
            results.append("ok")
        except ServiceError as exc:
            results.append(exc.message)
        finally:
            close_old_connections()
            connection.close()  # each thread has its own connection: give it back

    threads = [threading.Thread(target=run, args=(ms,)) for ms in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results.count("ok") == 1, results
    assert any("no free place" in r for r in results)
    assert Mentorship.objects.filter(mentor=mentor, status="assigned").count() == 1
    assert MentorProfile.objects.get(pk=mentor.pk).load == 1
