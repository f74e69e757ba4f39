"""Erasing a person from one organization: what they wrote and who they are goes; the
numbers programme statistics need stay.

Kept: rows themselves, dates, statuses, durations, ratings, progress scores, survey
scores, feedback specificity and kinds, department and seniority level (statistics
group by them), and every link between rows, so counts and averages do not move.

Each app's privacy rules (``mentoring.privacy.rules``) empty the texts of its own rows;
the sum is what follows.

Removed: the name (it becomes "Former member #<profile id>"), job title, biography,
languages, reporting line; every free text the person wrote; the texts of their
mentorships (shared notes, agendas, agreements, action items, fit-check comments,
feedback both ways, goal reviews of their goals), which are about them as much as
about their partner; their private notes (deleted); texts managers wrote about them
(decision and end reasons, overrides, recognition notes); their name inside the
organization's stored emails. The partner's own private notes stay: they are the
partner's.

The account: when the person belongs to no other organization, the user itself is
pseudonymized, cannot sign in, and its email addresses, authenticators and sign-on
links are deleted. Otherwise their account stays theirs for the other organizations,
and this organization's rows move to a new placeholder account, so that nothing here
(admin lists, HR API) still leads to their address.

The audit log is not changed: the database does not let the application change it.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.html import escape

from mentoring.accounts.models import Invitation
from mentoring.notifications.models import (
    Kind,
    Notice,
    NotificationSetting,
    OutboxMessage,
    Status,
)
from mentoring.people.models import Profile
from mentoring.tenancy import all_organizations
from mentoring.tenancy.models import Membership

from .corrections import correction_emails_of
from .rules import REMOVED, Erasure, all_rules

ERASED_DOMAIN = "erased.invalid"
# Replacing a name inside stored emails is safe only for a name long enough not to be
# part of ordinary words.
MIN_NAME_TO_REPLACE = 4


def former_member_name(profile: Profile) -> str:
    return f"Former member #{profile.pk}"


def former_member_email(profile: Profile) -> str:
    return f"former-member-{profile.pk}@{ERASED_DOMAIN}"


def is_erased(profile: Profile) -> bool:
    return profile.user.email.endswith(f"@{ERASED_DOMAIN}")


def _has_other_membership(user, organization) -> bool:
    # Memberships of other organizations are invisible inside activate(); this one
    # question needs all of them.
    with all_organizations():
        return Membership.unscoped.filter(user=user).exclude(organization=organization).exists()


def _holder(profile: Profile, organization):
    """The account that keeps this organization's rows of the erased person."""
    user = profile.user
    email = former_member_email(profile)
    if _has_other_membership(user, organization):
        holder = get_user_model().objects.create(username=email, email=email, is_active=False)
        holder.set_unusable_password()
        holder.save(update_fields=["password"])
        return holder, False
    _erase_account(user, email)
    return user, True


def _erase_account(user, email: str) -> None:
    user.username = email
    user.email = email
    user.first_name = ""
    user.last_name = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    for label in ("account.EmailAddress", "mfa.Authenticator", "socialaccount.SocialAccount"):
        app_label = label.split(".")[0]
        if any(config.label == app_label for config in apps.get_app_configs()):
            apps.get_model(label).objects.filter(user=user).delete()


def erase_person_data(*, organization, profile: Profile) -> dict[str, int]:
    """Erase ``profile`` in the active ``organization`` (see the module's docstring).
    Returns {what: rows changed}. The caller holds the transaction and the audit."""
    now = timezone.now()
    old_name = profile.display_name
    old_email = profile.user.email
    user = profile.user
    holder, account_erased = _holder(profile, organization)
    new_email = holder.email
    changed: dict[str, int] = {}

    profile.user = holder
    profile.display_name = former_member_name(profile)
    profile.job_title = ""
    profile.bio = ""
    profile.languages = []
    profile.manager = None
    profile.time_zone = "UTC"
    profile.synced_fields = []  # the directory's record goes too (mentoring.directory.privacy)
    profile.save()
    changed["memberships"] = Membership.objects.filter(user=user).update(
        user=holder, is_active=False
    )

    changed["invitations"] = Invitation.objects.filter(email__iexact=old_email).update(
        email=new_email, display_name="", job_title=""
    )
    if not account_erased:
        Invitation.objects.filter(accepted_by=user).update(accepted_by=holder)
        Invitation.objects.filter(invited_by=user).update(invited_by=holder)

    # Each app empties its own rows (their privacy rules, in the order of INSTALLED_APPS).
    erasure = Erasure(organization, profile, user, holder, now)
    for rules in all_rules():
        if rules.erase is not None:
            changed.update(rules.erase(erasure))

    # No more emails to them from this organization.
    for kind in Kind.values:
        NotificationSetting.objects.update_or_create(
            person=profile, kind=kind, defaults={"is_enabled": False}
        )
    changed["emails"] = OutboxMessage.objects.filter(recipient=user).update(
        recipient=holder,
        to_email=new_email,
        subject=REMOVED,
        body_text="",
        body_html="",
        headers={},
        attachments=[],
    )
    OutboxMessage.objects.filter(
        recipient=holder, status__in=[Status.PENDING, Status.SENDING]
    ).update(status=Status.FAILED, last_error="Not sent: the recipient's data was erased.")
    # Their requests for a profile correction, in the program managers' emails.
    corrections = correction_emails_of(profile)
    corrections.filter(status__in=[Status.PENDING, Status.SENDING]).update(
        status=Status.FAILED, last_error="Not sent: the sender's data was erased."
    )
    changed["emails"] += corrections.update(body_text=REMOVED, body_html=REMOVED)
    replacements = [(old_email, new_email)]
    if len(old_name.strip()) >= MIN_NAME_TO_REPLACE:
        replacements.append((old_name, profile.display_name))
        if escape(old_name) != old_name:  # as it stands in the HTML bodies
            replacements.append((str(escape(old_name)), profile.display_name))
    changed["notice_titles"] = 0
    for old, new in replacements:
        # Other people's "what's new" lines that name them ("… planned a session").
        changed["notice_titles"] += Notice.objects.filter(title__contains=old).update(
            title=Replace(F("title"), Value(old), Value(new))
        )
        changed["emails"] += OutboxMessage.objects.filter(
            Q(subject__contains=old) | Q(body_text__contains=old) | Q(body_html__contains=old)
        ).update(
            subject=Replace(F("subject"), Value(old), Value(new)),
            body_text=Replace(F("body_text"), Value(old), Value(new)),
            body_html=Replace(F("body_html"), Value(old), Value(new)),
        )
    return changed
