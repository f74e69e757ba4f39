"""/metrics: protected, per URL pattern (never the raw path), the outbox and queue figures
computed when scraped, counters of emails and dispatcher passes, and the dashboard."""

import json
import re
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from mentoring.notifications.dispatch import dispatch_due
from mentoring.notifications.models import Kind, OutboxMessage, Status
from mentoring.notifications.sending import send_pending
from mentoring.tenancy import activate
from programs.models import CrossFunctional
from tests.builders.clients import client_for, signed_in
from tests.builders.cohort import make_cohort
from tests.builders.jobs import finished_job_page

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
OUTSIDER = "203.0.113.9"


def scrape(**extra) -> dict[str, dict[tuple, float]]:
    """{metric sample name: {sorted labels: value}} of one scrape from the loopback."""
    response = Client().get("/metrics", HTTP_HOST="localhost", **extra)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    samples: dict[str, dict[tuple, float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


def test_metrics_are_hidden_from_an_address_outside_the_allowed_networks(world):
    response = Client().get("/metrics", HTTP_HOST="acme.localhost", REMOTE_ADDR=OUTSIDER)
    assert response.status_code == 404
    assert b"mentoring_" not in response.content


def test_metrics_ask_for_the_token_when_one_is_configured(world, settings):
    settings.METRICS_TOKEN = "a-long-metrics-token-for-tests"
    outside = Client(REMOTE_ADDR=OUTSIDER)
    assert outside.get("/metrics", HTTP_HOST="localhost").status_code == 401
    wrong = outside.get("/metrics", HTTP_HOST="localhost", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 401
    right = outside.get(
        "/metrics",
        HTTP_HOST="evil.example",
        HTTP_AUTHORIZATION=f"Bearer {settings.METRICS_TOKEN}",
    )
    assert right.status_code == 200
    assert b"mentoring_http_requests_total" in right.content


def test_forwarded_for_headers_do_not_open_the_metrics(world):
    response = Client(REMOTE_ADDR=OUTSIDER).get(
        "/metrics", HTTP_HOST="localhost", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert response.status_code == 404


def test_requests_are_counted_by_url_pattern_without_ids(world):
    mentee = signed_in(world.acme, world.acme.mentees[0])
    mentee.get("/mentorships/987654/sessions/")
    Client().get("/no-such-page/424242/", HTTP_HOST="acme.localhost")
    requests = scrape()["mentoring_http_requests_total"]
    routes = {dict(labels)["route"] for labels in requests}
    assert "mentorships/<int:mentorship_id>/sessions/" in routes
    assert "<unmatched>" in routes
    assert not any("987654" in route or "424242" in route or "acme" in route for route in routes)
    pattern = (
        ("method", "GET"),
        ("route", "mentorships/<int:mentorship_id>/sessions/"),
        ("status", "404"),
    )
    assert requests[pattern] >= 1
    assert scrape()["mentoring_http_request_duration_seconds_count"][pattern] >= 1


def unsent(org, key, minutes_ago=0):
    with activate(org.organization):
        row = OutboxMessage.objects.create(
            organization=org.organization,
            kind=Kind.SESSION_PLANNED,
            dedupe_key=key,
            recipient=org.mentees[0],
            to_email=org.mentees[0].email,
            subject="A session",
            body_text="Text",
            body_html="<p>Text</p>",
        )
        OutboxMessage.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - timedelta(minutes=minutes_ago)
        )
    return row


def test_the_outbox_backlog_counts_every_organization_and_ages_the_oldest_message(world):
    unsent(world.acme, "metrics-test:1", minutes_ago=10)
    unsent(world.globex, "metrics-test:2", minutes_ago=1)
    with activate(world.globex.organization):
        sent = unsent(world.globex, "metrics-test:3", minutes_ago=60)
        OutboxMessage.objects.filter(pk=sent.pk).update(status=Status.SENT)
    samples = scrape()
    assert samples["mentoring_outbox_backlog_messages"][()] == 2
    age = samples["mentoring_outbox_oldest_unsent_age_seconds"][()]
    assert 10 * 60 <= age < 11 * 60
    assert samples["mentoring_metrics_collector_up"][(("collector", "outbox_backlog"),)] == 1


def test_the_celery_queue_length_is_read_from_the_broker(world, settings):
    queue = f"metrics-test-{django_settings.CACHES['default']['KEY_PREFIX']}"
    settings.METRICS_CELERY_QUEUES = [queue]
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    broker.rpush(queue, "one", "two", "three")
    try:
        samples = scrape()
    finally:
        broker.delete(queue)
    assert samples["mentoring_celery_queue_length"][(("queue", queue),)] == 3


def test_an_unreachable_broker_leaves_the_rest_of_the_metrics_answering(world, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    from mentoring.ops import metrics

    metrics._broker = None
    try:
        samples = scrape()
    finally:
        metrics._broker = None
    up = samples["mentoring_metrics_collector_up"]
    assert up[(("collector", "celery_queue_length"),)] == 0
    assert "mentoring_outbox_backlog_messages" in samples


def count(name, labels=None) -> float:
    return REGISTRY.get_sample_value(name, labels or {}) or 0.0


def test_emails_sent_and_failed_are_counted(world, mailoutbox, settings):
    unsent(world.acme, "metrics-test:sent")
    sent_before = count("mentoring_emails_sent_total")
    with activate(world.acme.organization):
        assert send_pending()["sent"] == 1
    assert count("mentoring_emails_sent_total") == sent_before + 1

    settings.EMAIL_BACKEND = "tests.notifications.failing_backend.DisconnectingBackend"
    unsent(world.acme, "metrics-test:failed")
    failed_before = count("mentoring_emails_failed_total", {"final": "true"}) + count(
        "mentoring_emails_failed_total", {"final": "false"}
    )
    with activate(world.acme.organization):
        send_pending()
    failed_after = count("mentoring_emails_failed_total", {"final": "true"}) + count(
        "mentoring_emails_failed_total", {"final": "false"}
    )
    assert failed_after == failed_before + 1


def test_every_dispatcher_pass_is_timed(world):
    before = count("mentoring_dispatcher_pass_duration_seconds_count")
    dispatch_due()
    assert count("mentoring_dispatcher_pass_duration_seconds_count") == before + 1


def test_every_match_run_is_timed(world, client):
    manager = client_for(client, world.acme.organization, world.acme.manager)
    cohort = make_cohort(world.acme, cross_functional=CrossFunctional.PREFERRED)
    before = count("mentoring_match_run_duration_seconds_count")
    response = manager.post("/admin/matching/matchrun/start/", {"program": cohort.program.pk})
    finished_job_page(manager, response)
    assert count("mentoring_match_run_duration_seconds_count") == before + 1


def test_the_grafana_dashboard_queries_only_metrics_that_exist(world):
    dashboard = json.loads((ROOT / "docs" / "grafana-dashboard.json").read_text())
    expressions = [
        target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])
    ]
    queried = {
        re.sub(r"_(bucket|count|sum)$", "", name)
        for expression in expressions
        for name in re.findall(r"\bmentoring_[a-z_]+", expression)
    }
    assert len(queried) >= 9
    Client().get("/no-such-page/", HTTP_HOST="localhost")  # a request to count
    exposed = {re.sub(r"_(bucket|count|sum|created)$", "", name) for name in scrape()}
    assert queried - exposed == set()


MULTIPROCESS_CHILD = """
from mentoring.ops import metrics
metrics.EMAILS_SENT.inc()
metrics.observe_request(route="me/", method="GET", status=200, seconds=0.1)
"""
MULTIPROCESS_SUM = """
from prometheus_client import CollectorRegistry, generate_latest, multiprocess
registry = CollectorRegistry()
multiprocess.MultiProcessCollector(registry)
print(generate_latest(registry).decode())
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path):
    environment = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}

    def run(script):
        return subprocess.run(  # noqa: S603 - our own interpreter, fixed scripts
            [sys.executable, "-c", textwrap.dedent(script)],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout

    run(MULTIPROCESS_CHILD)
    run(MULTIPROCESS_CHILD)
    total = run(MULTIPROCESS_SUM)
    assert "mentoring_emails_sent_total 2.0" in total
    assert 'mentoring_http_requests_total{method="GET",route="me/",status="200"} 2.0' in total
