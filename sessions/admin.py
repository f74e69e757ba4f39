"""The program manager's admin for sessions: the guided check-in prompt library only.
The open-question coach (``sessions.questions``) reads each prompt: its advice shows on
the change form and after saving, and the list filters the closed and leading ones.

Prompts are plain catalogue rows with no workflow, saved by the admin itself like the
resource bank. Sessions, agenda items, action items, private notes and agreements are not
registered, on purpose: they hold the pair's own words. Managers follow pairs through the
home dashboard's counts and dates.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site
from programs.models import Skill

from .models import Prompt
from .questions import CLOSED, LEADING, OPEN, QuestionAdvice, assess_question

COACH_KINDS = {
    CLOSED: gettext_lazy("Yes/no question"),
    LEADING: gettext_lazy("Leading question"),
    OPEN: gettext_lazy("Open question"),
}


def coach_advice(advice: QuestionAdvice) -> str:
    """The coach's advice in one sentence or two; "" when it has nothing to say."""
    if advice.rewrite:
        return _("%(reason)s An open way to ask it: “%(rewrite)s”") % {
            "reason": advice.reason,
            "rewrite": advice.rewrite,
        }
    return advice.reason


class QuestionKindFilter(admin.SimpleListFilter):
    """Prompts the coach would rewrite. The rules run in Python, over the organization's
    library (a few hundred short rows at most): one query of ids and texts."""

    title = gettext_lazy("question")
    parameter_name = "question"

    def lookups(self, request, model_admin):
        return [("rewrite", _("Closed or leading questions")), (OPEN, _("Open questions"))]

    def queryset(self, request, queryset):
        if self.value() not in ("rewrite", OPEN):
            return queryset
        wanted = {CLOSED, LEADING} if self.value() == "rewrite" else {OPEN}
        ids = [
            pk
            for pk, text in queryset.values_list("pk", "text")
            if assess_question(text).kind in wanted
        ]
        return queryset.filter(pk__in=ids)


class PromptForm(forms.ModelForm):
    class Meta:
        model = Prompt
        fields = ["text", "phase", "skill", "position", "is_active"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "text": gettext_lazy(
                "Ask about a real, recent situation: what happened, what went well, what "
                "they would do differently, what they noticed in others."
            ),
            "position": gettext_lazy("Lower numbers come first within a phase."),
            "is_active": gettext_lazy(
                "Switched off, a prompt is no longer offered for new agendas; agendas "
                "that already use it keep their text."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "skill" in self.fields:  # absent from the list's editable rows
            # The organization's skills (the scoped manager); archived ones only when this
            # prompt already has one, so an old prompt still saves.
            self.fields["skill"].queryset = Skill.objects.filter(
                Q(is_archived=False) | Q(pk=self.instance.skill_id)
            ).order_by("name")
            self.fields["skill"].empty_label = _("Any skill")


@admin.register(Prompt, site=organization_admin_site)
class PromptAdmin(TenantModelAdmin):
    form = PromptForm
    list_display = ["prompt_text", "question_kind", "phase", "focus_skill", "is_active", "position"]
    list_display_links = ["prompt_text"]
    list_editable = ["is_active", "position"]
    list_filter = [
        "phase",
        ("skill", admin.RelatedOnlyFieldListFilter),
        "is_active",
        QuestionKindFilter,
    ]
    list_select_related = ["skill"]
    search_fields = ["text", "skill__name"]
    ordering = ["phase", "position", "pk"]
    fields = ["text", "question_coach", "phase", "skill", "position", "is_active"]
    readonly_fields = ["question_coach"]
    actions = ["switch_on", "switch_off"]

    @admin.display(description=gettext_lazy("Prompt"), ordering="text")
    def prompt_text(self, prompt):
        return Truncator(prompt.text).chars(120)

    @admin.display(description=gettext_lazy("Reads as"), empty_value=gettext_lazy("Not a question"))
    def question_kind(self, prompt):
        return COACH_KINDS.get(assess_question(prompt.text).kind)

    @admin.display(
        description=gettext_lazy("Open-question coach"), empty_value=gettext_lazy("Nothing to add.")
    )
    def question_coach(self, prompt):
        if prompt.pk is None:
            return _("The coach reads the prompt once it is saved.")
        return coach_advice(assess_question(prompt.text)) or None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        advice = assess_question(obj.text)
        if "text" in form.changed_data and advice.needs_rewrite:
            # advice only: the prompt is saved as written
            self.message_user(
                request,
                _("About this prompt: %(advice)s") % {"advice": coach_advice(advice)},
                messages.WARNING,
            )

    @admin.display(
        description=gettext_lazy("Skill"),
        ordering="skill__name",
        empty_value=gettext_lazy("Any skill"),
    )
    def focus_skill(self, prompt):
        return prompt.skill

    @admin.action(description=gettext_lazy("Offer the selected prompts for new agendas"))
    def switch_on(self, request, queryset):
        count = queryset.update(is_active=True)
        message = ngettext("%(count)s prompt switched on.", "%(count)s prompts switched on.", count)
        self.message_user(request, message % {"count": count})

    @admin.action(description=gettext_lazy("Stop offering the selected prompts"))
    def switch_off(self, request, queryset):
        count = queryset.update(is_active=False)
        message = ngettext(
            "%(count)s prompt switched off.", "%(count)s prompts switched off.", count
        )
        self.message_user(request, message % {"count": count})
