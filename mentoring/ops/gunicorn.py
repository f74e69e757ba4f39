"""Gunicorn settings: ``gunicorn -c python:mentoring.ops.gunicorn mentoring.wsgi:application``.

With ``PROMETHEUS_MULTIPROC_DIR`` set, every worker writes its metrics to that directory;
when a worker exits, its live values (gauges that only count while it runs) are dropped,
while its counters and histograms stay in the sums.
"""

import os

from prometheus_client import multiprocess

from mentoring.ops.metrics import process_identifier


def child_exit(server, worker) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(process_identifier(worker.pid))
