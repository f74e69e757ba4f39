"""The skill catalogue: each skill with the behaviours that show it."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.common.admin import GuardedDeletionAdmin
from mentoring.tenancy.admin import organization_admin_site

from .. import services
from ..models import Skill


class LinesField(forms.CharField):
    """A short list of texts, edited one per line in a textarea."""

    def __init__(self, *, min_lines: int, max_lines: int, max_line_length: int, **kwargs):
        self.min_lines, self.max_lines, self.max_line_length = min_lines, max_lines, max_line_length
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": max_lines + 1}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def validate(self, value):
        if not value and self.required:
            raise ValidationError(self.error_messages["required"], code="required")
        if not self.min_lines <= len(value) <= self.max_lines:
            raise ValidationError(
                _("Write %(min)s to %(max)s behaviours, one per line (there are %(count)s).")
                % {"min": self.min_lines, "max": self.max_lines, "count": len(value)},
                code="line_count",
            )
        for number, line in enumerate(value, start=1):
            if len(line) > self.max_line_length:
                raise ValidationError(
                    _(
                        "Line %(number)s has %(length)s characters: keep each behaviour "
                        "under %(max)s."
                    )
                    % {"number": number, "length": len(line), "max": self.max_line_length},
                    code="line_length",
                )


class SkillForm(forms.ModelForm):
    behaviours = LinesField(
        min_lines=3,
        max_lines=5,
        max_line_length=200,
        help_text=gettext_lazy(
            "One behaviour per line, 3 to 5 lines: things a person visibly does when "
            "they have this skill, such as “summarizes what they heard before answering”."
        ),
    )

    class Meta:
        model = Skill
        fields = ["name", "description", "behaviours"]

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if Skill.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("The catalogue already has a skill called “%(name)s”.") % {"name": name}
            )
        return name


@admin.register(Skill, site=organization_admin_site)
class SkillAdmin(GuardedDeletionAdmin):
    form = SkillForm
    list_display = ["name", "is_archived", "behaviour_count"]
    list_filter = ["is_archived"]
    search_fields = ["name", "description"]
    actions = ["archive", "restore"]

    @admin.display(description=gettext_lazy("Behaviours"))
    def behaviour_count(self, skill):
        return len(skill.behaviours)

    def deletion_refusal(self, skill):
        if services.skill_is_used(skill):
            return _(
                "“%(skill)s” is used by programs, enrolments or goals, so it cannot be "
                "deleted: archive it instead (it stays on old records but cannot be chosen)."
            ) % {"skill": skill}
        return None

    def _set_archived(self, request, queryset, archived: bool) -> int:
        changed = 0
        for skill in queryset.filter(is_archived=not archived):
            services.skill_set_archived(
                organization=request.organization,
                actor=request.user,
                skill=skill,
                archived=archived,
            )
            changed += 1
        return changed

    @admin.action(description=gettext_lazy("Archive: keep on old records, no longer choosable"))
    def archive(self, request, queryset):
        changed = self._set_archived(request, queryset, True)
        message = ngettext("%(count)s skill(s) archived.", "%(count)s skill(s) archived.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("Restore: choosable again"))
    def restore(self, request, queryset):
        changed = self._set_archived(request, queryset, False)
        message = ngettext("%(count)s skill(s) restored.", "%(count)s skill(s) restored.", changed)
        self.message_user(request, message % {"count": changed}, messages.SUCCESS)
