"""Matching's background job: a match run, which scores every pair of a large program."""

from __future__ import annotations

from django.urls import reverse

from mentoring.jobs.kinds import JobFailed, JobKind, JobResult
from mentoring.jobs.models import Job
from mentoring.jobs.progress import Progress
from mentoring.jobs.services import job_start
from mentoring.ops import metrics
from programs.models import Program

from . import services

MATCH_RUN = "match_run"


def match_run_queue(*, actor, program: Program, weights: dict) -> Job:
    """Check the run can start (the program is matching, a criterion is on), then queue
    it: a refusal comes at once, on the form, not minutes later on the job's page."""
    chosen = services.match_run_weights(program, weights)
    return job_start(
        kind=MATCH_RUN,
        key=f"match-run:{program.pk}",
        label=f"Match run for “{program}”",
        actor=actor,
        params={"program": program.pk, "weights": {str(k): str(v) for k, v in chosen.items()}},
    )


def _run(job: Job, progress: Progress) -> JobResult:
    program = Program.objects.filter(pk=job.params["program"]).first()
    if program is None:
        raise JobFailed(["The program was deleted before the run could start."])
    run = services.match_run_start(
        organization=job.organization,
        actor=job.started_by.user if job.started_by else None,
        program=program,
        weights=job.params["weights"],
        progress=progress,
    )
    metrics.MATCH_RUN_SECONDS.observe(run.seconds)
    return JobResult(
        summary=f"Draft ready in {run.seconds:.1f} s: review the pairs, change what you "
        "need, then approve it.",
        url=reverse("admin:matching_matchrun_change", args=[run.pk]),
    )


KIND = JobKind(
    kind=MATCH_RUN,
    label="Match run",
    run=_run,
    unit="steps",
    failure="No draft was made.",
    result_label="Review the draft",
    again=lambda job: f"{reverse('admin:matching_matchrun_start')}?program={job.params['program']}",
    again_label="Start a run again",
    follow_result=True,
)
