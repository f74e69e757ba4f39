# Single sign-on: verified domains (the platform's record) and the provider's checks.
# It follows both migrations that were written beside it (secrets, updated_at).

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PUBLIC_MAIL_DOMAINS = [
    "163.com",
    "aol.com",
    "gmail.com",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "mail.ru",
    "me.com",
    "msn.com",
    "outlook.com",
    "pm.me",
    "proton.me",
    "protonmail.com",
    "qq.com",
    "t-online.de",
    "tutanota.com",
    "web.de",
    "yahoo.com",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
]


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0006_updated_at_everywhere"),
        ("mentoring", "0007_encrypt_existing_secrets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="identityprovider",
            name="key",
            field=models.CharField(blank=True, editable=False, max_length=24),
        ),
        migrations.AddField(
            model_name="identityprovider",
            name="never_sends_email_verified",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Tick only if this provider never sends the email_verified claim and "
                    "every address it gives is one it manages. Otherwise an address without "
                    "the claim counts as not verified."
                ),
            ),
        ),
        migrations.AddField(
            model_name="identityprovider",
            name="end_session_url",
            field=models.URLField(
                blank=True,
                editable=False,
                help_text="The provider's sign-out address, read from its discovery document.",
            ),
        ),
        migrations.AddField(
            model_name="identityprovider",
            name="tested_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        # A provider that was never tested stops signing people in until it is.
        migrations.AlterField(
            model_name="identityprovider",
            name="is_active",
            field=models.BooleanField(
                default=False,
                help_text="Offered on the sign-in page. Possible once a test sign-in succeeded.",
            ),
        ),
        migrations.RunSQL(
            "UPDATE mentoring_identityprovider SET is_active = false WHERE tested_at IS NULL",
            migrations.RunSQL.noop,
        ),
        migrations.AlterField(
            model_name="identityprovider",
            name="email_domains",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Comma-separated. Only domains the platform operator verified for your "
                    "organization; the provider signs in addresses in these domains only."
                ),
                max_length=255,
            ),
        ),
        migrations.AddConstraint(
            model_name="identityprovider",
            constraint=models.UniqueConstraint(
                condition=models.Q(("key", ""), _negated=True),
                fields=("organization", "key"),
                name="identity_provider_key_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="identityprovider",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("is_active", False), ("tested_at__isnull", False), _connector="OR"
                ),
                name="identity_provider_active_only_when_tested",
            ),
        ),
        migrations.CreateModel(
            name="VerifiedDomain",
            fields=[
                ("domain", models.CharField(max_length=253, primary_key=True, serialize=False)),
                ("verified_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "organization",
                    models.ForeignKey(
                        db_column="owner_organization_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="verified_domains",
                        to="mentoring.organization",
                    ),
                ),
                (
                    "verified_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["domain"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("domain", django.db.models.functions.text.Lower("domain"))
                        ),
                        name="verified_domain_is_lower_case",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("domain__in", PUBLIC_MAIL_DOMAINS), _negated=True),
                        name="verified_domain_is_no_public_mail_service",
                    ),
                ],
            },
        ),
    ]
