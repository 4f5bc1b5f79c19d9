"""Publishing in the background (issue 19): the Publish button starts a job and returns; the
job page shows progress (meta refresh without JavaScript, JSON for fetch); the draw happens
once however many clicks or workers; a worker killed mid-way loses nothing and sends nothing
twice when the job runs again."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from peerly.core import jobs
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.notifications import services as notification_services
from peerly.notifications.models import OutboundEmail
from peerly.notifications.rendering import EmailTemplate
from peerly.rounds import emails
from peerly.rounds import jobs as round_jobs
from peerly.rounds.models import GroupMember
from peerly.rounds.models import Round
from tests.factories import UserFactory
from tests.rounds.conftest import make_member

NOW = dt.datetime(2026, 2, 2, 9, 5, tzinfo=dt.UTC)


@pytest.fixture
def frozen():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False):
        yield


def _client(user):  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _published_keys() -> Counter[str]:
    return Counter(
        OutboundEmail.objects.filter(key__startswith="round-").values_list("key", flat=True)
    )


def test_publish_returns_a_job_page_that_leads_to_the_round(coffee, frozen, run):  # type: ignore[no-untyped-def]
    client = _client(coffee.organiser)
    publish_url = reverse("rounds:publish", args=[coffee.program.slug])
    with mock.patch.object(jobs, "_enqueue"):  # no worker yet: the job waits
        response = client.post(publish_url, {"number": 1, "seed": 5})
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.QUEUED and not Round.objects.exists()

    page = client.get(response.url)  # waiting: the page reloads itself and loads the poller
    body = page.content.decode()
    assert page.status_code == 200
    assert '<meta http-equiv="refresh" content="2">' in body
    assert "peerly/job-progress.js" in body and "<script>" not in body
    state = client.get(response.url + "?format=json").json()
    assert state["status"] == "queued" and state["finished"] is False

    mail.outbox.clear()
    assert run(jobs.run_job, job.pk) == JobStatus.DONE  # the worker
    job.refresh_from_db()
    round_ = Round.objects.get()
    assert round_.seed == 5 and job.result["round_id"] == round_.pk
    assert job.done == job.total == 7  # every member's email, counted as it was written
    assert len(mail.outbox) == 7 and len(_published_keys()) == 7

    state = client.get(response.url + "?format=json").json()
    assert state["finished"] is True and state["url"].endswith("/manage/rounds/1/")
    done = client.get(response.url)  # done: on to the round, with the message
    assert done.status_code == 302 and done.url == state["url"]
    assert "Round 1 is published" in client.get(done.url).content.decode()


def test_end_to_end_with_the_immediate_backend(coffee, frozen, run):  # type: ignore[no-untyped-def]
    client = _client(coffee.organiser)
    response = run(
        client.post, reverse("rounds:publish", args=[coffee.program.slug]), {"number": 1, "seed": 5}
    )
    assert client.get(response.url).status_code == 302  # finished by the time we look
    assert Round.objects.count() == 1 and len(mail.outbox) == 7
    # every published email carries its group's suggested times, made when it was sent
    ada = next(m for m in mail.outbox if m.to == [coffee.members["Ada"].email])
    assert [a[0] for a in ada.attachments] == [
        f"coffee-suggestion-{i}.ics" for i in range(1, len(ada.attachments) + 1)
    ]
    assert all(a[1].startswith("BEGIN:VCALENDAR") for a in ada.attachments)


def test_two_clicks_give_one_job_and_one_round(coffee, frozen, run):  # type: ignore[no-untyped-def]
    client = _client(coffee.organiser)
    url = reverse("rounds:publish", args=[coffee.program.slug])
    first = run(client.post, url, {"number": 1, "seed": 5})
    second = run(client.post, url, {"number": 1, "seed": 5})
    assert first.url == second.url and Job.objects.count() == 1
    assert Round.objects.count() == 1 and max(_published_keys().values()) == 1
    assert len(mail.outbox) == 7


def test_a_killed_worker_loses_nothing_and_sends_nothing_twice(coffee, frozen, run):  # type: ignore[no-untyped-def]
    for i in range(13):
        make_member(coffee.program, f"Extra{i}", tz="Europe/Paris")
    job, _ = round_jobs.start_publish(
        program=coffee.program, actor=coffee.organiser, number=1, seed=3
    )
    real_batch = notification_services._queue_batch
    batches = []

    def dies_after_two_batches(batch, templates):  # type: ignore[no-untyped-def]
        if len(batches) == 2:
            raise SystemExit("worker killed")  # not an Exception: nothing marks the job
        batches.append(len(batch))
        return real_batch(batch, templates)

    with (
        mock.patch.object(notification_services, "_queue_batch", dies_after_two_batches),
        mock.patch.object(notification_services, "QUEUE_BATCH", 5),
        mock.patch.object(
            emails,
            "queue_emails",
            lambda items, on_batch=None: notification_services.queue_emails(
                items, batch_size=5, on_batch=on_batch
            ),
        ),
        pytest.raises(SystemExit),
    ):
        run(jobs.run_job, job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # as a dead worker leaves it
    assert Round.objects.count() == 1 and len(_published_keys()) == 10
    sent_before = len(mail.outbox)

    assert jobs.requeue_stale_jobs() == 0  # still fresh: maybe the worker is alive
    assert jobs.run_job(job.pk) == JobStatus.RUNNING  # and nobody else may run it meanwhile
    later = NOW + jobs.STALE_AFTER + dt.timedelta(minutes=1)
    with time_machine.travel(later, tick=False):
        with mock.patch.object(jobs, "_enqueue") as enqueue:
            assert jobs.requeue_stale_jobs() == 1
        enqueue.assert_called_once_with(job.pk)
        assert run(jobs.run_job, job.pk) == JobStatus.DONE
    assert Round.objects.count() == 1 and GroupMember.objects.count() == 20
    keys = _published_keys()
    assert len(keys) == 20 and max(keys.values()) == 1
    recipients = Counter(m.to[0] for m in mail.outbox)
    assert len(mail.outbox) - sent_before == 10 and max(recipients.values()) == 1


def test_refusals_show_at_once_or_fail_the_job_with_their_message(coffee, frozen, run):  # type: ignore[no-untyped-def]
    client = _client(coffee.organiser)
    url = reverse("rounds:publish", args=[coffee.program.slug])
    stale = run(client.post, url, {"number": 3, "seed": 1})  # an out-of-date preview
    assert stale.url.endswith("/preview/") and not Job.objects.exists()

    job, _ = round_jobs.start_publish(
        program=coffee.program, actor=coffee.organiser, number=1, seed=1
    )
    coffee.program.status = "closed"
    coffee.program.save()
    assert jobs.run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "Only active programmes run rounds." and not Round.objects.exists()
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "Only active programmes run rounds." in page and "http-equiv" not in page

    coffee.program.status = "active"
    coffee.program.save()
    again, started = round_jobs.start_publish(
        program=coffee.program, actor=coffee.organiser, number=1, seed=1
    )
    assert started and again.pk == job.pk and again.status == JobStatus.QUEUED
    assert run(jobs.run_job, job.pk) == JobStatus.DONE and Round.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("member", 403),
        ("other_organiser", 403),
        ("organiser", 200),
        ("admin", 200),
    ],
)
def test_job_page_permissions(personas, persona, status):  # type: ignore[no-untyped-def]
    with mock.patch.object(jobs, "_enqueue"):
        job, _ = round_jobs.start_publish(
            program=personas.program, actor=personas.organiser, number=1, seed=1
        )
    for suffix in ("", "?format=json"):
        response = personas.client(persona).get(f"/jobs/{job.pk}/{suffix}")
        assert response.status_code == status, (persona, suffix)


def test_an_unknown_job_is_404(personas):  # type: ignore[no-untyped-def]
    assert personas.client("organiser").get("/jobs/999/").status_code == 404


def test_bulk_queueing_loads_each_template_once(coffee, frozen, run):  # type: ignore[no-untyped-def]
    for i in range(11):
        make_member(coffee.program, f"Bulk{i}")
    round_, _ = run(
        round_jobs.services.publish_round, program=coffee.program, actor=None, notify=False
    )
    with mock.patch.object(EmailTemplate, "load", wraps=EmailTemplate.load) as load:
        run(emails.round_published, round_)
        run(emails.round_published, round_)  # again: nothing new, nothing rendered
    assert load.call_count == 1  # 18 members, one template (the second run renders nothing)
    assert len(_published_keys()) == 18 == len(mail.outbox)


def test_a_different_organiser_started_job_is_visible_to_co_organisers(coffee, frozen):  # type: ignore[no-untyped-def]
    other = UserFactory()
    coffee.program.organisers.add(other)
    with mock.patch.object(jobs, "_enqueue"):
        job, _ = round_jobs.start_publish(
            program=coffee.program, actor=coffee.organiser, number=1, seed=1
        )
    assert _client(other).get(f"/jobs/{job.pk}/?format=json").json()["status"] == "queued"


def test_tick_reminder_queries_do_not_grow_with_members(coffee, frozen, run):  # type: ignore[no-untyped-def]
    """The tick claims and tells due members in batches: 40 more members, no more queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from peerly.rounds import services
    from tests.factories import ProgramFactory

    big = ProgramFactory(slug="big-coffee", cadence="monthly", starts_on=dt.date(2026, 1, 1))
    for i in range(48):
        make_member(big, f"Many{i}", tz="Europe/Paris")
    counts = {}
    for program in (coffee.program, big):
        round_, _ = run(services.publish_round, program=program, actor=None)
        due = dt.datetime.combine(round_.meet_by, dt.time(9), tzinfo=dt.UTC)
        with CaptureQueriesContext(connection) as queries:  # the tick's part (not sending)
            sent = services.send_reminders(now=due, program=program)
        queued = OutboundEmail.objects.filter(key__startswith="round-reminder:").filter(
            user__coffee_memberships__round=round_
        )
        assert sent == GroupMember.objects.filter(round=round_).count() == queued.count()
        counts[program.slug] = len(queries)
        assert run(services.send_reminders, now=due, program=program) == 0  # once only
    assert counts["big-coffee"] <= counts["coffee"] + 1, counts
