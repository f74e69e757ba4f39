"""What each kind of job does. An app registers its kinds in its ``hooks.py``::

    hooks.register(hooks.JOB_KINDS, JobKind(kind="enrolment_import", run=..., ...))

``run(job, progress)`` does the work inside ``activate(job.organization)`` and one
transaction, and returns a ``JobResult``; raising ``JobFailed`` (or ``ValidationError``)
fails the job with its errors and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mentoring import hooks

if TYPE_CHECKING:
    from .models import Job
    from .progress import Reporter


@dataclass(frozen=True)
class JobResult:
    summary: str
    url: str = ""  # where the result is (a page), if anywhere
    file: bytes | None = None  # a file to download from the job page
    filename: str = ""


class JobFailed(Exception):
    """The job cannot be done, for reasons the person can act on (every error of a file)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class JobKind:
    kind: str
    label: str  # what the job list calls jobs of this kind
    run: Callable[[Job, Reporter], JobResult]
    unit: str = "rows"  # what ``done`` and ``total`` count
    failure: str = "Nothing was changed."  # the summary of a job that failed
    result_label: str = "Open the result"
    # Where to go to start it again, from the job page (a function of the job).
    again: Callable[[Job], str] | None = None
    again_label: str = "Start again"
    follow_result: bool = False  # the page moves on to the result when done
    audience: str = "managers"  # "managers": the organization's admin; "operator": the platform's


def kinds() -> dict[str, JobKind]:
    return {kind.kind: kind for kind in hooks.get_hooks(hooks.JOB_KINDS)}


def kind_of(job: Job) -> JobKind:
    return kinds()[job.kind]


def people(count: int) -> str:
    """ "1 person", "12 people": for a job's summary."""
    return f"{count} person" if count == 1 else f"{count} people"
