# Every tenant model has updated_at (TenantModel); PostgreSQL keeps it
# (mentoring.tenancy.database.updated_at_sql, applied after every migrate).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0005_hr_sees_individual_progress")]

    operations = [
        migrations.AddField(name, "updated_at", models.DateTimeField(auto_now=True))
        for name in (
            "apikey",
            "department",
            "identityprovider",
            "invitation",
            "membership",
            "outboxmessage",
            "senioritylevel",
        )
    ]
