"""Invitations: create one, import many from CSV, accept one. Every write is all-or-nothing."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from mentoring import hooks
from mentoring.csv_import import CsvFileError, read_csv_rows
from mentoring.jobs.progress import Progress, unheard
from mentoring.people.models import Department, Profile
from mentoring.tenancy.hosts import organization_link
from mentoring.tenancy.models import Membership, Organization, Role

from .models import Invitation

if TYPE_CHECKING:
    from django.contrib.auth.models import User
else:
    User = get_user_model()

CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_COLUMNS = ("email", "name", "role", "department", "job_title")


class InvitationError(Exception):
    """The invitation cannot be used; the message says why and what to do."""


@dataclass(frozen=True)
class CsvRowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("Line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


class CsvImportError(Exception):
    def __init__(self, errors: list[CsvRowError]):
        self.errors = errors
        super().__init__("; ".join(str(error) for error in errors))


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(organization: Organization, token: str) -> str:
    return organization_link(organization, "invitation_accept", token=token)


def _already_member(email: str) -> str:
    return _("%(email)s is already a member of this organization.") % {"email": email}


def _already_invited(email: str) -> str:
    return _("%(email)s already has an open invitation; resend it from the invitation list.") % {
        "email": email
    }


def invitable_problem(email: str) -> str | None:
    """Why ``email`` cannot be invited to the active organization, or None."""
    if Membership.objects.filter(user__email__iexact=email).exists():
        return _already_member(email)
    if Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).exists():
        return _already_invited(email)
    return None


def _send_on_commit(invitation: Invitation, link: str) -> None:
    from .tasks import send_invitation

    transaction.on_commit(
        lambda: send_invitation.delay(invitation.organization_id, invitation.pk, link)
    )


def _send_many_on_commit(organization: Organization, links: list[tuple[int, str]]) -> None:
    """One email task for a batch of invitations ((id, link) pairs), once committed."""
    from .tasks import send_invitations

    if links:
        transaction.on_commit(lambda: send_invitations.delay(organization.pk, links))


def _new_invitation(
    *,
    organization: Organization,
    actor: User | None,
    email: str,
    role: str,
    display_name: str,
    department: Department | None,
    job_title: str,
    send_email: bool = True,
) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        display_name=display_name,
        department=department,
        job_title=job_title,
        token_hash=hash_token(token),
        invited_by=actor,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    if send_email:
        link = invitation_link(organization, token)
        _send_on_commit(invitation, link)
    return invitation, token


def invitation_create(
    *,
    organization: Organization,
    actor: User | None,
    email: str,
    role: str = Role.MEMBER,
    display_name: str = "",
    department: Department | None = None,
    job_title: str = "",
    send_email: bool = True,
    choices: dict | None = None,
) -> tuple[Invitation, str]:
    """Invite one address; returns the invitation and its token (shown once, never stored).
    ``choices``: what the apps offered when inviting (INVITATION_FIELDS), e.g. a program to
    enrol them in on joining; the apps store it in the same transaction."""
    email = normalize_email(email)
    validate_email(email)
    if department is not None and department.organization_id != organization.pk:
        raise ValidationError(_("The department belongs to another organization."))
    with transaction.atomic():
        problem = invitable_problem(email)
        if problem:
            raise ValidationError(problem)
        invitation, token = _new_invitation(
            organization=organization,
            actor=actor,
            email=email,
            role=role,
            display_name=display_name.strip(),
            department=department,
            job_title=job_title.strip(),
            send_email=send_email,
        )
        _announce_created(organization, actor, [invitation], choices)
        return invitation, token


def _announce_created(
    organization: Organization, actor: User | None, invitations: list[Invitation], choices
) -> None:
    if choices:
        hooks.run(
            hooks.INVITATION_CREATED,
            organization=organization,
            actor=actor,
            invitations=invitations,
            choices=choices,
        )


def invitation_to_choose_password(*, organization: Organization, email: str) -> None:
    """Email a person the directory made a member here (``mentoring.directory``), who has no
    password yet, a link to choose one; nothing when an invitation of theirs is open."""
    if not Invitation.objects.filter(email__iexact=email, accepted_at__isnull=True).exists():
        _new_invitation(
            organization=organization,
            actor=None,
            email=normalize_email(email),
            role=Role.MEMBER,
            display_name="",
            department=None,
            job_title="",
        )


def invitation_resend(
    *,
    organization: Organization,
    actor: User | None,
    invitation: Invitation,
    send_email: bool = True,
) -> str:
    """Replace the token of an open invitation, extend it and email it again."""
    if invitation.is_accepted:
        raise ValidationError(
            _("%(email)s has already accepted the invitation.") % {"email": invitation.email}
        )
    token = secrets.token_urlsafe(32)
    invitation.token_hash = hash_token(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    invitation.save(update_fields=["token_hash", "expires_at"])
    if send_email:
        link = invitation_link(organization, token)
        _send_on_commit(invitation, link)
    return token


def _read_csv(data: bytes) -> list[tuple[int, dict[str, str]]]:
    if len(data) > CSV_MAX_BYTES:
        raise CsvImportError([CsvRowError(1, _("the file is larger than 2 MB; split it."))])
    try:
        headers, lines = read_csv_rows(data)
    except CsvFileError as error:
        raise CsvImportError([CsvRowError(error.line, error.message)]) from error
    if "email" not in headers:
        raise CsvImportError(
            [
                CsvRowError(
                    1,
                    _("the header row needs an 'email' column (columns: %(columns)s).")
                    % {"columns": ", ".join(CSV_COLUMNS)},
                )
            ]
        )
    rows = [
        (line, {key: value for key, value in row.items() if key in CSV_COLUMNS})
        for line, row in lines
    ]
    if not rows:
        raise CsvImportError([CsvRowError(1, _("the file has a header row but no people."))])
    return rows


BATCH_SIZE = 1000  # invitations per batch of writes (and per email task)
CHECKING = "Checking rows"
WRITING = "Writing invitations"


def _uninvitable(emails: list[str]) -> dict[str, str]:
    """``invitable_problem`` for many addresses at once, in two queries: {email: problem}."""
    members = {
        email.lower()
        for email in Membership.objects.annotate(address=Lower("user__email"))
        .filter(address__in=emails)
        .values_list("address", flat=True)
    }
    invited = {
        email.lower()
        for email in Invitation.objects.annotate(address=Lower("email"))
        .filter(address__in=emails, accepted_at__isnull=True)
        .values_list("address", flat=True)
    }
    problems = {email: _already_invited(email) for email in invited}
    problems |= {email: _already_member(email) for email in members}
    return problems


def invitations_import_csv(
    *,
    organization: Organization,
    actor: User,
    data: bytes,
    choices: dict | None = None,
    progress: Progress = unheard,
) -> list[Invitation]:
    """Invite everyone in a CSV (columns: email, name, role, department, job_title).

    Every bad row is reported with its line number, and nobody is invited until all are fine.
    ``choices`` (INVITATION_FIELDS) apply to everyone in the file. Written in batches of
    ``BATCH_SIZE``, each a constant number of queries and one email task once committed;
    ``progress(done, total, phase)`` hears of every batch checked and written.
    """
    rows = _read_csv(data)
    total = len(rows)
    progress(0, total, CHECKING)
    departments = {d.name.lower(): d for d in Department.objects.all()}
    roles = {value for value, _label in Role.choices}
    uninvitable = _uninvitable([normalize_email(row.get("email", "")) for _line, row in rows])
    errors: list[CsvRowError] = []
    seen: dict[str, int] = {}
    valid = []
    for done, (line, row) in enumerate(rows, start=1):
        if done % BATCH_SIZE == 0 and done < total:
            progress(done, total, CHECKING)
        email = normalize_email(row.get("email", ""))
        role = (row.get("role") or Role.MEMBER).lower()
        department_name = row.get("department", "")
        department = departments.get(department_name.lower()) if department_name else None
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                CsvRowError(line, _("'%(email)s' is not a valid email address.") % {"email": email})
            )
            continue
        if email in seen:
            errors.append(
                CsvRowError(
                    line,
                    _("%(email)s is already on line %(line)s.")
                    % {"email": email, "line": seen[email]},
                )
            )
            continue
        seen[email] = line
        if role not in roles:
            errors.append(
                CsvRowError(
                    line,
                    _("role '%(role)s' is not one of %(roles)s.")
                    % {"role": role, "roles": ", ".join(sorted(roles))},
                )
            )
        if department_name and department is None:
            errors.append(
                CsvRowError(
                    line,
                    _("department '%(department)s' does not exist; add it first.")
                    % {"department": department_name},
                )
            )
        problem = uninvitable.get(email)
        if problem:
            errors.append(CsvRowError(line, problem))
        valid.append((email, role, row.get("name", ""), department, row.get("job_title", "")))
    progress(total, total, CHECKING)
    if errors:
        raise CsvImportError(errors)
    created: list[Invitation] = []
    expires_at = timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)
    with transaction.atomic():
        progress(0, len(valid), WRITING)
        for start in range(0, len(valid), BATCH_SIZE):
            tokens = []
            batch = []
            for email, role, name, department, job_title in valid[start : start + BATCH_SIZE]:
                token = secrets.token_urlsafe(32)
                tokens.append(token)
                batch.append(
                    Invitation(
                        organization=organization,
                        email=email,
                        role=role,
                        display_name=name,
                        department=department,
                        job_title=job_title,
                        token_hash=hash_token(token),
                        invited_by=actor,
                        expires_at=expires_at,
                    )
                )
            # Another import or invitation of the same address since the check above: the
            # database's one-open-invitation rule refuses it, and the message says so.
            try:
                with transaction.atomic():
                    Invitation.objects.bulk_create(batch)
            except IntegrityError as error:
                raise CsvImportError(_invited_meanwhile(valid, seen)) from error
            _announce_created(organization, actor, batch, choices)
            _send_many_on_commit(
                organization,
                [
                    (invitation.pk, invitation_link(organization, token))
                    for invitation, token in zip(batch, tokens, strict=True)
                ],
            )
            created += batch
            progress(len(created), len(valid), WRITING)
        return created


def _invited_meanwhile(valid: list, seen: dict[str, int]) -> list[CsvRowError]:
    problems = _uninvitable([email for email, *_rest in valid])
    errors = [CsvRowError(seen[email], problem) for email, problem in problems.items()]
    return sorted(errors, key=lambda error: error.line) or [
        CsvRowError(1, _("someone was invited meanwhile; import the file again."))
    ]


def invitation_for_token(token: str) -> Invitation | None:
    """The active organization's invitation for a token, or None."""
    return Invitation.objects.filter(token_hash=hash_token(token)).first()


def existing_user_for(invitation: Invitation) -> User | None:
    """The account to sign in with, if the address has one with a password. An account
    without one (made by an organization's directory) chooses its password on accepting."""
    return (
        _accounts_of(invitation.email)
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        .first()
    )


def _accounts_of(email: str):
    return User.objects.filter(email__iexact=email).order_by("pk")


def _lock_usable(token: str) -> Invitation:
    invitation = Invitation.objects.select_for_update().filter(token_hash=hash_token(token)).first()
    if invitation is None:
        raise InvitationError(
            _("This invitation link is not valid. Ask your program manager for a new one.")
        )
    if invitation.is_accepted:
        raise InvitationError(_("This invitation has already been used. Sign in instead."))
    if invitation.is_expired:
        raise InvitationError(
            _("This invitation has expired. Ask your program manager to send it again.")
        )
    return invitation


def _join(invitation: Invitation, user: User) -> Membership:
    """Make the membership and profile, or, for a person the organization's directory
    provisioned, take the ones it made (their role and fields stay the directory's)."""
    membership = Membership.objects.filter(user=user).first()
    profile = Profile.objects.filter(user=user, directory_users__isnull=False).first()
    if profile is not None:
        if membership is None or not membership.is_active:
            raise InvitationError(
                _("Your access to this organization has ended. Ask your program manager.")
            )
    elif membership is not None:
        raise InvitationError(_("You are already a member of this organization. Sign in instead."))
    else:
        membership = Membership.objects.create(
            organization_id=invitation.organization_id, user=user, role=invitation.role
        )
        profile = Profile.objects.create(
            organization_id=invitation.organization_id,
            user=user,
            display_name=invitation.display_name
            or user.get_full_name()
            or user.email.split("@")[0],
            department=invitation.department,
            job_title=invitation.job_title,
        )
    hooks.run(hooks.MEMBER_JOINED, organization=invitation.organization, person=profile)
    hooks.run(
        hooks.INVITATION_ACCEPTED,
        organization=invitation.organization,
        invitation=invitation,
        person=profile,
    )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The link reached this mailbox, which proves the address: mark it verified.
    EmailAddress.objects.update_or_create(
        user=user, email=invitation.email, defaults={"verified": True, "primary": True}
    )
    return membership


def invitation_accept_new_user(*, token: str, display_name: str, password: str) -> User:
    """Create the account the invitation is for, with its membership and profile."""
    with transaction.atomic():
        invitation = _lock_usable(token)
        if existing_user_for(invitation) is not None:
            raise InvitationError(_("An account with this email exists already: sign in with it."))
        email = invitation.email
        # An account without a password (a directory made it): the link reached its
        # mailbox, so its owner chooses the password now.
        user = _accounts_of(email).first()
        if user is None:
            user = User.objects.create_user(
                username=email if len(email) <= 150 else secrets.token_hex(16),
                email=email,
                password=password,
            )
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        invitation.display_name = display_name.strip() or invitation.display_name
        _join(invitation, user)
        return user


def invitation_accept_existing_user(*, token: str, user: User) -> User:
    """Add an existing account (already authenticated by the caller) to the organization."""
    with transaction.atomic():
        invitation = _lock_usable(token)
        if user.email.lower() != invitation.email:
            raise InvitationError(_("This invitation was sent to another email address."))
        _join(invitation, user)
        return user
