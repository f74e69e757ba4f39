from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mentoring.privacy.deletion import DeletionIncomplete
from mentoring.privacy.services import organization_delete
from mentoring.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Delete an organization and every row of it, after exporting it (unless "
        "--no-export), then check that no row with its id remains in any table. Accounts "
        "that belonged to it only are deleted too."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--confirm", required=True, metavar="SLUG", help="The slug again, to be sure."
        )
        parser.add_argument(
            "--export-to",
            type=Path,
            help="Where to write the export first (default: <slug>-<date and time>.zip here).",
        )
        parser.add_argument(
            "--no-export", action="store_true", help="Delete without exporting first."
        )

    def handle(self, *args, slug, confirm, export_to, no_export, **options):
        if confirm != slug:
            raise CommandError(f"--confirm must repeat the slug {slug!r}: nothing was deleted.")
        organization = Organization.objects.filter(slug=slug).first()
        if organization is None:
            raise CommandError(f"No organization has the slug {slug!r}.")
        export_path = None
        if not no_export:
            export_path = export_to or Path(f"{slug}-{timezone.now():%Y%m%d-%H%M%S}.zip")
            if export_path.exists():
                raise CommandError(f"{export_path} exists already: nothing was deleted.")
        try:
            result = organization_delete(organization=organization, export_path=export_path)
        except DeletionIncomplete as error:
            raise CommandError(str(error)) from error
        if export_path is not None:
            self.stdout.write(f"Exported {slug} to {export_path}.")
        rows = sum(result["rows"].values())
        self.stdout.write(
            f"Deleted {organization.name} ({slug}): {rows} rows and {result['users']} "
            "accounts that belonged to it only. Checked: no row of it remains."
        )
