"""The outbox's figures for ``/metrics`` (named in ``METRICS_COLLECTORS``)."""

from collections.abc import Iterable

from django.db.models import Count, Min
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily, Metric

from mentoring.tenancy import all_organizations

from .models import OutboxMessage, Status


def outbox_backlog() -> Iterable[Metric]:
    """Unsent messages of every organization and the age of the oldest: one query over the
    status index, through the same cross-organization access as the sweeper."""
    with all_organizations():
        waiting = OutboxMessage.unscoped.filter(
            status__in=[Status.PENDING, Status.SENDING]
        ).aggregate(count=Count("pk"), oldest=Min("created_at"))
    oldest = waiting["oldest"]
    age = (timezone.now() - oldest).total_seconds() if oldest else 0.0
    yield GaugeMetricFamily(
        "mentoring_outbox_backlog_messages",
        "Outbox messages not sent yet (waiting or being sent).",
        value=waiting["count"],
    )
    yield GaugeMetricFamily(
        "mentoring_outbox_oldest_unsent_age_seconds",
        "Age of the oldest outbox message not sent yet (0 when none waits).",
        value=age,
    )
