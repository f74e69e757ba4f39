"""What PostgreSQL's catalog says about the triggers the platform installs after migrate."""

from django.db import connections


def tables_with_trigger(name: str) -> set[str]:
    """Tables on which the trigger ``name`` is installed and enabled (read as the owner)."""
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE t.tgname = %s AND t.tgenabled = 'O'",
            [name],
        )
        return {table for (table,) in cursor.fetchall()}
