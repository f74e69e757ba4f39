"""Background jobs: long work (CSV imports, match runs, exports) that a person starts from
a page and follows with a progress bar.

- ``models.Job``: one row per run, with its status, parameters, result and errors; at most
  one job per ``key`` is queued or running (a partial unique constraint), so a second run of
  the same work is refused.
- ``kinds``: what each kind of job does, registered by the apps (``hooks.JOB_KINDS``).
- ``services.job_start``: queue a job (after the transaction commits).
- ``runner``: the worker's side; the job's row is locked while it runs, so a sweeper can
  tell a live job from one whose worker died, and resume or fail it.
- ``progress``: how far a running job is, kept in Redis (never a row update per step).
- ``pages``: the job page the admin shows, its progress fragment and status JSON.
"""
