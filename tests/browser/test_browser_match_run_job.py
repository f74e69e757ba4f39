"""A match run in Chromium with a real Celery worker: the manager starts it, lands on the
job's page (waiting for a worker), watches the page update itself without a reload as
the worker runs it (the phase, "0 of 2 steps", a progress bar), and is taken to the
draft's review page by the page itself when the worker is done. The other organization's
manager cannot open the job. Accessible (axe); the running job's page for
docs/screenshots/job-progress.png.

Another database session holds the draft's table against writes, so the worker waits at
its first draft row as long as the test likes: the bar is caught mid-run every time."""

from __future__ import annotations

import re
import threading

import pytest
from playwright.sync_api import expect

from matching.models import MatchProposal, MatchRun
from mentoring.jobs.models import Job, JobStatus
from mentoring.tenancy import activate
from tests.builders.browser import (
    assert_accessible,
    mark_window,
    org_url,
    screenshot,
    sign_in,
    window_was_not_reloaded,
)
from tests.builders.cohort import make_cohort
from tests.builders.jobs import TableLock
from tests.builders.world import build_world
from tests.notifications import workers as worker_processes
from tests.notifications.conftest import broker, workers  # noqa: F401  (fixtures)
from tests.notifications.workers import eager, wait_until

# A real worker: the serial part of the suite (SUITE_PARTS), never the parallel one.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

JOB_PAGE = re.compile(r"/admin/mentoring/job/(\d+)/change/$")
REVIEW_PAGE = re.compile(r"/admin/matching/matchrun/(\d+)/change/$")


class Starting(threading.Thread):
    """``workers.start()`` in a thread; ``join()`` re-raises what it raised."""

    def __init__(self, pool):
        super().__init__(daemon=True)
        self.workers = pool
        self.error: BaseException | None = None
        self.start()

    def run(self) -> None:
        try:
            self.workers.start()
        except BaseException as error:  # handed to the test by join()
            self.error = error

    def join(self, timeout: float | None = 200) -> None:
        super().join(timeout)
        if self.is_alive():
            raise AssertionError(f"the worker never answered\n{self.workers.output()}")
        if self.error is not None:
            raise self.error


def test_a_manager_follows_a_match_run_on_its_progress_bar_until_the_draft_opens(
    page,
    other_page,
    live_server,
    broker,  # noqa: F811
    workers,  # noqa: F811
    monkeypatch,
):
    with eager(True):  # the world's own emails are sent here, not queued for the worker
        world = build_world()
        acme = world.acme
        cohort = make_cohort(acme, name="Listening that lands")
    program = cohort.program

    manager = page
    sign_in(manager, live_server, "acme", acme.manager.email)
    manager.goto(
        org_url(live_server, "acme", f"/admin/matching/matchrun/start/?program={program.pk}")
    )
    expect(manager.get_by_label("Program")).to_have_value(str(program.pk))

    lock = TableLock(MatchProposal)
    try:
        # No worker yet: the run waits in the queue, and the page says so.
        manager.get_by_role("button", name="Compute the draft").click()
        manager.wait_for_url(JOB_PAGE)
        job_id = int(JOB_PAGE.search(manager.url).group(1))
        expect(manager.get_by_role("heading", level=1)).to_contain_text(
            "Match run for “Listening that lands”"
        )
        progress = manager.locator("#job-progress")
        expect(progress.get_by_role("status")).to_contain_text("Waiting for a worker")
        with activate(acme.organization):
            assert Job.objects.get(pk=job_id).status == JobStatus.QUEUED  # not run in the request
        mark_window(manager)

        # The other organization's manager cannot follow it.
        sign_in(other_page, live_server, "globex", world.globex.manager.email)
        for path in (
            f"/admin/mentoring/job/{job_id}/change/",
            f"/admin/mentoring/job/{job_id}/progress/",
            f"/admin/mentoring/job/{job_id}/status.json",
        ):
            response = other_page.goto(org_url(live_server, "globex", path))
            assert response.status == 404, path
            assert "Listening that lands" not in other_page.content(), path

        # A worker takes it; it scores the pairs and waits at the first draft row. One
        # process (solo pool) answers the start-up ping only once the run is over, so it
        # is started beside the test, which goes on meanwhile.
        monkeypatch.setattr(worker_processes, "READY_SECONDS", 180)
        starting = Starting(workers)
        wait_until(lock.someone_waits, "the run to reach its first draft row", 90, workers)
        expect(progress.get_by_role("status")).to_contain_text(
            "Writing the draft: 0 of 2 steps (0 %)"
        )
        bar = progress.get_by_role("progressbar", name="Progress")
        expect(bar).to_have_attribute("max", "2")
        expect(bar).to_have_attribute("value", "0")
        assert window_was_not_reloaded(manager)  # htmx swapped the fragment in
        assert_accessible(manager)
        screenshot(manager, "job-progress")
    finally:
        lock.release()

    # The worker finishes; the job's page opens the draft by itself.
    starting.join()
    manager.wait_for_url(REVIEW_PAGE, timeout=30_000)
    expect(manager.locator("#swap-pairs")).to_be_visible()
    with activate(acme.organization):
        run = MatchRun.objects.get(program=program)
        assert int(REVIEW_PAGE.search(manager.url).group(1)) == run.pk
        assert MatchProposal.objects.filter(run=run).count() == 2
        job = Job.objects.get(pk=job_id)
    assert (job.status, job.done, job.total) == (JobStatus.DONE, 2, 2)
