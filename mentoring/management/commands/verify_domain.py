from django.core.management.base import BaseCommand, CommandError

from mentoring.accounts.domains import DomainError, domain_unverify, domain_verify
from mentoring.tenancy.models import Organization


class Command(BaseCommand):
    help = (
        "Verify a mail domain for an organization, once you know it is theirs: its single "
        "sign-on may then sign in addresses there. --remove withdraws it."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", help="The organization's slug")
        parser.add_argument("domain", help="The mail domain, e.g. acme.com")
        parser.add_argument("--remove", action="store_true", help="Withdraw the domain")

    def handle(self, *args, organization, domain, remove, **options):
        found = Organization.objects.filter(slug=organization).first()
        if found is None:
            raise CommandError(f"No organization with the address '{organization}'.")
        if remove:
            if not domain_unverify(domain=domain):
                raise CommandError(f"{domain} is not verified for any organization.")
            self.stdout.write(f"{domain} is no longer verified; its addresses cannot use SSO.")
            return
        try:
            verified = domain_verify(organization=found, domain=domain)
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{verified.domain} is verified for {found.name}.")
