"""The production WSGI application with a query count on every answer, for benchmarks.

``bench.counted_web:application`` is ``mentoring.wsgi.application`` wrapped so that every
response carries ``X-Bench-Queries``: the number of SQL statements the request ran, on
every database alias. The answer is buffered to add the header after the view has run
(fine for pages; do not measure streaming downloads through it). ``count_queries`` is the
same counter for code run in the bench's own process.

``python -m bench.counted_web worker ...`` is ``celery -A mentoring worker ...`` with the
same counter around every task: each finished task appends one JSON line (task name, its
arguments, statements run, seconds) to the file named by ``BENCH_TASK_LOG``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

HEADER = "X-Bench-Queries"


class QueryCount:
    def __init__(self) -> None:
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        self.queries += 1
        return execute(sql, params, many, context)


@contextmanager
def count_queries() -> Iterator[QueryCount]:
    """Count the SQL statements run inside the block on every connection of this thread.

    The counter goes first in each connection's wrappers and is taken out by identity:
    wrappers that the application adds inside the block (when it opens the connection)
    stay where they are (``execute_wrapper()``'s pop would remove the last one)."""
    from django.db import connections

    counter = QueryCount()
    wrapped = [connections[alias] for alias in connections]
    for connection in wrapped:
        connection.execute_wrappers.insert(0, counter)
    try:
        yield counter
    finally:
        for connection in wrapped:
            if counter in connection.execute_wrappers:
                connection.execute_wrappers.remove(counter)


_django_application = None


def application(environ, start_response):
    """Django's answer, buffered, with the query count in a header. Django is loaded at
    the first request, not at import: importing this module configures nothing."""
    global _django_application
    if _django_application is None:
        from mentoring.wsgi import application as django_application

        _django_application = django_application
    started: list = []

    def buffered_start(status, headers, exc_info=None):
        started[:] = [status, headers, exc_info]
        return lambda data: None  # Django never uses write()

    with count_queries() as counter:
        result = _django_application(environ, buffered_start)
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()  # request_finished: connections are returned here
    status, headers, exc_info = started
    start_response(status, [*headers, (HEADER, str(counter.queries))], exc_info)
    return [body]


# ---------------------------------------------------------------- the worker


def _count_tasks(log_path: str) -> None:
    """Count each task's statements (in the pool's child that runs it) and log them."""
    from celery.signals import task_postrun, task_prerun

    running: dict[str, tuple] = {}

    @task_prerun.connect(weak=False)
    def begin(task_id=None, **_kwargs):
        block = count_queries()
        counter = block.__enter__()
        running[task_id] = (block, counter, time.perf_counter())

    @task_postrun.connect(weak=False)
    def end(task_id=None, task=None, args=None, state=None, **_kwargs):
        entry = running.pop(task_id, None)
        if entry is None:
            return
        block, counter, began = entry
        block.__exit__(None, None, None)
        line = {
            "task": getattr(task, "name", ""),
            "args": list(args or []),
            "state": state,
            "queries": counter.queries,
            "seconds": round(time.perf_counter() - began, 3),
            "pid": os.getpid(),
        }
        with open(log_path, "a") as output:
            output.write(json.dumps(line, default=str) + "\n")


def worker_main(argv: list[str]) -> None:
    """``celery -A mentoring <argv>``, with every task's statements counted."""
    log_path = os.environ.get("BENCH_TASK_LOG")
    if log_path:
        _count_tasks(log_path)
    from celery.bin.celery import main

    sys.argv = ["celery", "-A", "mentoring", *argv]
    main()


if __name__ == "__main__":
    worker_main(sys.argv[1:])
