from django.core.management.base import BaseCommand

from mentoring import demo
from mentoring.audit.context import acting_as
from mentoring.tenancy.hosts import organization_url, platform_url


class Command(BaseCommand):
    help = "Create or complete the demo organizations acme and globex (safe to run again)."

    def handle(self, *args, **options):
        with acting_as("seed"):  # the audit log names the demo data's author
            organizations = demo.seed()
        self.stdout.write(f"Demo log-ins (password for everyone: {demo.DEMO_PASSWORD})")
        self.stdout.write(
            f"  platform operator  {demo.OPERATOR_EMAIL:<34} {platform_url('/admin/')}"
        )
        for organization in organizations:
            url = organization_url(organization)
            for local, what in (
                ("morgan.lee", "program manager"),
                ("harper.quinn", "HR"),
                ("amara.okafor", "mentor"),
                ("jamal.carter", "mentee"),
                ("beatriz.costa", "circle mentor"),
                ("aisha.bello", "circle mentee"),
            ):
                email = demo.email_for(local, organization.slug)
                self.stdout.write(f"  {what:<18} {email:<34} {url}")
        self.stdout.write(
            f"  in both orgs       {demo.SHARED_PERSON:<34} (member of acme and globex)"
        )
