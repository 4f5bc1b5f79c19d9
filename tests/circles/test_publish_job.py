"""Publishing a season in the background (issue 19): the Publish button starts a job and
returns; the job page shows progress (meta refresh without JavaScript, JSON for fetch), then
sends the organiser on with the outcome; a refusal shows the service's message."""

from __future__ import annotations

from unittest import mock

import pytest

from peerly.circles.models import Season
from peerly.core import jobs
from peerly.core.models import AuditEvent
from peerly.core.models import Job
from peerly.core.models import JobStatus

pytestmark = pytest.mark.django_db
URL = "/programs/circles/circles/manage/form/"
DATA = {"number": 1, "seed": 1, "starts_on": "2030-01-07", "strategy": "random"}


def test_publish_returns_a_job_page_that_leads_to_the_circles(
    organiser, add_members, client, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    add_members(6)
    client.force_login(organiser)
    with mock.patch.object(jobs, "_enqueue"):  # no worker yet: the job waits
        response = client.post(URL, DATA)
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == f"/jobs/{job.pk}/"
    assert job.kind == "circles.publish" and job.status == JobStatus.QUEUED
    assert not Season.objects.exists()

    page = client.get(response.url).content.decode()  # waiting: reloads itself, loads the poller
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "Publishing season 1" in page and "peerly/job-progress.js" in page
    state = client.get(response.url + "?format=json").json()
    assert state["status"] == "queued" and state["finished"] is False

    with django_capture_on_commit_callbacks(execute=True):
        assert jobs.run_job(job.pk) == JobStatus.DONE  # the worker
    season = Season.objects.get()
    assert season.circles.count() == 2 and season.published_by == organiser
    audit = AuditEvent.objects.get(action="circles.season.publish")  # audited as before
    assert audit.actor == organiser and audit.object_id == str(season.pk)

    state = client.get(response.url + "?format=json").json()
    assert state["finished"] is True and state["url"].endswith("/circles/manage/")
    done = client.get(response.url, follow=True)  # done: on to the circles, with the message
    assert done.redirect_chain[-1][0] == state["url"]
    assert "Season 1 published: 2 circles." in done.content.decode()


def test_a_second_post_while_the_job_runs_starts_no_second_one(organiser, add_members, client):  # type: ignore[no-untyped-def]
    add_members(3)
    client.force_login(organiser)
    with mock.patch.object(jobs, "_enqueue") as enqueue:
        first = client.post(URL, DATA)
        Job.objects.update(status=JobStatus.RUNNING)  # a worker has it
        second = client.post(URL, {**DATA, "seed": 2})  # even with another draw
    assert first.url == second.url and Job.objects.count() == 1
    enqueue.assert_called_once()
    assert not Season.objects.exists()


def test_a_refused_draw_fails_the_job_with_the_service_message(
    organiser, add_members, client, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    add_members(3, windows=())  # nobody has any availability: no circle can be formed
    client.force_login(organiser)
    stale = client.post(URL, {**DATA, "number": 3})  # an out-of-date form: refused at once
    assert stale.status_code == 200 and "next season is number 1" in stale.content.decode()
    assert not Job.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, DATA)
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and not Season.objects.exists()
    assert job.error == "No circle can be formed: see the reasons in the preview."
    page = client.get(response.url).content.decode()
    assert job.error in page and "http-equiv" not in page  # finished: no more reloading

    add_members(3)  # fixed: starting again restarts the same job
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(URL, DATA)
    assert again.url == response.url and Job.objects.count() == 1
    assert Job.objects.get().status == JobStatus.DONE and Season.objects.count() == 1
