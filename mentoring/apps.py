from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Organization")

    def ready(self) -> None:
        from celery.signals import task_postrun, task_prerun
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        from . import (
            checks,  # noqa: F401  (registers the system checks)
            hooks,
        )
        from .accounts import jobs  # noqa: F401  (registers the invitation import job)
        from .accounts.access import remember_organization
        from .api import schema  # noqa: F401  (registers the OpenAPI security schemes)
        from .audit import capture, context, sign_ins
        from .directory import privacy as directory_privacy  # noqa: F401  (its privacy rules)
        from .people.language import remember_on_sign_in
        from .privacy import jobs as privacy_jobs  # noqa: F401  (registers the export jobs)
        from .privacy import notices  # noqa: F401  (the "what's new" list's privacy rules)
        from .tenancy import database

        post_migrate.connect(database.sync_after_migrate, sender=self, dispatch_uid="tenancy-rls")
        user_logged_in.connect(remember_organization, dispatch_uid="session-organization")
        user_logged_in.connect(remember_on_sign_in, dispatch_uid="session-language")
        # The audit log: every change to tenant data, sign-ins and sign-outs, and who acts
        # in a Celery task.
        capture.connect()
        user_logged_in.connect(sign_ins.record_sign_in, dispatch_uid="audit-sign-in")
        user_login_failed.connect(
            sign_ins.record_sign_in_failed, dispatch_uid="audit-sign-in-failed"
        )
        user_logged_out.connect(sign_ins.record_sign_out, dispatch_uid="audit-sign-out")
        task_prerun.connect(context.task_started, dispatch_uid="audit-task-started", weak=False)
        task_postrun.connect(context.task_finished, dispatch_uid="audit-task-finished", weak=False)
        # Every app's hooks.py registers what it adds to the core's engines.
        hooks.discover()
