"""Organizations, memberships and the abstract base of every tenant model."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .context import TenantScopeError, current_organization_id, sees_all_organizations
from .managers import TenantManager

RESERVED_SLUGS = frozenset({"www", "admin", "api", "static", "media", "mail", "app", "root"})

slug_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    _("Use 1-40 lowercase letters, digits or hyphens, starting and ending with a letter or digit."),
)


class Organization(models.Model):
    """A tenant. Its rows are reached through the host <slug>.<ROOT_DOMAIN>."""

    slug = models.SlugField(max_length=40, unique=True, validators=[slug_validator])
    name = models.CharField(max_length=120)
    is_active = models.BooleanField(
        default=True, help_text=_("Inactive organizations cannot be reached or signed in to.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    require_two_factor_for_managers = models.BooleanField(
        default=False,
        help_text=_("Program managers must set up an authenticator app before they can work."),
    )
    hr_sees_individual_progress = models.BooleanField(
        default=False,
        help_text=_(
            "HR may read each mentee's skill ratings, goals and goal reviews through the HR "
            "API. Off: HR sees per-program and per-department figures only."
        ),
    )
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the interface for members who chose none. Empty: each "
            "person's browser decides."
        ),
    )
    note_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Delete the text of session notes and private notes this many days after the "
            "session. Empty: keep them."
        ),
    )
    feedback_retention_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_(
            "Delete the text of feedback and survey comments this many days after it was "
            "given (counts and scores stay). Empty: keep it."
        ),
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TenantModel(models.Model):
    """Base of every model that belongs to one organization.

    ``objects`` sees the active organization's rows only and refuses to run with none
    active; ``unscoped`` is the deliberate, greppable bypass. PostgreSQL row-level
    security applies the same rule again (``mentoring.tenancy.database``).
    """

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="+", editable=False
    )
    # PostgreSQL stamps it on every insert and update, whatever wrote it
    # (``QuerySet.update()``, ``bulk_update()``, raw SQL): see
    # ``mentoring.tenancy.database.updated_at_sql``. The HR API's ``updated_since`` reads it.
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantManager()
    unscoped = models.Manager()  # noqa: DJ012  (a manager, not a field)

    class Meta:
        abstract = True
        base_manager_name = "unscoped"
        default_manager_name = "objects"

    def save(self, *args, **kwargs):
        active_id = current_organization_id()
        if self.organization_id is None and active_id is not None:
            self.organization_id = active_id
        if active_id is None and not sees_all_organizations():
            raise TenantScopeError(
                f"Saving {type(self).__name__} needs an active organization: "
                "wrap the write in `with tenancy.activate(organization):`."
            )
        if active_id is not None and self.organization_id != active_id:
            raise TenantScopeError(
                f"{type(self).__name__} belongs to organization {self.organization_id}, "
                f"but organization {active_id} is active."
            )
        super().save(*args, **kwargs)


class Role(models.TextChoices):
    MANAGER = "manager", _("Program manager")
    HR = "hr", _("HR analyst")
    MEMBER = "member", _("Member")


class Membership(TenantModel):
    """A person's access to one organization and their role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta(TenantModel.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "user"], name="membership_one_per_user_and_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.email} ({self.get_role_display()})"

    @property
    def is_manager(self) -> bool:
        return self.role == Role.MANAGER
