"""Saving an automatic assignment in the background (issue 19): confirming the plan starts a
job and returns; the job page shows progress, then sends the organiser on with the outcome;
a refusal shows the service's message; a second confirmation starts no second job."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from peerly.core import jobs
from peerly.core.models import AuditEvent
from peerly.core.models import Job
from peerly.core.models import JobStatus
from peerly.mentorship import services
from peerly.mentorship.models import Mentorship

pytestmark = pytest.mark.django_db


def _confirm(world, client: Client, *pairs: tuple[Mentorship, object]):  # type: ignore[no-untyped-def]
    url = reverse("mentorship:manage-auto-assign", kwargs={"slug": world.program.slug})
    return client.post(url, {"confirm": "1", "pair": [f"{ms.pk}:{m.pk}" for ms, m in pairs]})


@pytest.fixture
def organiser(world) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(world.organiser)
    return client


def test_confirming_returns_a_job_page_that_leads_to_the_assignments(
    world, organiser, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    pairs = ((world.apply(), world.mentor), (world.apply(world.other_mentee), world.other_mentor))
    with mock.patch.object(jobs, "_enqueue"):  # no worker yet: the job waits
        response = _confirm(world, organiser, *pairs)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.status == JobStatus.QUEUED and not Mentorship.objects.filter(status="assigned")
    page = organiser.get(response.url).content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page and "Assigning mentors" in page

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.run_job(job.pk) == JobStatus.DONE  # the worker
    job.refresh_from_db()
    assert job.done == job.total == 2
    assert Mentorship.objects.filter(status="assigned").count() == 2
    audits = AuditEvent.objects.filter(action="mentorship.assign")  # audited as before
    assert audits.count() == 2 and {a.actor for a in audits} == {world.organiser}

    done = organiser.get(response.url, follow=True)
    assert done.redirect_chain[-1][0].endswith("/manage/assign/")
    assert "2 applicants assigned." in done.content.decode()


def test_a_second_confirmation_while_the_job_runs_starts_no_second_one(world, organiser):  # type: ignore[no-untyped-def]
    ms, other = world.apply(), world.apply(world.other_mentee)
    with mock.patch.object(jobs, "_enqueue") as enqueue:
        first = _confirm(world, organiser, (ms, world.mentor), (other, world.other_mentor))
        again = _confirm(world, organiser, (ms, world.mentor), (other, world.other_mentor))
        Job.objects.update(status=JobStatus.RUNNING)  # a worker has it
        another_plan = _confirm(world, organiser, (ms, world.other_mentor))
    assert first.url == again.url == another_plan.url and Job.objects.count() == 1
    enqueue.assert_called_once()


def test_refusals_show_their_message(world, organiser, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    nothing = _confirm(world, organiser)  # no pair: refused at once, nothing started
    assert nothing.url.endswith("/manage/auto-assign/") and not Job.objects.exists()

    ms = world.apply()
    with mock.patch.object(jobs, "_enqueue"):
        response = _confirm(world, organiser, (ms, world.mentor))
    world.program.organisers.remove(world.organiser)  # no longer an organiser when it runs
    job = Job.objects.get()
    assert jobs.run_job(job.pk) == JobStatus.FAILED
    job.refresh_from_db()
    assert job.error == "Only this programme's organisers can do that."
    assert Mentorship.objects.get(pk=ms.pk).status == "submitted"
    # a pair refused by the service is reported with the outcome, not forced
    world.program.organisers.add(world.organiser)
    services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.other_mentor)
    with django_capture_on_commit_callbacks(execute=True):
        again = _confirm(world, organiser, (ms, world.mentor))
    assert again.url == response.url and Job.objects.get().status == JobStatus.DONE
    message = Job.objects.get().result["message"]
    assert message.startswith("0 applicants assigned. Application #") and str(ms.pk) in message


def test_a_run_cut_short_counts_the_pairs_already_in_place(
    world, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    from peerly.mentorship import jobs as mentorship_jobs

    ms, other = world.apply(), world.apply(world.other_mentee)
    with mock.patch.object(jobs, "_enqueue"):
        job, started = mentorship_jobs.start_batch(
            program=world.program,
            actor=world.organiser,
            pairs=[(ms.pk, world.mentor.pk), (other.pk, world.other_mentor.pk)],
        )
    assert started
    services.assign_mentor(actor=world.organiser, mentorship=ms, mentor=world.mentor)  # 1st run
    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.run_job(job.pk) == JobStatus.DONE
    job.refresh_from_db()
    assert job.result["message"] == "2 applicants assigned." and job.result["failed"] == 0
    assert AuditEvent.objects.filter(action="mentorship.assign").count() == 2  # once each
