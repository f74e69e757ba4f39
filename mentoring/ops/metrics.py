"""Prometheus metrics: what the processes record, and what ``/metrics`` computes when scraped.

Recorded where things happen (any process): requests, emails, dispatcher passes, match
runs. Computed at scrape time: the collectors named in ``METRICS_COLLECTORS`` (the
outbox backlog, the Celery queue length), so a slow query never runs unless scraped.

With several processes (gunicorn workers, Celery's pool), set
``PROMETHEUS_MULTIPROC_DIR`` to a directory they share: every process writes its
values there and a scrape adds them up (``mentoring/ops/gunicorn.py`` forgets dead
workers' live values). Files are named by host and process id, so containers sharing
the directory never write to each other's files.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Iterable

import redis
from django.conf import settings
from django.utils.module_loading import import_string
from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    values,
)
from prometheus_client.core import GaugeMetricFamily, Metric

logger = logging.getLogger(__name__)

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))


def process_identifier(pid: int | None = None) -> str:
    return f"{socket.gethostname()}_{pid or os.getpid()}"


if MULTIPROCESS:  # before the first metric is made
    values.ValueClass = values.MultiProcessValue(process_identifier)

REQUESTS = Counter(
    "mentoring_http_requests_total",
    "Requests answered, by URL pattern, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "mentoring_http_request_duration_seconds",
    "Time to answer a request, by URL pattern, method and status.",
    ["route", "method", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EMAILS_SENT = Counter("mentoring_emails_sent_total", "Emails handed to the mail server.")
EMAILS_FAILED = Counter(
    "mentoring_emails_failed_total",
    "Emails the mail server did not take; final=true when no retry is left.",
    ["final"],
)
for final in ("true", "false"):  # both series exist from the start, at 0
    EMAILS_FAILED.labels(final=final)
DISPATCH_SECONDS = Histogram(
    "mentoring_dispatcher_pass_duration_seconds",
    "Time of one dispatcher pass over every organization.",
    buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
MATCH_RUN_SECONDS = Histogram(
    "mentoring_match_run_duration_seconds",
    "Time to compute one match-run draft.",
    buckets=(0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)

KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED_ROUTE = "<unmatched>"


def observe_request(*, route: str | None, method: str, status: int, seconds: float) -> None:
    labels = {
        "route": route or UNMATCHED_ROUTE,
        "method": method if method in KNOWN_METHODS else "other",
        "status": str(status),
    }
    REQUESTS.labels(**labels).inc()
    REQUEST_SECONDS.labels(**labels).observe(seconds)


class ScrapeTimeCollectors:
    """Runs the collectors of ``METRICS_COLLECTORS`` (dotted paths of functions yielding
    metric families); one that fails reports ``mentoring_metrics_collector_up 0``."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "mentoring_metrics_collector_up",
            "1 when the scrape-time collector answered, 0 when it failed.",
            labels=["collector"],
        )
        for path in settings.METRICS_COLLECTORS:
            collector: Callable[[], Iterable[Metric]] = import_string(path)
            try:
                families = list(collector())
            except Exception as error:
                logger.warning("metrics: %s failed (%s)", path, type(error).__name__)
                up.add_metric([path.rsplit(".", 1)[-1]], 0)
                continue
            up.add_metric([path.rsplit(".", 1)[-1]], 1)
            yield from families
        yield up


_broker: redis.Redis | None = None


def celery_queue_length() -> Iterable[Metric]:
    """Messages waiting in each Celery queue of ``METRICS_CELERY_QUEUES`` (a Redis list)."""
    global _broker
    if _broker is None:
        _broker = redis.Redis.from_url(
            settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2
        )
    family = GaugeMetricFamily(
        "mentoring_celery_queue_length", "Tasks waiting in the queue.", labels=["queue"]
    )
    for queue in settings.METRICS_CELERY_QUEUES:
        family.add_metric([queue], _broker.llen(queue))
    yield family


def exposition() -> bytes:
    """The text ``/metrics`` answers: every process's recorded values and the scrape-time
    figures."""
    registry = CollectorRegistry()
    if MULTIPROCESS:
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(REGISTRY)
    registry.register(ScrapeTimeCollectors())
    return generate_latest(registry)
