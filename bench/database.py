"""A scratch PostgreSQL database for benchmarks: the devstack's servers (embedded unless
DATABASE_URL / REDIS_URL are set), a fresh database named ``mentoring_bench``, migrated."""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

from mentoring.devstack import Services, installation_secrets

NAME = "mentoring_bench"


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def fresh_database(name: str = NAME) -> Services:
    """Start the services, recreate the bench database ``name``, configure and migrate
    Django. A benchmark with a name of its own can run beside the others."""
    services = Services()
    services.start()
    admin = psycopg2.connect(_with_database(services.owner_url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    admin.close()
    for variable, value in installation_secrets().items():  # the production servers too
        os.environ.setdefault(variable, value)
    os.environ.update(
        DATABASE_URL=_with_database(services.database_url, name),
        DATABASE_OWNER_URL=_with_database(services.owner_url, name),
        REDIS_URL=services.redis_url,
        DJANGO_SETTINGS_MODULE="mentoring.settings.development",
        DEBUG="false",
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return services
