import pytest
from django.db import connection, connections

from mentoring.people.models import Department, Profile
from mentoring.tenancy import TenantScopeError, activate, all_organizations
from mentoring.tenancy.database import (
    UPDATED_AT_TRIGGER,
    append_only_tables,
    stamped_tables,
    tenant_tables,
)
from mentoring.tenancy.models import Membership, TenantModel
from tests.builders.triggers import tables_with_trigger


def test_querying_a_tenant_model_with_no_organization_active_raises(world):
    with pytest.raises(TenantScopeError, match="no organization is active"):
        list(Department.objects.all())
    with pytest.raises(TenantScopeError):
        Department.objects.count()
    with pytest.raises(TenantScopeError):
        Department.objects.filter(name="x").exists()


def test_the_scope_error_explains_how_to_fix_it(world):
    with pytest.raises(TenantScopeError) as error:
        Department.objects.first()
    assert "tenancy.activate(organization)" in str(error.value)
    assert "Department.unscoped" in str(error.value)


def test_building_a_queryset_without_an_organization_is_harmless_until_it_runs(world):
    queryset = Department.objects.filter(name__startswith="E")  # e.g. a form built at import
    with activate(world.acme.organization), pytest.raises(TenantScopeError):
        list(queryset)


def test_an_active_organization_sees_only_its_own_rows(world):
    with activate(world.acme.organization):
        names = list(Department.objects.values_list("name", flat=True))
    assert names and all(world.acme.sentinel in name for name in names)


def test_saving_a_row_of_another_organization_is_refused(world):
    with activate(world.acme.organization):
        department = Department.objects.first()
    with activate(world.globex.organization), pytest.raises(TenantScopeError):
        department.name = "moved"
        department.save()


def test_saving_with_no_organization_active_is_refused(world):
    with pytest.raises(TenantScopeError):
        Department(organization=world.acme.organization, name="orphan").save()


def test_the_escape_hatch_sees_every_organization_only_when_named(world):
    with all_organizations():
        slugs = set(Department.unscoped.values_list("organization__slug", flat=True))
        with pytest.raises(TenantScopeError, match="unscoped"):
            Department.objects.count()
    assert slugs == {"acme", "globex"}


def test_the_unscoped_manager_alone_does_not_bypass_row_level_security(world):
    assert Department.unscoped.count() == 0
    with activate(world.acme.organization):
        assert Department.unscoped.count() == Department.objects.count() == 2


def raw_department_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM mentoring_department")
        return [row[0] for row in cursor.fetchall()]


def test_raw_sql_as_the_app_role_sees_only_the_active_organization(world):
    with activate(world.acme.organization):
        names = raw_department_names()
    assert names and all(world.acme.sentinel in name for name in names)
    assert not any(world.globex.sentinel in name for name in names)


def test_raw_sql_with_no_organization_active_sees_nothing(world):
    assert raw_department_names() == []


def test_raw_sql_cannot_write_a_row_into_another_organization(world):
    from django.db import DatabaseError, transaction

    with (
        activate(world.acme.organization),
        pytest.raises(DatabaseError),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "INSERT INTO mentoring_department (organization_id, name) VALUES (%s, 'x')",
            [world.globex.organization.pk],
        )


def test_the_setting_does_not_leak_between_statements_after_the_scope_ends(world):
    with activate(world.acme.organization):
        assert raw_department_names()
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('app.organization_id', true)")
        assert cursor.fetchone()[0] in ("", None)


@pytest.mark.django_db
def test_the_application_role_cannot_bypass_row_level_security():
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user")
        assert cursor.fetchone() == (False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' "
            "AND tableowner = current_user"
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_table_with_an_organization_column_has_forced_rls_and_a_policy():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.relname)
            FROM information_schema.columns col
            JOIN pg_class c ON c.relname = col.table_name
            WHERE col.column_name = 'organization_id' AND col.table_schema = 'public'
              AND c.relkind = 'r'
            """
        )
        rows = cursor.fetchall()
    assert rows, "no tenant table found"
    unprotected = [
        name for name, enabled, forced, policy in rows if not (enabled and forced and policy)
    ]
    assert unprotected == []
    assert {name for name, *_ in rows} == set(tenant_tables())


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_tenant_table_but_the_append_only_log_has_updated_at_kept_by_the_database():
    stamped = set(tenant_tables()) - set(append_only_tables())
    assert stamped and set(stamped_tables()) == stamped
    assert tables_with_trigger(UPDATED_AT_TRIGGER) == stamped


def test_the_database_stamps_updated_at_on_writes_that_bypass_the_models(world):
    acme = world.acme
    with activate(acme.organization):
        membership = Membership.objects.get(user=acme.mentees[0])
        before = Membership.objects.values_list("updated_at", flat=True).get(pk=membership.pk)
        Membership.objects.filter(pk=membership.pk).update(is_active=False)
        after = Membership.objects.values_list("updated_at", flat=True).get(pk=membership.pk)
    assert after > before


def test_every_tenant_model_uses_the_fail_closed_manager_by_default():
    from django.apps import apps

    tenant_models = [m for m in apps.get_models() if issubclass(m, TenantModel)]
    assert Membership in tenant_models and Profile in tenant_models
    for model in tenant_models:
        assert type(model._default_manager).__name__ == "TenantManager", model


def test_updates_report_their_row_counts_through_the_scoped_statement(world):
    with activate(world.acme.organization):
        department = Department.objects.first()
        department.name = "Renamed"
        department.save()  # an UPDATE whose row count Django checks before falling back to INSERT
        assert Department.objects.filter(name="Renamed").count() == 1
        assert Profile.objects.update(job_title="Same") == 6
        assert Department.objects.filter(name="Renamed").delete()[0] == 1
