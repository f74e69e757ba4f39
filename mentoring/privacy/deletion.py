"""Deleting a whole organization, and proving it is gone.

The rows are deleted table by table through the owner's connection (the application's
role may not delete audit events) inside ``all_organizations()``, in one transaction:
PostgreSQL checks the foreign keys, all deferred, at commit. The tables come from
PostgreSQL's catalog (every table with an ``organization_id`` column), not from the
models, so a table the models forgot is deleted and counted too.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import connections, transaction

from mentoring.audit.capture import DELETING_ORGANIZATION_SETTING
from mentoring.tenancy import all_organizations
from mentoring.tenancy.models import Membership, Organization

OWNER = "owner"

TABLES_WITH_ORGANIZATION_SQL = """
SELECT c.relname
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE a.attname = 'organization_id' AND NOT a.attisdropped
  AND c.relkind IN ('r', 'p') AND n.nspname = current_schema()
ORDER BY c.relname
"""


class DeletionIncomplete(RuntimeError):
    """Rows of the organization remain after deleting it."""


def tables_with_organization(using: str = OWNER) -> list[str]:
    with connections[using].cursor() as cursor:
        cursor.execute(TABLES_WITH_ORGANIZATION_SQL)
        return [name for (name,) in cursor.fetchall()]


# Table names below come from PostgreSQL's catalog or the models, quoted; every value is a
# parameter (hence the noqa: S608).
ORGANIZATION_TABLE = Organization._meta.db_table


def count_rows(organization_id: int, using: str = OWNER) -> dict[str, int]:
    """{table: rows of the organization} for every table with an organization_id column,
    plus the organization's own row. Run inside ``all_organizations()``."""
    counts = {}
    with connections[using].cursor() as cursor:
        for table in tables_with_organization(using):
            cursor.execute(
                f'SELECT count(*) FROM "{table}" WHERE organization_id = %s',  # noqa: S608
                [organization_id],
            )
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            f'SELECT count(*) FROM "{ORGANIZATION_TABLE}" WHERE id = %s',  # noqa: S608
            [organization_id],
        )
        counts[ORGANIZATION_TABLE] = cursor.fetchone()[0]
    return counts


def remaining(organization_id: int, using: str = OWNER) -> dict[str, int]:
    return {table: n for table, n in count_rows(organization_id, using).items() if n}


def _delete_rows(organization_id: int, tables: list[str], using: str) -> dict[str, int]:
    deleted = {}
    with connections[using].cursor() as cursor:
        # Its rows go without audit events (the log goes with them): the triggers skip
        # them for the table owner, for this organization, in this transaction.
        cursor.execute(
            "SELECT set_config(%s, %s, true)", [DELETING_ORGANIZATION_SETTING, str(organization_id)]
        )
        for table in tables:
            cursor.execute(
                f'DELETE FROM "{table}" WHERE organization_id = %s',  # noqa: S608
                [organization_id],
            )
            deleted[table] = cursor.rowcount
        # The platform's record of the organization's mail domains (no tenant table:
        # mentoring.accounts.models.VerifiedDomain); the domains become free again.
        cursor.execute(
            "DELETE FROM mentoring_verifieddomain WHERE owner_organization_id = %s",
            [organization_id],
        )
        cursor.execute(
            f'DELETE FROM "{ORGANIZATION_TABLE}" WHERE id = %s',  # noqa: S608
            [organization_id],
        )
    return deleted


def delete_organization_rows(organization: Organization, using: str = OWNER) -> dict:
    """Delete every row of ``organization``, then the accounts that belonged to it only
    (platform staff keep theirs). Raises ``DeletionIncomplete``, with nothing deleted,
    when any row would remain. Returns {"rows": {table: n}, "users": n}."""
    organization_id = organization.pk
    User = get_user_model()
    with all_organizations(), transaction.atomic(using=using):
        member_ids = list(
            Membership.unscoped.using(using)
            .filter(organization_id=organization_id)
            .values_list("user_id", flat=True)
        )
        rows = _delete_rows(organization_id, tables_to_delete(using), using)
        left = remaining(organization_id, using)
        if left:
            raise DeletionIncomplete(_describe(organization, left, "so nothing was deleted"))
        # Accounts with no membership left anywhere. Deleting them also deletes their
        # email addresses and sign-in methods, and empties links to them elsewhere
        # (an invitation's "invited by"); audit events keep the bare id.
        orphans = (
            User.objects.db_manager(using)
            .filter(pk__in=member_ids, is_staff=False, is_superuser=False)
            .exclude(pk__in=Membership.unscoped.using(using).values("user_id"))
        )
        _total, per_model = orphans.delete()
    with all_organizations():
        left = remaining(organization_id, using)
    if left:  # written by someone else while this ran
        raise DeletionIncomplete(_describe(organization, left, "after the deletion"))
    return {"rows": rows, "users": per_model.get(User._meta.label, 0)}


def tables_to_delete(using: str = OWNER) -> list[str]:
    """The tables to delete from: every table the check counts."""
    return tables_with_organization(using)


def _describe(organization: Organization, left: dict[str, int], when: str) -> str:
    tables = ", ".join(f"{table}: {n}" for table, n in sorted(left.items()))
    return (
        f"Rows of organization {organization.slug} (id {organization.pk}) remain, {when}: {tables}."
    )
