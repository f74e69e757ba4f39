# Every tenant model has updated_at (TenantModel); PostgreSQL keeps it
# (mentoring.tenancy.database.updated_at_sql, applied after every migrate).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0002_enrollment_preferred_mentors_program_match_weights_and_more")
    ]

    operations = [
        migrations.AddField(name, "updated_at", models.DateTimeField(auto_now=True))
        for name in (
            "checklistcompletion",
            "checklistitem",
            "enrollmentskill",
            "goalreview",
            "programskill",
            "recognition",
            "resource",
            "skill",
        )
    ]
