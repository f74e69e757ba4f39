from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from mentoring.api.keys import api_key_create
from mentoring.api.models import KeyPurpose
from mentoring.tenancy import activate
from mentoring.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Create an API key for an organization (for the HR API, or for directory sync) and "
        "print it (it is shown only once)."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organization's slug")
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--purpose",
            choices=KeyPurpose.values,
            default=KeyPurpose.HR_API,
            help="What the key opens (default: the HR API).",
        )

    def handle(self, *args, organization, name, purpose, **options):
        found = Organization.objects.filter(slug=organization, is_active=True).first()
        if found is None:
            raise CommandError(f"No active organization with the address '{organization}'.")
        with activate(found):
            try:
                api_key, key = api_key_create(organization=found, name=name, purpose=purpose)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"Key “{api_key.name}” for {found.name} (shown once, store it now):")
        self.stdout.write(key)
