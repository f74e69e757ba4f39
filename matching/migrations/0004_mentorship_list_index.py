from django.db import migrations, models


class Migration(migrations.Migration):
    """An index that serves the admin's mentorship list (one organization, latest start
    first)."""

    dependencies = [
        ("matching", "0003_override_reason_per_pair"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="mentorship",
            index=models.Index(
                fields=["organization", "-started_on", "id"], name="mentorship_list_latest"
            ),
        ),
    ]
