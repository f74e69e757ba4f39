"""The database itself keeps tenants apart: unique keys are per organization, and a foreign
key between tenant rows cannot cross organizations, whatever code path writes the row."""

import pytest
from django.db import IntegrityError, connection, connections, transaction

from mentoring.people.models import Department, Profile
from mentoring.tenancy import activate, all_organizations
from mentoring.tenancy.database import tenant_tables
from mentoring.tenancy.integrity import (
    ORGANIZATION_COLUMN,
    integrity_sql,
    tenant_many_to_many_without_tenant_through,
    tenant_references,
)
from mentoring.tenancy.models import Organization
from programs.models import Enrollment, EnrollmentRole, Resource, ResourceKind, Skill
from sessions.models import Session
from tests.builders.pair import make_pair
from tests.builders.world import make_program

UNIQUE_KEYS = """
    SELECT tbl.relname, idx.relname,
           array_agg(att.attname ORDER BY key.ord) FILTER (WHERE att.attname IS NOT NULL)
    FROM pg_index ind
    JOIN pg_class tbl ON tbl.oid = ind.indrelid
    JOIN pg_class idx ON idx.oid = ind.indexrelid
    CROSS JOIN LATERAL unnest(ind.indkey::int2[]) WITH ORDINALITY AS key(attnum, ord)
    LEFT JOIN pg_attribute att ON att.attrelid = tbl.oid AND att.attnum = key.attnum
    WHERE ind.indisunique AND NOT ind.indisprimary AND tbl.relname = ANY(%s)
      AND pg_table_is_visible(tbl.oid)
    GROUP BY tbl.relname, idx.relname
    UNION
    SELECT tbl.relname, con.conname, array_agg(att.attname ORDER BY key.ord)
    FROM pg_constraint con
    JOIN pg_class tbl ON tbl.oid = con.conrelid
    CROSS JOIN LATERAL unnest(con.conkey) WITH ORDINALITY AS key(attnum, ord)
    JOIN pg_attribute att ON att.attrelid = tbl.oid AND att.attnum = key.attnum
    WHERE con.contype = 'u' AND tbl.relname = ANY(%s) AND pg_table_is_visible(tbl.oid)
    GROUP BY tbl.relname, con.conname
"""


def unique_keys(cursor, tables) -> dict[str, list[str]]:
    """Every unique constraint and unique index (primary keys aside) of ``tables``:
    "table.name" -> its columns (empty for an expression)."""
    cursor.execute(UNIQUE_KEYS, [list(tables), list(tables)])
    return {f"{table}.{name}": columns or [] for table, name, columns in cursor.fetchall()}


def unique_keys_without_the_organization(cursor, tables) -> list[str]:
    return sorted(
        f"{key} ({', '.join(columns or ['<expression>'])})"
        for key, columns in unique_keys(cursor, tables).items()
        if ORGANIZATION_COLUMN not in columns
    )


SAME_ORGANIZATION_KEYS = """
    SELECT src.relname, src_col.attname, dst.relname, dst_col.attname
    FROM pg_constraint con
    JOIN pg_class src ON src.oid = con.conrelid
    JOIN pg_class dst ON dst.oid = con.confrelid
    JOIN pg_attribute src_org ON src_org.attrelid = src.oid AND src_org.attnum = con.conkey[1]
    JOIN pg_attribute src_col ON src_col.attrelid = src.oid AND src_col.attnum = con.conkey[2]
    JOIN pg_attribute dst_org ON dst_org.attrelid = dst.oid AND dst_org.attnum = con.confkey[1]
    JOIN pg_attribute dst_col ON dst_col.attrelid = dst.oid AND dst_col.attnum = con.confkey[2]
    WHERE con.contype = 'f' AND cardinality(con.conkey) = 2
      AND con.condeferrable AND con.condeferred AND con.confmatchtype = 's'
      AND src_org.attname = 'organization_id' AND dst_org.attname = 'organization_id'
      AND pg_table_is_visible(src.oid)
"""


def foreign_keys_without_a_same_organization_key(cursor) -> list[str]:
    """Tenant foreign keys with no composite (organization_id, column) key onto the target."""
    cursor.execute(SAME_ORGANIZATION_KEYS)
    present = set(cursor.fetchall())
    return [
        f"{ref.table}.{ref.column} -> {ref.target_table}.{ref.target_column}"
        for ref in tenant_references()
        if (ref.table, ref.column, ref.target_table, ref.target_column) not in present
    ]


def drop_same_organization_key(cursor, reference) -> None:
    cursor.execute(f'ALTER TABLE "{reference.table}" DROP CONSTRAINT "{reference.constraint_name}"')


# Unique keys


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_unique_key_on_a_tenant_table_includes_the_organization():
    with connections["owner"].cursor() as cursor:
        keys = unique_keys(cursor, tenant_tables())
        assert unique_keys_without_the_organization(cursor, tenant_tables()) == []
    # the check sees plain unique constraints and partial unique indexes alike
    assert keys["programs_skill.skill_name_unique"] == ["organization_id", "name"]
    assert "organization_id" in keys["matching_mentorship.mentorship_one_open_per_mentee"]


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_unique_key_check_names_the_table_and_key_that_lack_the_organization():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE probe_tenant (id int PRIMARY KEY, organization_id bigint, "
            "code text, CONSTRAINT probe_code_unique UNIQUE (code), "
            "CONSTRAINT probe_code_per_org UNIQUE (organization_id, code))"
        )
        cursor.execute("CREATE UNIQUE INDEX probe_lower_code ON probe_tenant (lower(code))")
        cursor.execute(
            "CREATE UNIQUE INDEX probe_partial ON probe_tenant (code) WHERE organization_id > 0"
        )
        found = unique_keys_without_the_organization(cursor, ["probe_tenant"])
    assert found == [
        "probe_tenant.probe_code_unique (code)",
        "probe_tenant.probe_lower_code (<expression>)",
        "probe_tenant.probe_partial (code)",
    ]


# Same-organization foreign keys


def test_every_foreign_key_between_tenant_models_is_listed_for_a_same_organization_key():
    references = {(r.table, r.column, r.target_table) for r in tenant_references()}
    assert ("programs_enrollment", "program_id", "programs_program") in references
    assert ("mentoring_sessions_session", "mentorship_id", "matching_mentorship") in references
    assert ("mentoring_profile", "manager_id", "mentoring_profile") in references
    # the organization itself and users are not tenant rows
    assert not any(target == "mentoring_organization" for *_, target in references)
    assert not any(column == "user_id" for _, column, _ in references)


@pytest.mark.django_db(databases=["default", "owner"])
def test_every_foreign_key_between_tenant_tables_has_a_same_organization_key():
    with connections["owner"].cursor() as cursor:
        assert foreign_keys_without_a_same_organization_key(cursor) == []


@pytest.mark.django_db(databases=["default", "owner"])
def test_the_foreign_key_check_names_a_foreign_key_whose_same_organization_key_is_gone():
    reference = next(r for r in tenant_references() if r.table == "programs_goal")
    with connections["owner"].cursor() as cursor:  # rolled back with the test's transaction
        cursor.execute(
            f'ALTER TABLE "{reference.table}" DROP CONSTRAINT {reference.constraint_name}'
        )
        missing = foreign_keys_without_a_same_organization_key(cursor)
    assert missing == [f"programs_goal.{reference.column} -> {reference.target_table}.id"]


@pytest.mark.django_db(databases=["default", "owner"])
def test_applying_the_keys_again_after_migrate_changes_nothing():
    with connections["owner"].cursor() as cursor:
        assert integrity_sql(cursor) == []


@pytest.mark.django_db(databases=["default", "owner"])
def test_a_lost_same_organization_key_comes_back_on_the_next_migrate():
    reference = next(r for r in tenant_references() if r.table == "programs_enrollment")
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            f'ALTER TABLE "{reference.table}" DROP CONSTRAINT {reference.constraint_name}'
        )
        statements = integrity_sql(cursor)
        assert statements == [reference.add_sql()]
        for sql in statements:
            cursor.execute(sql)
        assert foreign_keys_without_a_same_organization_key(cursor) == []


@pytest.mark.django_db(databases=["default", "owner"])
def test_a_key_left_over_from_a_removed_foreign_key_is_dropped():
    with connections["owner"].cursor() as cursor:
        cursor.execute(
            "ALTER TABLE programs_goal ADD CONSTRAINT tenant_fk_programs_goal_gone_00000000 "
            "FOREIGN KEY (organization_id, enrollment_id) "
            "REFERENCES programs_enrollment (organization_id, id) DEFERRABLE INITIALLY DEFERRED"
        )
        assert integrity_sql(cursor) == [
            'ALTER TABLE "programs_goal" DROP CONSTRAINT "tenant_fk_programs_goal_gone_00000000"'
        ]


def test_the_key_names_fit_postgresql_and_never_collide():
    references = tenant_references()
    foreign_keys = {r.constraint_name for r in references}
    unique_keys = {r.target_key_name for r in references}
    assert all(len(name) <= 63 for name in foreign_keys | unique_keys)
    assert len(foreign_keys) == len(references)
    assert len(unique_keys) == len({(r.target_table, r.target_column) for r in references})


def test_no_many_to_many_field_touching_a_tenant_model_uses_an_auto_created_table():
    # An auto-created through table has no organization_id, so no row-level security and
    # no same-organization keys: declare a TenantModel as the through model instead.
    assert tenant_many_to_many_without_tenant_through() == []


# The database refuses cross-organization references


def refused_at_commit(write):
    """Run ``write`` in a transaction whose deferred checks run as they would at commit."""
    with pytest.raises(IntegrityError, match="tenant_fk_"), transaction.atomic():
        write()
        connection.check_constraints()


def test_an_update_that_moves_an_enrolment_to_another_organizations_program_is_refused(world):
    acme_program, other_acme_program = make_program(world.acme), make_program(world.acme)
    globex_program = make_program(world.globex)
    with activate(world.acme.organization):
        enrollment = Enrollment.objects.create(
            program=acme_program,
            person=Profile.objects.get(user=world.acme.mentees[0]),
            role=EnrollmentRole.MENTEE,
        )
    with all_organizations():
        refused_at_commit(
            lambda: Enrollment.unscoped.filter(pk=enrollment.pk).update(program=globex_program)
        )
        # the same update inside one organization is fine
        with transaction.atomic():
            Enrollment.unscoped.filter(pk=enrollment.pk).update(program=other_acme_program)
            connection.check_constraints()


def test_raw_sql_inserting_a_session_into_another_organizations_mentorship_is_refused(world):
    globex_pair = make_pair(world.globex)

    def insert():
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO mentoring_sessions_session (organization_id, mentorship_id, kind, "
                "status, starts_at, duration_minutes, location, change_note, shared_notes, "
                "real_situations, created_at, updated_at) VALUES (%s, %s, 'check_in', 'planned', "
                "now(), 60, '', '', '', '', now(), now())",
                [world.acme.organization.pk, globex_pair.mentorship.pk],
            )

    # Row-level security lets acme write an acme row; only the same-organization key
    # notices that the mentorship it points at is globex's.
    with activate(world.acme.organization):
        refused_at_commit(insert)
        assert not Session.objects.exists()


def test_a_profile_cannot_report_to_a_manager_of_another_organization(world):
    with all_organizations():
        acme_profile = Profile.unscoped.get(user=world.acme.mentees[0])
        globex_manager = Profile.unscoped.get(user=world.globex.manager)
        refused_at_commit(
            lambda: Profile.unscoped.filter(pk=acme_profile.pk).update(manager=globex_manager)
        )


def test_an_empty_reference_passes_the_same_organization_key(world):
    with activate(world.acme.organization):
        profile = Profile.objects.get(user=world.acme.mentees[0])
        with transaction.atomic():
            Profile.objects.filter(pk=profile.pk).update(department=None, manager=None)
            connection.check_constraints()
        profile.refresh_from_db()
    assert profile.department_id is None


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_across_organizations_is_refused_by_the_database():
    with all_organizations():
        acme, globex = (Organization.objects.create(slug=slug, name=slug) for slug in ("a1", "g1"))
        globex_skill = Skill.unscoped.create(
            organization=globex, name="Listening", description="x", behaviours=["a", "b", "c"]
        )
        with pytest.raises(IntegrityError, match="tenant_fk_"):
            Resource.unscoped.create(
                organization=acme,
                title="Crossing",
                url="https://example.com/",
                kind=ResourceKind.ARTICLE,
                skill=globex_skill,
            )
        assert not Resource.unscoped.exists()


def test_deleting_a_row_that_others_point_at_still_cascades_and_nulls_as_django_says(world):
    with activate(world.acme.organization):
        department = Department.objects.first()
        department_id = department.pk
        assert Profile.objects.filter(department=department_id).exists()
        with transaction.atomic():
            department.delete()
            connection.check_constraints()
        assert not Profile.objects.filter(department=department_id).exists()
