"""PostgreSQL's half of tenancy: the per-statement setting, the row-level security
policies and the ``updated_at`` triggers.

Every statement the application sends starts with ``set_config(..., true)``, which
lasts for the statement's own transaction. In autocommit mode a multi-statement
query runs as one transaction, and inside ``atomic()`` the next statement renews it,
so the database always sees the organization the Python code sees: no connection
carries a stale value to the next request, pooled or not. Write statements also carry
the settings other core modules add (``add_write_setting``: who is acting, for the
audit log's triggers).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.signals import connection_created

from .context import current_organization_id, sees_all_organizations

ORGANIZATION_SETTING = "app.organization_id"
ALL_ORGANIZATIONS_SETTING = "app.all_organizations"
POLICY_NAME = "tenant_isolation"
UPDATED_AT_FUNCTION = "tenancy_stamp_updated_at"
UPDATED_AT_TRIGGER = "tenancy_updated_at"

# Settings that every *write* statement carries besides the organization, added by the
# core modules that need them (the audit log's actor): {name: function returning text}.
# The text goes out hex-encoded (only 0-9a-f reaches the SQL); read it back with
# convert_from(decode(current_setting(name, true), 'hex'), 'UTF8').
_write_settings: dict[str, Callable[[], str]] = {}
_building = contextvars.ContextVar("tenancy_building_prefix", default=False)


def add_write_setting(name: str, value: Callable[[], str]) -> None:
    _write_settings[name] = value


def _scope_prefix(verb: str) -> str:
    organization_id = current_organization_id()
    organization = str(int(organization_id)) if organization_id is not None else ""
    every = "on" if sees_all_organizations() else ""
    settings_sql = [
        f"set_config('{ORGANIZATION_SETTING}', '{organization}', true)",
        f"set_config('{ALL_ORGANIZATIONS_SETTING}', '{every}', true)",
    ]
    # A value may need a query of its own (the request's user): that query is no write,
    # and the flag keeps it from building a prefix of its own anyway.
    if _write_settings and verb.startswith(_WRITE_VERBS) and not _building.get():
        token = _building.set(True)
        try:
            for name, value in _write_settings.items():
                settings_sql.append(f"set_config('{name}', '{value().encode().hex()}', true)")
        finally:
            _building.reset(token)
    return f"SELECT {', '.join(settings_sql)}; "


# Row-level security applies to these; DDL, transaction control and CREATE DATABASE
# (which may not run inside a transaction) go out untouched.
_SCOPED_VERBS = ("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "COPY")
_WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "WITH", "MERGE", "COPY")


def scope_statement(execute, sql, params, many, context):
    verb = sql.lstrip()[:6].upper()
    if verb.startswith(_SCOPED_VERBS):
        sql = _scope_prefix(verb) + sql
    return execute(sql, params, many, context)


def install_statement_scope(sender, connection, **kwargs):
    if connection.vendor == "postgresql" and scope_statement not in connection.execute_wrappers:
        connection.execute_wrappers.append(scope_statement)


connection_created.connect(install_statement_scope, dispatch_uid="tenancy-statement-scope")


def tenant_tables() -> list[str]:
    from .models import TenantModel

    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if issubclass(model, TenantModel) and not model._meta.proxy
    )


def policy_sql(table: str) -> list[str]:
    predicate = (
        f"organization_id = NULLIF(current_setting('{ORGANIZATION_SETTING}', true), '')::bigint "
        f"OR current_setting('{ALL_ORGANIZATIONS_SETTING}', true) = 'on'"
    )
    return [
        f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY',
        f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY',
        f'DROP POLICY IF EXISTS {POLICY_NAME} ON "{table}"',
        f'CREATE POLICY {POLICY_NAME} ON "{table}" USING ({predicate}) WITH CHECK ({predicate})',
    ]


def stamped_tables() -> list[str]:
    """Tenant tables with an ``updated_at`` column (every one but the append-only log)."""
    from .models import TenantModel

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel)
        and not model._meta.proxy
        and any(field.column == "updated_at" for field in model._meta.concrete_fields)
    )


# clock_timestamp(), the moment of the write, rather than now(), the moment its
# transaction began: rows keep the order they were written in, as ``auto_now`` gave them.
# Either way a row is stamped before its transaction commits, so a poller could see a
# later stamp before an earlier one is committed: the HR API's ``updated_since`` holds
# back rows not older than every transaction still open (``mentoring.api.base``).
# Every UPDATE stamps, as ``auto_now`` did: a save of an unchanged row counts as touched
# (a match-run draft is stale once an enrolment it read was saved again).
UPDATED_AT_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {UPDATED_AT_FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := clock_timestamp();
    RETURN NEW;
END
$$
"""


def updated_at_sql(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS {UPDATED_AT_TRIGGER} ON "{table}"',
        f'CREATE TRIGGER {UPDATED_AT_TRIGGER} BEFORE INSERT OR UPDATE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {UPDATED_AT_FUNCTION}()",
    ]


def grant_sql(role: str) -> list[str]:
    extra = getattr(settings, "TENANCY_APP_ROLE_EXTRA_PRIVILEGES", [])
    privileges = ", ".join(["SELECT", "INSERT", "UPDATE", "DELETE", *extra])
    return [
        f'GRANT USAGE ON SCHEMA public TO "{role}"',
        f'GRANT {privileges} ON ALL TABLES IN SCHEMA public TO "{role}"',
        f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"',
        *append_only_sql(role, extra),
    ]


def append_only_tables() -> list[str]:
    """Tables of models marked ``append_only = True`` (the audit log): the application
    role may add and read rows there, never change or remove them."""
    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "append_only", False) and not model._meta.proxy
    )


def append_only_sql(role: str, extra=()) -> list[str]:
    # TRUNCATE is never granted outside the test settings, whose flush between
    # transactional tests empties every table at once; they keep it for that.
    kept = {"TRUNCATE"} & {privilege.upper() for privilege in extra}
    revoked = ", ".join(p for p in ("UPDATE", "DELETE", "TRUNCATE") if p not in kept)
    return [f'REVOKE {revoked} ON "{table}" FROM "{role}"' for table in append_only_tables()]


def apply_tenant_security(using: str) -> None:
    """Give every tenant table its policy and its ``updated_at`` trigger, and the app
    role its grants (idempotent)."""
    statements = [sql for table in tenant_tables() for sql in policy_sql(table)]
    statements.append(UPDATED_AT_FUNCTION_SQL)
    statements += [sql for table in stamped_tables() for sql in updated_at_sql(table)]
    role = settings.DATABASE_APP_ROLE
    owner = connections[using].settings_dict["USER"]
    if role and role != owner:
        statements += grant_sql(role)
    with connections[using].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def sync_after_migrate(sender, using, plan=None, **kwargs):
    # `flush` (between transactional tests) sends post_migrate too, on the app role's
    # connection, which may not alter tables; the policies are in place already then.
    if connections[using].settings_dict["USER"] != settings.DATABASE_APP_ROLE:
        apply_tenant_security(using)
        from .integrity import apply_tenant_integrity

        apply_tenant_integrity(using)
