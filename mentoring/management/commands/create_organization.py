from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mentoring.accounts.organizations import organization_create


class Command(BaseCommand):
    help = "Create an organization and invite its first program manager (prints the link)."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Address: <slug>.<ROOT_DOMAIN>")
        parser.add_argument("--name", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument(
            "--language",
            default="",
            help="Language of the interface and of the starting catalogues (default English).",
        )

    def handle(self, *args, slug, name, admin_email, language, **options):
        try:
            organization, link = organization_create(
                slug=slug, name=name, admin_email=admin_email, language=language
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Created {organization.name} ({organization.slug}).")
        self.stdout.write(f"Invitation for {admin_email.strip().lower()}: {link}")
