# Every tenant model has updated_at (TenantModel); PostgreSQL keeps it
# (mentoring.tenancy.database.updated_at_sql, applied after every migrate).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [
        migrations.AddField(name, "updated_at", models.DateTimeField(auto_now=True))
        for name in ("skillrating", "surveyresponse")
    ]
