from django.db import migrations, models


class Migration(migrations.Migration):
    """An index that serves the admin's enrolment list (one organization, newest first)."""

    dependencies = [
        ("programs", "0006_enrolment_spelling"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="enrollment",
            index=models.Index(
                fields=["organization", "-created_at", "-id"], name="enrollment_list_newest"
            ),
        ),
    ]
