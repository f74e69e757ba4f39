"""Every change to tenant data, recorded by PostgreSQL: one event per inserted, updated or
deleted row, whatever wrote it (a model's ``save()``, ``QuerySet.update()``,
``bulk_create()``, ``bulk_update()``, raw SQL).

- **How.** An ``AFTER INSERT OR UPDATE OR DELETE ... FOR EACH ROW`` trigger on every
  audited table (installed after every ``migrate``, like the row-level-security
  policies) adds the event to ``mentoring_auditevent`` in the same transaction: a write
  that rolls back leaves no event, and no write path can skip it.
- **What is kept.** The row's model and id, and for an update the *names* of the fields
  whose value changed, never the values: notes and feedback are private text. (A role
  change is the exception that proves the rule: "member → manager" names two choices.)
  An update that changed nothing writes no event; ``updated_at`` and the fields listed
  in a model's ``audit_unlogged_fields`` are not counted as changes.
- **Who and from where.** Every write statement carries the current actor (request,
  task or command, ``context.actor_setting``) in a transaction-local setting; a write
  from outside the application (``psql``) names its database role.
- **Survey answers** (models marked ``audit_anonymously``) are logged without who, from where and
  the exact time (the day only), and without the row's id: managers read the log.
- **An organization deleted with all its rows** (an operator action, as the table owner,
  ``mentoring.privacy.deletion``) writes no events: the log is deleted with it.
"""

from __future__ import annotations

import json

from django.apps import apps
from django.conf import settings
from django.db import connections, models

from mentoring.tenancy import database
from mentoring.tenancy.models import Membership, TenantModel

from .context import actor_setting
from .models import AuditEvent

ACTOR_SETTING = "app.audit_actor"
# Set by the organization's deletion: its rows go without events.
DELETING_ORGANIZATION_SETTING = "app.deleting_organization"
EVENTS = AuditEvent._meta.db_table
FUNCTION = "audit_record_change"
TRIGGER = "audit_change"


def excluded_models() -> dict[type[models.Model], str]:
    """Tenant models whose changes are not logged, and why."""
    from mentoring.notifications.models import OutboxMessage

    return {
        AuditEvent: "The log itself: logging its rows would never end.",
        OutboxMessage: (
            "The outgoing mail queue: every row follows from a change that is logged "
            "already, and the sender claims, retries and marks rows every minute; "
            "logging that bookkeeping would bury the log."
        ),
    }


def unlogged_fields(model: type[models.Model]) -> dict[str, str]:
    """Fields whose changes alone are bookkeeping, not events, and why: a model's
    ``audit_unlogged_fields`` (``ApiKey.last_used_at``, stamped on every request)."""
    return dict(getattr(model, "audit_unlogged_fields", {}))


def is_anonymous(model: type[models.Model]) -> bool:
    """A model marked ``audit_anonymously = True`` (survey answers) is logged without who,
    from where, the exact time (the day only) and the row's id."""
    return bool(getattr(model, "audit_anonymously", False))


def audited_models() -> list[type[models.Model]]:
    excluded = excluded_models()
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model not in excluded and not model._meta.proxy
    ]


FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    target_type text := TG_ARGV[0];
    field_names jsonb := TG_ARGV[1]::jsonb;   -- column -> field name, where they differ
    ignored text[] := TG_ARGV[2]::text[];     -- columns whose changes do not count
    anonymous boolean := TG_ARGV[3] = 'anonymous';
    role_column text := NULLIF(TG_ARGV[4], '');  -- its values are logged: a role change
    source jsonb;
    organization bigint;
    actor jsonb := '{{}}';
    changed text[] := '{{}}';
    happened timestamptz := clock_timestamp();
    target_id text;
    role_summary text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        source := to_jsonb(OLD);
    ELSE
        source := to_jsonb(NEW);
    END IF;
    organization := (source ->> 'organization_id')::bigint;
    target_id := source ->> 'id';
    IF TG_OP = 'DELETE'
        AND current_setting('{DELETING_ORGANIZATION_SETTING}', true) = organization::text
        AND pg_has_role(
            current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'MEMBER'
        ) THEN
        RETURN NULL;  -- the organization goes, and its log with it
    END IF;
    IF TG_OP = 'UPDATE' THEN
        SELECT coalesce(array_agg(name ORDER BY name), '{{}}') INTO changed
        FROM (
            SELECT coalesce(field_names ->> after.key, after.key) AS name
            FROM jsonb_each(source) AS after
            JOIN jsonb_each(to_jsonb(OLD)) AS before ON before.key = after.key
            WHERE after.value IS DISTINCT FROM before.value AND NOT after.key = ANY (ignored)
        ) AS names;
        IF cardinality(changed) = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    IF anonymous THEN
        happened := date_trunc('day', happened);
        target_id := '';
    ELSIF coalesce(current_setting('{ACTOR_SETTING}', true), '') <> '' THEN
        actor := convert_from(
            decode(current_setting('{ACTOR_SETTING}', true), 'hex'), 'UTF8'
        )::jsonb;
    ELSE
        actor := jsonb_build_object('label', 'database role ' || current_user);
    END IF;
    IF TG_OP = 'UPDATE' AND role_column IS NOT NULL
        AND role_column = ANY (changed) THEN
        role_summary := (to_jsonb(OLD) ->> role_column) || ' → ' || (source ->> role_column);
        INSERT INTO {EVENTS} (
            organization_id, occurred_at, action, actor_id, actor_label, target_type,
            target_id, summary, changed_fields, ip_address, user_agent
        ) VALUES (
            organization, happened, 'role_change', (actor ->> 'actor_id')::bigint,
            coalesce(actor ->> 'label', ''), target_type, target_id, role_summary,
            jsonb_build_array(role_column), (actor ->> 'ip')::inet, coalesce(actor ->> 'ua', '')
        );
        changed := array_remove(changed, role_column);
        IF cardinality(changed) = 0 THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO {EVENTS} (
        organization_id, occurred_at, action, actor_id, actor_label, target_type, target_id,
        summary, changed_fields, ip_address, user_agent
    ) VALUES (
        organization, happened,
        CASE TG_OP WHEN 'INSERT' THEN 'create' WHEN 'UPDATE' THEN 'update' ELSE 'delete' END,
        (actor ->> 'actor_id')::bigint,
        coalesce(actor ->> 'label', ''), target_type, target_id, '', to_jsonb(changed),
        (actor ->> 'ip')::inet, coalesce(actor ->> 'ua', '')
    );
    RETURN NULL;
END
$$
"""  # noqa: S608  (constants of this module only)


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def trigger_sql(model: type[models.Model]) -> list[str]:
    """The audit trigger of one model's table, its field names and ignored columns."""
    fields = model._meta.concrete_fields
    field_names = {field.column: field.name for field in fields if field.column != field.name}
    ignored = {"id", "organization_id", "updated_at"}
    ignored |= {field.column for field in fields if getattr(field, "auto_now", False)}
    ignored |= {field.column for field in fields if field.name in unlogged_fields(model)}
    arguments = [
        model._meta.label_lower,
        json.dumps(field_names, sort_keys=True),
        "{" + ",".join(sorted(ignored)) + "}",
        "anonymous" if is_anonymous(model) else "",
        "role" if model is Membership else "",
    ]
    table = model._meta.db_table
    return [
        f'DROP TRIGGER IF EXISTS {TRIGGER} ON "{table}"',
        f'CREATE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}({', '.join(map(_literal, arguments))})",
    ]


def apply_audit_triggers(using: str) -> None:
    """Install the function and every audited table's trigger (idempotent)."""
    statements = [FUNCTION_SQL, *(sql for model in audited_models() for sql in trigger_sql(model))]
    with connections[using].cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def sync_after_migrate(sender, using, plan=None, **kwargs) -> None:
    # Like the policies: `flush` sends post_migrate on the app role's connection too.
    if connections[using].settings_dict["USER"] != settings.DATABASE_APP_ROLE:
        apply_audit_triggers(using)


def connect() -> None:
    """Every write statement names its actor; every migrate (re)installs the triggers
    (``MentoringConfig.ready``)."""
    from django.db.models.signals import post_migrate

    database.add_write_setting(ACTOR_SETTING, actor_setting)
    post_migrate.connect(
        sync_after_migrate, sender=apps.get_app_config("mentoring"), dispatch_uid="audit-triggers"
    )
