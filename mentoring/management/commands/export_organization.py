from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mentoring.privacy.services import organization_export_write
from mentoring.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Write an organization's whole data to a ZIP file: one JSON Lines file per model "
        "and a manifest (mentoring.privacy.registry says what is in it and why the rest "
        "is not)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("path", type=Path, help="Where to write the ZIP file.")

    def handle(self, *args, slug, path, **options):
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {slug!r}.")
        if path.exists():
            raise CommandError(f"{path} exists already; choose a new file name.")
        counts = organization_export_write(
            organization=organization, path=path, actor_label="export_organization command"
        )
        self.stdout.write(
            f"Exported {organization.name} ({slug}): {sum(counts.values())} rows of "
            f"{len(counts)} models to {path}."
        )
