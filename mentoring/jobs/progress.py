"""How far a running job is: kept in Redis (the cache), so that reporting progress never
writes to the job's row, which the running job holds locked. The work reports once per
batch (of 1,000 rows, a phase of a match run), so every report is written."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass

from django.core.cache import cache

from mentoring.resilience import OUTAGE_ERRORS

# What a long function accepts as ``progress=``: called with (done, total, phase).
Progress = Callable[[int, int, str], None]

KEEP_SECONDS = 24 * 3600


def unheard(done: int, total: int, phase: str) -> None:
    """The default ``progress=`` of long functions: nobody is following."""


def _key(job_id: int) -> str:
    return f"job-progress:{job_id}"


@dataclass(frozen=True)
class Snapshot:
    done: int
    total: int | None
    phase: str


class Reporter:
    """The ``progress`` callable handed to a job's work."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.last: Snapshot | None = None

    def __call__(self, done: int, total: int, phase: str) -> None:
        self.last = Snapshot(done=done, total=total, phase=phase)
        with suppress(*OUTAGE_ERRORS):  # progress is a courtesy: the job goes on without it
            cache.set(_key(self.job_id), (done, total, phase), KEEP_SECONDS)


def snapshot(job_id: int) -> Snapshot | None:
    value = cache.get(_key(job_id))
    if value is None:
        return None
    done, total, phase = value
    return Snapshot(done=done, total=total, phase=phase)


def forget(job_id: int) -> None:
    cache.delete(_key(job_id))
