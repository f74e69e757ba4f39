"""PostgreSQL's guarantee that a foreign key between tenant rows stays inside one organization.

For every foreign key (or one-to-one) from a tenant model to another tenant model, the
target table gets a ``UNIQUE (organization_id, <pk>)`` key and the referencing table a
second, composite foreign key ``(organization_id, <fk>_id)`` onto it. A row of
organization A that points at a row of organization B has no partner under that key, so
the database refuses it, whatever code path wrote it (raw SQL, ``queryset.update()``,
``all_organizations()``).

Django's own single-column foreign key stays: Django emulates ``on_delete`` itself, and
the composite key only checks. It is ``MATCH SIMPLE`` (a NULL reference passes, like a
nullable foreign key), ``ON DELETE NO ACTION`` and ``DEFERRABLE INITIALLY DEFERRED``, like
Django's keys, so cascades and ``SET_NULL`` run in Django's order and the check happens at
commit.

Like row-level security (``mentoring.tenancy.database``), the keys are applied after
every ``migrate`` as the owner, idempotently, from the models: a new tenant foreign key is
protected by the next ``migrate`` without anyone writing a migration. Keys that no longer
match a model field (the field was removed or retargeted) are dropped.

Many-to-many fields between tenant models need an explicit through model that is itself
a ``TenantModel`` (an auto-created through table has no ``organization_id`` and no
row-level security); ``tests/mentoring/test_schema_integrity.py`` fails otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connections
from django.db.backends.utils import names_digest  # type: ignore[attr-defined]  # Django internal, on purpose

ORGANIZATION_COLUMN = "organization_id"
FOREIGN_KEY_PREFIX = "tenant_fk_"
UNIQUE_KEY_PREFIX = "tenant_key_"
_MAX_NAME = 63  # PostgreSQL's NAMEDATALEN - 1


def _name(prefix: str, readable: str, *parts: str) -> str:
    digest = names_digest(*parts, length=8)
    room = _MAX_NAME - len(prefix) - len(digest) - 1
    return f"{prefix}{readable[:room]}_{digest}"


@dataclass(frozen=True)
class TenantReference:
    """``table.column`` refers to ``target_table.target_column``, both tenant tables."""

    table: str
    column: str
    target_table: str
    target_column: str

    @property
    def constraint_name(self) -> str:
        return _name(
            FOREIGN_KEY_PREFIX,
            f"{self.table}_{self.column}",
            self.table,
            self.column,
            self.target_table,
            self.target_column,
        )

    @property
    def target_key_name(self) -> str:
        return target_key_name(self.target_table, self.target_column)

    def add_sql(self) -> str:
        return (
            f'ALTER TABLE "{self.table}" ADD CONSTRAINT "{self.constraint_name}" '
            f'FOREIGN KEY ("{ORGANIZATION_COLUMN}", "{self.column}") '
            f'REFERENCES "{self.target_table}" ("{ORGANIZATION_COLUMN}", "{self.target_column}") '
            "MATCH SIMPLE ON UPDATE NO ACTION ON DELETE NO ACTION DEFERRABLE INITIALLY DEFERRED"
        )


def target_key_name(table: str, column: str) -> str:
    return _name(UNIQUE_KEY_PREFIX, table, table, ORGANIZATION_COLUMN, column)


def _is_tenant_model(model) -> bool:
    from .models import TenantModel

    return isinstance(model, type) and issubclass(model, TenantModel) and not model._meta.proxy


def tenant_references() -> list[TenantReference]:
    """Every foreign key or one-to-one column from a tenant table to a tenant table."""
    references = set()
    for model in apps.get_models(include_auto_created=True):
        if not _is_tenant_model(model):
            continue
        # django-stubs types these as Field; the many-to-one and one-to-one ones are
        # ForeignKeys, which have db_constraint and target_field.
        for field in model._meta.local_concrete_fields:
            if not (field.many_to_one or field.one_to_one) or not field.remote_field:
                continue
            target = field.remote_field.model
            if not _is_tenant_model(target) or not field.db_constraint:  # type: ignore[attr-defined]  # FK attribute
                continue
            references.add(
                TenantReference(
                    table=model._meta.db_table,
                    column=field.column,
                    target_table=target._meta.db_table,
                    target_column=field.target_field.column,  # type: ignore[attr-defined]  # FK attribute
                )
            )
    return sorted(references, key=lambda r: (r.table, r.column))


def tenant_many_to_many_without_tenant_through() -> list[str]:
    """M2M fields touching a tenant model whose through table is not a tenant table."""
    found = []
    for model in apps.get_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            touches_tenant = _is_tenant_model(model) or _is_tenant_model(field.remote_field.model)
            if touches_tenant and not _is_tenant_model(through):
                found.append(f"{model._meta.label}.{field.name}")
    return sorted(found)


def _catalog(cursor) -> tuple[set[tuple[str, str]], dict[str, str]]:
    """(table, column) pairs of the current schema, and our constraints' names -> table."""
    cursor.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_schema = current_schema()"
    )
    columns = {(table, column) for table, column in cursor.fetchall()}
    cursor.execute(
        "SELECT con.conname, rel.relname FROM pg_constraint con "
        "JOIN pg_class rel ON rel.oid = con.conrelid "
        "WHERE rel.relnamespace = current_schema()::regnamespace "
        "AND (con.conname LIKE %s OR con.conname LIKE %s)",
        [FOREIGN_KEY_PREFIX.replace("_", r"\_") + "%", UNIQUE_KEY_PREFIX.replace("_", r"\_") + "%"],
    )
    constraints = dict(cursor.fetchall())
    return columns, constraints


def integrity_sql(cursor) -> list[str]:
    """The statements that bring the schema in line with the models (none when it is)."""
    columns, existing = _catalog(cursor)

    def present(table: str, *names: str) -> bool:
        return all((table, name) in columns for name in names)

    references = [
        reference
        for reference in tenant_references()
        if present(reference.table, ORGANIZATION_COLUMN, reference.column)
        and present(reference.target_table, ORGANIZATION_COLUMN, reference.target_column)
    ]
    wanted = {reference.constraint_name for reference in references}
    statements = [
        f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"'
        for name, table in sorted(existing.items())
        if name.startswith(FOREIGN_KEY_PREFIX) and name not in wanted
    ]
    keys_added = set()
    for reference in references:
        key = reference.target_key_name
        if key not in existing and key not in keys_added:
            keys_added.add(key)
            statements.append(
                f'ALTER TABLE "{reference.target_table}" ADD CONSTRAINT "{key}" '
                f'UNIQUE ("{ORGANIZATION_COLUMN}", "{reference.target_column}")'
            )
    statements += [
        reference.add_sql() for reference in references if reference.constraint_name not in existing
    ]
    return statements


def apply_tenant_integrity(using: str) -> None:
    """Give every tenant foreign key its same-organization twin (idempotent; as the owner)."""
    with connections[using].cursor() as cursor:
        for sql in integrity_sql(cursor):
            cursor.execute(sql)
