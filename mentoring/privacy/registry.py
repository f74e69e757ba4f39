"""Every model of the platform, classified for privacy.

Each model is one of:

- ``PERSON``: about people. A person's export holds their rows (``person_rows`` says how
  to find them); the organization's export holds all of its rows.
- ``ORGANIZATION``: the organization's own set-up (catalogues, programs, keys). Only the
  organization's export holds it.
- ``NOT_EXPORTED``: in no export, for the ``reason`` given.

The core's own models are classified here; each app classifies its models in its
``privacy.py`` and registers them with ``hooks.PRIVACY_RULES``.
``tests/privacy/test_registry.py`` fails when an installed model is classified nowhere, so
a new model cannot reach production without someone deciding where its data goes.
Labels of apps that are not installed are allowed (they wait for the app).

Rows are read with the model's default manager, so tenant rows come from the active
organization only (and row-level security says the same again); models outside tenancy
(users, email addresses, authenticators) are narrowed to the organization's members.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .rules import all_rules

if TYPE_CHECKING:
    from django.db.models import Model

    from mentoring.people.models import Profile
    from mentoring.tenancy.models import Organization


class Export(StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"
    NOT_EXPORTED = "not exported"


# Never written to any export, whatever the model: credentials and secrets.
SECRET_FIELDS = frozenset({"password", "token_hash", "key_hash", "client_secret", "secret"})


@dataclass(frozen=True)
class Subject:
    """The person an export or an erasure is about, in one organization."""

    organization: Organization
    profile: Profile


@dataclass(frozen=True)
class Entry:
    label: str
    export: Export
    title: str | Promise = ""
    person_rows: Callable[[Subject], Q] | None = None
    # For models outside tenancy: which rows belong to the organization's export.
    organization_rows: Callable[[Organization], Q] | None = None
    omit: tuple[str, ...] = ()
    # Columns read through a relation, (column, lookup): a member's name beside their id.
    names: tuple[tuple[str, str], ...] = ()
    # Reshape one row of a person's export (drop what is someone else's).
    shape: Callable[[dict, Subject], dict] | None = None
    reason: str = ""

    @property
    def is_installed(self) -> bool:
        return _app_installed(self.label.split(".")[0])

    @property
    def model(self) -> type[Model]:
        return apps.get_model(self.label)

    @property
    def columns(self) -> list[str]:
        hidden = SECRET_FIELDS | set(self.omit)
        return [
            *(
                model_field.attname
                for model_field in self.model._meta.concrete_fields
                if model_field.name not in hidden and model_field.attname not in hidden
            ),
            *(name for name, _lookup in self.names),
        ]

    def read(self, queryset):
        """``queryset`` as the export's rows: the columns, names included."""
        if self.names:
            queryset = queryset.annotate(**{name: F(lookup) for name, lookup in self.names})
        return queryset.values(*self.columns)

    @property
    def file_stem(self) -> str:
        return self.label.lower().replace(".", "_")


def _app_installed(app_label: str) -> bool:
    return any(config.label == app_label for config in apps.get_app_configs())


# ------------------------------------------------------------------ how rows are found


def _own_profile(s: Subject) -> Q:
    return Q(pk=s.profile.pk)


def _user(s: Subject) -> Q:
    return Q(user_id=s.profile.user_id)


def of_person(s: Subject) -> Q:
    """Rows whose ``person`` is the subject's profile."""
    return Q(person=s.profile)


def _members(organization: Organization) -> Q:
    return Q(memberships__organization=organization)


def _members_rows(organization: Organization) -> Q:
    return Q(user__memberships__organization=organization)


def _audit_rows(s: Subject) -> Q:
    return (
        Q(actor_id=s.profile.user_id)
        | Q(target_type="mentoring.profile", target_id=str(s.profile.pk))
        | Q(target_type="auth.user", target_id=str(s.profile.user_id))
    )


def _audit_shape(row: dict, s: Subject) -> dict:
    """Where and with what someone else acted is theirs, not the subject's."""
    if row.get("actor_id") != s.profile.user_id:
        row = {**row, "ip_address": None, "user_agent": ""}
    return row


def person(label: str, title: str | Promise, rows: Callable[[Subject], Q], **options) -> Entry:
    return Entry(label, Export.PERSON, title=title, person_rows=rows, **options)


def organization(label: str, title: str | Promise, **options) -> Entry:
    return Entry(label, Export.ORGANIZATION, title=title, **options)


def not_exported(label: str, reason: str) -> Entry:
    return Entry(label, Export.NOT_EXPORTED, reason=reason)


CORE_ENTRIES: tuple[Entry, ...] = (
    # --- accounts (outside tenancy: narrowed to this organization's members)
    person(
        "auth.User",
        _("Your account"),
        lambda s: Q(pk=s.profile.user_id),
        organization_rows=_members,
    ),
    person(
        "account.EmailAddress",
        _("Your email addresses"),
        _user,
        organization_rows=_members_rows,
    ),
    person(
        "mfa.Authenticator",
        _("Your two-step sign-in methods (without their secrets)"),
        _user,
        organization_rows=_members_rows,
        omit=("data",),
    ),
    person(
        "socialaccount.SocialAccount",
        _("Your single sign-on links"),
        _user,
        organization_rows=_members_rows,
    ),
    # --- the organization and people in it
    organization(
        "mentoring.Organization",
        _("The organization"),
        organization_rows=lambda organization: Q(pk=organization.pk),
    ),
    person("mentoring.Membership", _("Your membership"), _user),
    person("mentoring.Profile", _("Your profile"), _own_profile),
    organization("mentoring.Department", _("Departments")),
    organization("mentoring.SeniorityLevel", _("Seniority levels")),
    person(
        "mentoring.Invitation",
        _("Invitations you received"),
        lambda s: Q(accepted_by_id=s.profile.user_id) | Q(email__iexact=s.profile.user.email),
    ),
    organization("mentoring.IdentityProvider", _("Single sign-on providers")),
    organization(  # the platform's record (no tenant table): one domain, one organization
        "mentoring.VerifiedDomain",
        "Mail domains verified for single sign-on",
        organization_rows=lambda organization: Q(organization=organization),
    ),
    organization("mentoring.ApiKey", _("HR API keys (without the keys)")),
    person(
        "mentoring.AuditEvent",
        _("Audit log entries about you or by you"),
        _audit_rows,
        shape=_audit_shape,
    ),
    person(
        "mentoring.OutboxMessage",
        _("Emails the platform sent you"),
        lambda s: Q(recipient_id=s.profile.user_id),
        # Headers carry one-click unsubscribe links: a key, not content.
        omit=("headers", "body_html"),
    ),
    person("mentoring.NotificationSetting", _("Your email choices"), of_person),
)

# Django's and allauth's models that are in no export; the apps' models come from their
# privacy rules (``hooks.PRIVACY_RULES``).
NOT_EXPORTED_ENTRIES: tuple[Entry, ...] = (
    not_exported(
        "mentoring.Job",
        "Background jobs (imports, match runs, exports): a record of work done, whose "
        "input file is deleted when the job ends and whose result file a few days later. "
        "What the jobs wrote is in the export where it belongs.",
    ),
    not_exported(
        "admin.LogEntry",
        "Django's admin history. The organization admin writes none (the table is shared "
        "by every organization); only the platform operator's own actions are in it.",
    ),
    not_exported(
        "auth.Permission",
        "Django's catalogue of permissions, the same on every installation.",
    ),
    not_exported("auth.Group", "Unused: access comes from memberships and their roles."),
    not_exported("auth.Group_permissions", "Unused: access comes from memberships."),
    not_exported("auth.User_groups", "Unused: access comes from memberships."),
    not_exported("auth.User_user_permissions", "Unused: access comes from memberships."),
    not_exported(
        "contenttypes.ContentType",
        "Django's list of model names, the same on every installation.",
    ),
    not_exported(
        "sessions.Session",
        "Sign-in sessions: short-lived keys with no content of their own. They end on "
        "sign-out, and stop working when a membership ends or an account is erased.",
    ),
    not_exported(
        "account.EmailConfirmation",
        "Short-lived keys that confirm an email address: secrets, and expired soon after.",
    ),
    not_exported(
        "socialaccount.SocialApp",
        "The platform's configuration of sign-in providers, with their secrets; an "
        "organization's own provider is exported as mentoring.IdentityProvider.",
    ),
    not_exported(
        "socialaccount.SocialToken",
        "Access tokens of sign-in providers: credentials, and the platform stores none.",
    ),
    not_exported("sites.Site", "The platform's own domain name."),
    not_exported(
        "usersessions.UserSession",
        "Sign-in sessions: short-lived, and ended on sign-out or erasure.",
    ),
)


def all_entries() -> tuple[Entry, ...]:
    """The core's entries, every app's (in the order of INSTALLED_APPS), then the rest."""
    app_entries = tuple(entry for rules in all_rules() for entry in rules.entries)
    return CORE_ENTRIES + app_entries + NOT_EXPORTED_ENTRIES


def registry() -> dict[str, Entry]:
    return {entry.label.lower(): entry for entry in all_entries()}


def installed(entries: tuple[Entry, ...] | None = None) -> list[Entry]:
    return [entry for entry in entries or all_entries() if entry.is_installed]


def person_entries() -> list[Entry]:
    return [entry for entry in installed() if entry.export is Export.PERSON]


def organization_entries() -> list[Entry]:
    return [entry for entry in installed() if entry.export is not Export.NOT_EXPORTED]
