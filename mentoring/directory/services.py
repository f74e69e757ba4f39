"""Writes of directory sync (SCIM provisioning): people and groups the identity provider
sends. Every function runs with its organization active, in one transaction, and raises
``DirectoryError`` (400), ``DirectoryConflict`` (409) or ``VersionMismatch`` (412) with a
detail the provider's administrator can act on.

People
- ``user_name`` is required and unique in the organization whatever the letter case.
  Two creates of one name at once are serialised by a transaction-level advisory lock on
  (organization, lower(user_name)): the second gets a 409, never a 500.
- The person's address is the primary email, else the first, else the user name when it
  is an address. Accounts (``auth.User``) are shared by all organizations: one is found
  by that address (allauth's addresses or ``User.email``, any case) or made without a
  usable password, and an existing account is never changed: another organization may
  rely on it. The account stays the one found at creation when the address changes later.
- Creating makes a member (role member) with a profile, or links the profile the person
  already has here (they were invited earlier); a second directory record for one
  profile is a 409. The directory owns the profile fields it sends a value for (the
  profile's ``synced_fields``: name, job title, department, manager); a field it stops
  sending is cleared if it owned it, and left to the person if it never did.
- Departments are matched by name in any case and made when new. The manager is the
  person whose SCIM id ``manager_id`` names; an unknown id is a 400.
- Without single sign-on (no active identity provider), someone without a password gets
  an invitation email (once committed) to choose one; with single sign-on, nothing.
- ``active`` false, or deleting the record, ends the membership once (``membership_end``,
  reason "directory"), which ends what the person takes part in; ``active`` true again
  gives the access back. A replace that omits ``active`` keeps it as it is, so a PUT that
  forgets it neither locks someone out nor lets a removed person back in. Deleting also
  drops the directory record and hands the profile fields back to the person; the profile,
  its mentorships and history stay.
- Replacing and deleting lock the record, check ``expected_version`` (412) and bump it.

Groups
- ``display_name`` is required and unique in the organization whatever the letter case.
- A program manager says what a group means here (``GroupRole``). Once at least one group
  has a role, the people the directory provisioned get the highest role of their groups
  (program manager > HR analyst > member) whenever their groups change. Until then, and
  for everyone the directory did not provision, roles stay as people set them by hand,
  so an organization using groups for eligibility only demotes nobody.
- A change that would leave the organization without an active program manager is
  refused whole, with a detail saying why, so the organization is never locked out.

Writes are in bulk where the data is (members, roles): a sync of thousands of people costs
a constant number of queries per request.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Iterable, Sequence

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction

from mentoring.accounts.models import IdentityProvider
from mentoring.accounts.services import invitation_to_choose_password, normalize_email
from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event
from mentoring.people.models import SYNCABLE_FIELDS, Department, Profile
from mentoring.people.services import membership_end, profile_update
from mentoring.tenancy.models import Membership, Organization, Role

from .fields import DirectoryConflict, DirectoryError, GroupFields, UserFields, VersionMismatch
from .models import DirectoryGroup, DirectoryGroupMember, DirectoryUser, GroupRole

User = get_user_model()
RANKS: dict[str, int] = {Role.MEMBER: 0, Role.HR: 1, Role.MANAGER: 2}
# The value a profile field takes back when the directory stops sending it.
CLEARED = {"job_title": "", "department": None, "manager": None}


def _lock(organization: Organization | None, key: str) -> None:
    """A transaction-level advisory lock on ``key`` (in ``organization``, or platform-wide)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
            [organization.pk if organization else 0, f"directory:{key}"],
        )


def _check_version(record, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != record.version:
        raise VersionMismatch(
            f"The resource is at version {record.version}, not {expected_version}: "
            "read it again and retry."
        )


def _required(value: str | None, name: str) -> str:
    value = (value or "").strip()
    if not value:
        raise DirectoryError(f"{name} is required.")
    return value


def _refuse_nul(fields: UserFields | GroupFields) -> None:
    """PostgreSQL stores no NUL character: say so rather than fail."""
    if "\\u0000" in json.dumps(dataclasses.asdict(fields)):
        raise DirectoryError(
            "The request contains a NUL character (\\u0000), which cannot be stored."
        )


def _check_text(record) -> None:
    """Refuse text longer than its column, before the database fails on it."""
    for field in record._meta.fields:
        value = getattr(record, field.attname)
        if isinstance(value, str) and field.max_length and len(value) > field.max_length:
            raise DirectoryError(f"{field.name} is longer than {field.max_length} characters.")


def _detail(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(
            f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _scim_ids(values: Iterable[str]) -> dict[str, uuid.UUID]:
    ids = {}
    for value in values:
        try:
            ids[str(value)] = uuid.UUID(str(value))
        except ValueError:
            raise DirectoryError(f"{value!r} is not the id of a user here.") from None
    return ids


# People ---------------------------------------------------------------------------------


def _claim_user_name(organization: Organization, user_name: str, *, exclude=None) -> None:
    _lock(organization, f"user:{user_name.lower()}")
    clash = DirectoryUser.objects.filter(user_name__iexact=user_name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DirectoryConflict(f"Another user already has the userName {user_name!r}.")


def _email_of(fields: UserFields, user_name: str) -> str:
    emails = [e for e in fields.emails or [] if isinstance(e, dict) and e.get("value")]
    chosen = next((e for e in emails if e.get("primary")), emails[0] if emails else None)
    address = normalize_email(str(chosen["value"]) if chosen else user_name)
    try:
        validate_email(address)
    except ValidationError:
        if chosen:
            raise DirectoryError(f"{address!r} is not a valid email address.") from None
        raise DirectoryError(
            "The user needs an email address: send emails, or a userName that is one."
        ) from None
    return address


def _account_for(email: str):
    """The account of ``email``, any case, or a new one without a usable password."""
    _lock(None, f"email:{email}")
    found = EmailAddress.objects.filter(email__iexact=email).order_by("pk").first()
    if found is not None:
        return found.user
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        taken = len(email) > 150 or User.objects.filter(username=email).exists()
        username = uuid.uuid4().hex if taken else email
        user = User.objects.create_user(username=username, email=email, password=None)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
    return user


def _department(organization: Organization, name: str | None) -> Department | None:
    name = (name or "").strip()
    if not name:
        return None
    _lock(organization, f"department:{name.lower()}")
    department = Department.objects.filter(name__iexact=name).order_by("pk").first()
    if department is None:
        department = Department(organization=organization, name=name)
        _check_text(department)
        department.save()
    return department


def _manager(manager_id: str | None) -> Profile | None:
    if not manager_id:
        return None
    scim_id = _scim_ids([manager_id])[str(manager_id)]
    record = DirectoryUser.objects.select_related("profile").filter(scim_id=scim_id).first()
    if record is None:
        raise DirectoryError(f"No user here has the id {manager_id!r} given as the manager.")
    return record.profile


def _display_name(fields: UserFields) -> str | None:
    """The name the directory sends, or None when it sends none."""
    if fields.display_name and fields.display_name.strip():
        return fields.display_name.strip()
    name = " ".join(part.strip() for part in (fields.given_name, fields.family_name) if part)
    return name.strip() or None


def _differs(profile: Profile, name: str, value) -> bool:
    """Whether ``value`` is new for the field (a related row compared by key: no query)."""
    if name in ("department", "manager"):
        return getattr(profile, f"{name}_id") != (value.pk if value is not None else None)
    return getattr(profile, name) != value


def _sync_profile(
    organization: Organization, profile: Profile, fields: UserFields, user_name: str
) -> None:
    """Set the profile fields the directory sends, clear those it owned and stopped sending,
    and record which it owns now."""
    sent = {
        "display_name": _display_name(fields),
        "job_title": (fields.title or "").strip() or None,
        "department": _department(organization, fields.department),
        "manager": _manager(fields.manager_id),
    }
    synced = [name for name in SYNCABLE_FIELDS if sent[name] is not None]
    changes: dict[str, object] = {name: value for name, value in sent.items() if value is not None}
    for name in set(profile.synced_fields) - set(synced):
        changes[name] = CLEARED.get(name, user_name)
    changes = {name: value for name, value in changes.items() if _differs(profile, name, value)}
    if changes:
        try:
            profile_update(organization=organization, actor=None, profile=profile, **changes)
        except ValidationError as error:
            raise DirectoryError(_detail(error)) from error
    if profile.synced_fields != synced:
        Profile.objects.filter(pk=profile.pk).update(synced_fields=synced)
        profile.synced_fields = synced


def _uses_single_sign_on(organization: Organization) -> bool:
    return IdentityProvider.objects.filter(organization=organization, is_active=True).exists()


def _member(organization: Organization, user, *, user_name: str) -> Profile:
    """The person's profile here: the existing one (linked) or a new membership and profile."""
    profile = Profile.objects.filter(user=user).first()
    if profile is not None:
        if DirectoryUser.objects.filter(profile=profile).exists():
            raise DirectoryConflict(
                f"{user.email} already has another directory user here; update that one."
            )
        return profile
    # Inactive until ``_set_active`` lets them in (and invites them when they need to be).
    Membership.objects.update_or_create(
        organization=organization, user=user, defaults={"is_active": False}
    )
    profile = Profile.objects.create(
        organization=organization,
        user=user,
        display_name=user_name[: Profile._meta.get_field("display_name").max_length],
    )
    return profile


def _set_active(organization: Organization, profile: Profile, active: bool) -> None:
    """Let the person in (with an invitation to choose a password when they have none and
    the organization has no single sign-on), or end their membership."""
    if active:
        let_in = Membership.objects.filter(user_id=profile.user_id, is_active=False)
        user = profile.user
        if (
            let_in.update(is_active=True)
            and not user.has_usable_password()
            and not _uses_single_sign_on(organization)
        ):
            invitation_to_choose_password(organization=organization, email=user.email)
    else:
        membership_end(organization=organization, profile=profile, reason="directory")


def directory_user_create(*, organization: Organization, fields: UserFields) -> DirectoryUser:
    _refuse_nul(fields)
    user_name = _required(fields.user_name, "userName")
    active = fields.active is not False
    directory_user = DirectoryUser(organization=organization)
    _store(directory_user, fields, user_name, active)
    with transaction.atomic():
        _claim_user_name(organization, user_name)
        email = _email_of(fields, user_name)
        user = _account_for(email)
        directory_user.profile = _member(organization, user, user_name=user_name)
        profile = directory_user.profile
        try:
            with transaction.atomic():
                directory_user.save()
        except IntegrityError as error:
            raise DirectoryConflict(f"{user_name!r} is provisioned here already.") from error
        _sync_profile(organization, profile, fields, user_name)
        _set_active(organization, profile, active)
    return directory_user


def _store(directory_user: DirectoryUser, fields: UserFields, user_name: str, active) -> None:
    directory_user.user_name = user_name
    directory_user.active = active
    directory_user.external_id = (fields.external_id or "").strip()
    directory_user.given_name = (fields.given_name or "").strip()
    directory_user.family_name = (fields.family_name or "").strip()
    directory_user.emails = list(fields.emails or [])
    directory_user.employee_number = (fields.employee_number or "").strip()
    _check_text(directory_user)


def _locked_user(directory_user: DirectoryUser, expected_version: int | None) -> DirectoryUser:
    locked = (
        DirectoryUser.objects.select_for_update(of=("self",))
        .select_related("profile")
        .filter(pk=directory_user.pk)
        .first()
    )
    if locked is None:
        raise DirectoryError("This user is no longer provisioned here.", "noTarget")
    _check_version(locked, expected_version)
    return locked


def directory_user_replace(
    *,
    organization: Organization,
    directory_user: DirectoryUser,
    fields: UserFields,
    expected_version: int | None = None,
) -> DirectoryUser:
    """Replace the whole record (PUT; PATCH once its operations are applied): a field that is
    None is absent and cleared, except ``active``, kept as it is when absent."""
    _refuse_nul(fields)
    user_name = _required(fields.user_name, "userName")
    with transaction.atomic():
        locked = _locked_user(directory_user, expected_version)
        if user_name.lower() != locked.user_name.lower():
            _claim_user_name(organization, user_name, exclude=locked)
        _email_of(fields, user_name)
        active = locked.active if fields.active is None else fields.active
        was_active = locked.active
        _store(locked, fields, user_name, active)
        locked.version += 1
        locked.save()
        _sync_profile(organization, locked.profile, fields, user_name)
        if active != was_active:
            _set_active(organization, locked.profile, active)
    return locked


def directory_user_delete(*, organization: Organization, directory_user: DirectoryUser) -> None:
    """End the person's membership and forget the record; their profile and history stay."""
    with transaction.atomic():
        locked = _locked_user(directory_user, None)
        profile = locked.profile
        membership_end(organization=organization, profile=profile, reason="directory")
        locked.delete()
        Profile.objects.filter(pk=profile.pk).update(synced_fields=[])


# Groups ---------------------------------------------------------------------------------


def _claim_group_name(organization: Organization, name: str, *, exclude=None) -> None:
    _lock(organization, f"group:{name.lower()}")
    clash = DirectoryGroup.objects.filter(display_name__iexact=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise DirectoryConflict(f"Another group is already called {name!r}.")


def _users_for(scim_ids: Iterable[str]) -> list[DirectoryUser]:
    """The directory users of these SCIM ids, in one query; an unknown id is a 400."""
    ids = _scim_ids(scim_ids)
    found = {str(u.scim_id): u for u in DirectoryUser.objects.filter(scim_id__in=ids.values())}
    unknown = [value for value, scim_id in ids.items() if str(scim_id) not in found]
    if unknown:
        raise DirectoryError(f"No user here has the id {unknown[0]!r}.")
    return [found[str(scim_id)] for scim_id in ids.values()]


def _locked_group(group: DirectoryGroup, expected_version: int | None) -> DirectoryGroup:
    locked = DirectoryGroup.objects.select_for_update().filter(pk=group.pk).first()
    if locked is None:
        raise DirectoryError("This group no longer exists here.", "noTarget")
    _check_version(locked, expected_version)
    return locked


def _change_members(
    organization: Organization, group: DirectoryGroup, add: Iterable[str], remove: Iterable[str]
) -> set[int]:
    """Add and remove members by SCIM id; the ids of the directory users that changed."""
    adding = {u.pk for u in _users_for(add)}
    removing = {u.pk for u in _users_for(remove)} - adding
    current = set(
        DirectoryGroupMember.objects.filter(group=group).values_list("member_id", flat=True)
    )
    new = adding - current
    gone = removing & current
    DirectoryGroupMember.objects.bulk_create(
        [DirectoryGroupMember(organization=organization, group=group, member_id=pk) for pk in new]
    )
    if gone:
        DirectoryGroupMember.objects.filter(group=group, member_id__in=gone).delete()
    return new | gone


def directory_group_create(*, organization: Organization, fields: GroupFields) -> DirectoryGroup:
    _refuse_nul(fields)
    name = _required(fields.display_name, "displayName")
    with transaction.atomic():
        _claim_group_name(organization, name)
        group = DirectoryGroup(
            organization=organization,
            display_name=name,
            external_id=(fields.external_id or "").strip(),
        )
        _check_text(group)
        group.save()
        _apply_roles(
            organization, _change_members(organization, group, fields.member_ids or (), ())
        )
    return group


def directory_group_replace(
    *,
    organization: Organization,
    group: DirectoryGroup,
    fields: GroupFields,
    expected_version: int | None = None,
) -> DirectoryGroup:
    """Replace the name, external id and members (``member_ids`` None: members unchanged,
    as for a PATCH of the name; a PUT sends the list, empty or not)."""
    _refuse_nul(fields)
    name = _required(fields.display_name, "displayName")
    with transaction.atomic():
        locked = _locked_group(group, expected_version)
        if name.lower() != locked.display_name.lower():
            _claim_group_name(organization, name, exclude=locked)
        changed = set()
        if fields.member_ids is not None:
            wanted = {str(u.scim_id) for u in _users_for(fields.member_ids)}
            current = {str(pk) for pk in locked.members.values_list("scim_id", flat=True)}
            changed = _change_members(organization, locked, wanted - current, current - wanted)
        locked.display_name = name
        locked.external_id = (fields.external_id or "").strip()
        _check_text(locked)
        locked.version += 1
        locked.save()
        _apply_roles(organization, changed)
    return locked


def directory_group_members_change(
    *,
    organization: Organization,
    group: DirectoryGroup,
    add: Sequence[str] = (),
    remove: Sequence[str] = (),
    expected_version: int | None = None,
) -> DirectoryGroup:
    """Add and remove members by SCIM id: adding a member twice or removing a non-member
    changes nothing; an unknown id is a 400 that names it."""
    with transaction.atomic():
        locked = _locked_group(group, expected_version)
        changed = _change_members(organization, locked, add, remove)
        if changed:
            locked.version += 1
            locked.save(update_fields=["version", "updated_at"])
        _apply_roles(organization, changed)
    return locked


def directory_group_delete(*, organization: Organization, group: DirectoryGroup) -> None:
    with transaction.atomic():
        locked = _locked_group(group, None)
        members = set(locked.memberships.values_list("member_id", flat=True))
        locked.delete()
        _apply_roles(organization, members)


def directory_group_role_set(
    *, organization: Organization, actor, group: DirectoryGroup, role: str
) -> DirectoryGroup:
    """A program manager says what the group means here; its members' roles follow."""
    if role not in GroupRole.values:
        raise DirectoryError(f"{role!r} is not a role a group can give.")
    if not Membership.objects.filter(user=actor, role=Role.MANAGER, is_active=True).exists():
        raise PermissionDenied("Only program managers can say what a directory group means.")
    with transaction.atomic():
        locked = _locked_group(group, None)
        locked.role = role
        locked.save(update_fields=["role", "updated_at"])
        record_event(
            organization=organization,
            action=AuditAction.UPDATE,
            actor=actor,
            target=locked,
            changed_fields=["role"],
        )
        _apply_roles(organization, set(locked.memberships.values_list("member_id", flat=True)))
    return locked


def _apply_roles(organization: Organization, directory_user_ids: set[int]) -> None:
    """Give these provisioned people the highest role of their groups, once the organization
    has a group with a role; refuse to leave it without an active program manager."""
    if not directory_user_ids:
        return
    _lock(organization, "roles")
    if not DirectoryGroup.objects.exclude(role=GroupRole.NONE).exists():
        return
    wanted = {pk: Role.MEMBER for pk in directory_user_ids}
    for member_id, role in (
        DirectoryGroupMember.objects.filter(member_id__in=directory_user_ids)
        .exclude(group__role=GroupRole.NONE)
        .values_list("member_id", "group__role")
    ):
        if RANKS[role] > RANKS[wanted[member_id]]:
            wanted[member_id] = Role(role)
    accounts = dict(
        DirectoryUser.objects.filter(pk__in=directory_user_ids).values_list("pk", "profile__user")
    )
    memberships = {
        m.user_id: m
        for m in Membership.objects.select_related("user").filter(user_id__in=accounts.values())
    }
    by_role: dict[str, list[int]] = {}
    demoted = []
    promoted = 0
    for directory_user_id, role in wanted.items():
        membership = memberships.get(accounts[directory_user_id])
        if membership is None or membership.role == role:
            continue
        by_role.setdefault(role, []).append(membership.pk)
        if membership.is_active and membership.role == Role.MANAGER:
            demoted.append(membership)
        elif membership.is_active and role == Role.MANAGER:
            promoted += 1
    if demoted:
        managers = Membership.objects.filter(role=Role.MANAGER, is_active=True).count()
        if managers - len(demoted) + promoted <= 0:
            names = ", ".join(sorted(m.user.email for m in demoted))
            raise DirectoryError(
                f"This change would take the program manager role from {names}, and the "
                "organization would have no active program manager left. Give a group the "
                "program manager role first, or add someone to it."
            )
    for role, pks in by_role.items():
        Membership.objects.filter(pk__in=pks).update(role=role)
    if by_role:
        record_event(
            organization=organization,
            action=AuditAction.ROLE_CHANGE,
            actor_label="directory",
            summary=f"Roles of {sum(map(len, by_role.values()))} people set from their groups.",
        )
