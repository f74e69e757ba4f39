"""The default training lessons in the resource bank of every existing organization (new
ones get them from ``organization_programs_defaults_install``). Idempotent: a title the
organization has already is skipped, so a manager's own lesson is never overwritten."""

from django.db import migrations

from mentoring.tenancy import all_organizations
from programs.defaults import TRAINING_LESSONS


def add_default_lessons(apps, schema_editor):
    # `migrate` runs as the schema owner (its "owner" database): the application's role
    # has no grants on a new database until the migrations are done
    db = schema_editor.connection.alias
    Organization = apps.get_model("mentoring", "Organization")
    Resource = apps.get_model("programs", "Resource")
    titles = [title for title, *_rest in TRAINING_LESSONS]
    with all_organizations():
        existing = set(
            Resource.unscoped.using(db)
            .filter(title__in=titles)
            .values_list("organization_id", "title")
        )
        Resource.unscoped.using(db).bulk_create(
            Resource(
                organization_id=organization_id,
                title=title,
                kind="lesson",
                description=description,
                body=body,
            )
            for organization_id in Organization.objects.using(db).values_list("pk", flat=True)
            for title, description, body, _prompt in TRAINING_LESSONS
            if (organization_id, title) not in existing
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0008_formats_training_session_plans")]

    operations = [migrations.RunPython(add_default_lessons, migrations.RunPython.noop)]
