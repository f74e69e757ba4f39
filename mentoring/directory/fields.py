"""What a directory request carries, parsed, and the errors its services raise.

``None`` in a field means "not sent": a PATCH changes only what it names, a PUT sends
everything (and an absent attribute is cleared by the caller, who passes ``""``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class UserFields:
    user_name: str | None = None
    external_id: str | None = None
    active: bool | None = None
    display_name: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    # [{"value": str, "type": str, "primary": bool}]
    emails: list[dict] | None = None
    title: str | None = None
    department: str | None = None
    employee_number: str | None = None
    # the SCIM id of the person's manager; "" clears it
    manager_id: str | None = None


@dataclass(frozen=True)
class GroupFields:
    display_name: str | None = None
    external_id: str | None = None
    # SCIM ids of the members (None: not sent)
    member_ids: list[str] | None = field(default=None)


class DirectoryError(Exception):
    """Bad input: SCIM answers 400 with ``scimType`` (``invalidValue`` unless said)."""

    status = 400

    def __init__(self, detail: str, scim_type: str = "invalidValue") -> None:
        super().__init__(detail)
        self.detail = detail
        self.scim_type = scim_type


class DirectoryConflict(DirectoryError):
    """Another record already has this identifier: 409 ``uniqueness``."""

    status = 409

    def __init__(self, detail: str) -> None:
        super().__init__(detail, "uniqueness")


class VersionMismatch(DirectoryError):
    """``If-Match`` named another version: 412."""

    status = 412

    def __init__(self, detail: str = "The resource changed since you read it.") -> None:
        super().__init__(detail, "")
