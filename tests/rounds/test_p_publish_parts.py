"""A large round's emails are written in parts that several workers share (issue 19): the
same emails, once each, progress summed over the parts, a part whose worker died taken over,
a failed part failing the job until it is started again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.core import mail

from peerly.core import jobs
from peerly.core.errors import ServiceError
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.notifications.models import OutboundEmail
from peerly.rounds import emails
from peerly.rounds import jobs as round_jobs
from peerly.rounds import services
from peerly.rounds.models import GroupMember
from peerly.rounds.models import RoundGroup
from tests.rounds.conftest import make_member

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)
PART = 4  # emails per part here: 20 members make 5 parts


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def big(coffee):  # type: ignore[no-untyped-def]
    for i in range(13):
        make_member(coffee.program, f"Extra{i}", tz="Europe/Paris")
    with mock.patch.object(emails, "PART_EMAILS", PART):
        yield coffee


def _start(coffee):  # type: ignore[no-untyped-def]
    job, _ = round_jobs.start_publish(
        program=coffee.program, actor=coffee.organiser, number=1, seed=3
    )
    return job


def _keys() -> Counter[str]:
    return Counter(
        OutboundEmail.objects.filter(key__startswith="round-").values_list("key", flat=True)
    )


def _parts(job: Job) -> list[Job]:
    return list(Job.objects.filter(key__startswith=f"{job.key}/").order_by("pk"))


def test_parts_cover_every_group_once_in_order(big, frozen, run):  # type: ignore[no-untyped-def]
    round_, _ = run(services.publish_round, program=big.program, actor=None, notify=False)
    parts = emails.published_parts(round_)
    numbers = sorted(RoundGroup.objects.filter(round=round_).values_list("number", flat=True))
    covered = [n for p in parts for n in range(p["groups"][0], p["groups"][1] + 1)]
    assert covered == numbers and len(parts) == 5
    assert [p["unmatched"] for p in parts] == [False] * 4 + [True]
    assert sum(p["emails"] for p in parts) == emails.published_email_count(round_) == 20
    assert emails.published_parts(round_) == parts  # the same parts on every run
    assert len(emails.published_parts(round_, size=10_000)) == 1  # small: one part, no split


def test_one_worker_alone_writes_every_part(big, frozen, run):  # type: ignore[no-untyped-def]
    job = _start(big)
    assert run(jobs.run_job, job.pk) == JobStatus.DONE
    job.refresh_from_db()
    parts = _parts(job)
    assert len(parts) == 5 and {p.status for p in parts} == {JobStatus.DONE}
    assert [p.key for p in parts] == [f"{job.key}/{i}of5" for i in range(1, 6)]
    assert job.done == job.total == 20 == sum(p.done for p in parts)  # progress: the sum
    keys = _keys()
    assert len(keys) == 20 and max(keys.values()) == 1
    recipients = Counter(m.to[0] for m in mail.outbox)
    assert len(recipients) == 20 and max(recipients.values()) == 1
    assert GroupMember.objects.count() == 20


def test_a_part_another_worker_runs_is_waited_for(big, frozen, run):  # type: ignore[no-untyped-def]
    job = _start(big)
    real_start = jobs.start_job
    elsewhere: list[int] = []

    def start_job(**kwargs):  # type: ignore[no-untyped-def]
        part, started = real_start(**kwargs)
        if kwargs["key"].endswith("/2of5"):  # another worker claims part 2 at once
            Job.objects.filter(pk=part.pk).update(status=JobStatus.RUNNING, heartbeat_at=NOW)
            elsewhere.append(part.pk)
        return part, started

    def sleep(seconds):  # type: ignore[no-untyped-def]
        # meanwhile the other worker finishes its part
        Job.objects.filter(pk=elsewhere[0]).update(status=JobStatus.QUEUED)
        assert jobs.run_job(elsewhere[0]) == JobStatus.DONE

    with (
        mock.patch.object(jobs, "start_job", start_job),
        mock.patch.object(jobs.time, "sleep", side_effect=sleep) as slept,
    ):
        assert run(jobs.run_job, job.pk) == JobStatus.DONE
    assert slept.call_count == 1  # this worker waited once for part 2, then was done
    keys = _keys()
    assert len(keys) == 20 and max(keys.values()) == 1
    job.refresh_from_db()
    assert job.done == job.total == 20


def test_a_part_whose_worker_died_is_taken_over(big, frozen, run):  # type: ignore[no-untyped-def]
    job = _start(big)
    real = emails.round_published
    parts: list[dict] = []

    def dies_in_part_4(round_, **kwargs):  # type: ignore[no-untyped-def]
        parts[:] = parts or emails.published_parts(round_)
        if kwargs.get("groups") == parts[3]["groups"]:
            raise SystemExit("worker killed")  # not an Exception: nothing marks the jobs
        return real(round_, **kwargs)

    with mock.patch.object(emails, "round_published", dies_in_part_4), pytest.raises(SystemExit):
        jobs.run_job(job.pk)  # (the other workers' copies of the parts stay in the queue)
    before = _keys()
    assert len(before) == sum(p["emails"] for p in parts[:3])  # parts 1–3
    assert [p.status for p in _parts(job)] == [JobStatus.DONE] * 3 + [
        JobStatus.RUNNING,  # as a dead worker leaves it
        JobStatus.QUEUED,
    ]
    assert jobs.run_job(job.pk) == JobStatus.RUNNING  # still fresh: nobody else takes it
    sent = len(mail.outbox)

    with time_machine.travel(NOW + jobs.STALE_AFTER + dt.timedelta(minutes=1), tick=False):
        with mock.patch.object(jobs, "_enqueue") as enqueue:
            # the job, its part 4 (worker dead) and part 5 (queued, never run)
            assert jobs.requeue_stale_jobs() == 3
        assert enqueue.call_count == 3
        assert run(jobs.run_job, job.pk) == JobStatus.DONE
    keys = _keys()
    assert len(keys) == 20 and max(keys.values()) == 1
    assert len(mail.outbox) - sent == 20 - len(before)  # only the missing ones
    assert max(Counter(m.to[0] for m in mail.outbox).values()) == 1


def test_a_failed_part_fails_the_job_until_it_is_started_again(big, frozen, run):  # type: ignore[no-untyped-def]
    job = _start(big)
    real = emails.round_published

    parts: list[dict] = []

    def refuses_part_2(round_, **kwargs):  # type: ignore[no-untyped-def]
        parts[:] = parts or emails.published_parts(round_)
        if kwargs.get("groups") == parts[1]["groups"]:
            raise ServiceError("The mail server said no.")
        return real(round_, **kwargs)

    with mock.patch.object(emails, "round_published", refuses_part_2):
        assert run(jobs.run_job, job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "The mail server said no."
    statuses = [p.status for p in _parts(job)]
    # the other parts were written all the same; the job fails with the refusal
    assert statuses == [JobStatus.DONE, JobStatus.FAILED] + [JobStatus.DONE] * 3
    sent = len(_keys())

    job = _start(big)  # the organiser starts it again: the failed part runs again
    status = run(jobs.run_job, job.pk)
    job.refresh_from_db()
    assert status == JobStatus.DONE, job.error
    assert {p.status for p in _parts(job)} == {JobStatus.DONE}
    keys = _keys()
    assert sent == 20 - parts[1]["emails"] and len(keys) == 20 and max(keys.values()) == 1
