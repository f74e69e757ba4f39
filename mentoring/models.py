"""The core app's models, defined by concern in its subpackages."""

from mentoring.accounts.models import IdentityProvider, Invitation, VerifiedDomain
from mentoring.api.models import ApiKey
from mentoring.audit.models import AuditAction, AuditEvent
from mentoring.directory.models import DirectoryGroup, DirectoryGroupMember, DirectoryUser
from mentoring.jobs.models import Job
from mentoring.notifications.models import Notice, NotificationSetting, OutboxMessage
from mentoring.people.models import Department, Profile, SeniorityLevel
from mentoring.tenancy.models import Membership, Organization, Role, TenantModel

__all__ = [
    "ApiKey",
    "AuditAction",
    "AuditEvent",
    "Department",
    "DirectoryGroup",
    "DirectoryGroupMember",
    "DirectoryUser",
    "IdentityProvider",
    "Invitation",
    "Job",
    "Membership",
    "Notice",
    "NotificationSetting",
    "Organization",
    "OutboxMessage",
    "Profile",
    "Role",
    "SeniorityLevel",
    "TenantModel",
    "VerifiedDomain",
]
