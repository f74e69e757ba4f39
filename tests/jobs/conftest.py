"""The real-worker fixtures of the notification tests serve the jobs' tests too."""

from tests.notifications.conftest import broker, workers  # noqa: F401  (fixtures)
