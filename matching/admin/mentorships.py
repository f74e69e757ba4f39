"""Program managers follow mentorships through their lifecycle (through
matching.services), and see self-match requests, read-only."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentoring.common.admin import ServiceFormAdmin, ServiceModelForm
from mentoring.tenancy.admin import ReadOnlyTenantAdmin, organization_admin_site
from programs.formats import words_for
from programs.models import EnrollmentRole

from .. import services
from ..events import pairs_at_risk
from ..models import (
    MENTORSHIP_STATUS_IN_A_SENTENCE,
    MentorRequest,
    Mentorship,
    MentorshipMember,
    MentorshipStatus,
)


class MentorshipForm(ServiceModelForm):
    """The one field a manager edits on a mentorship: its end date, only ever later."""

    class Meta:
        model = Mentorship
        fields = ["ends_on"]
        help_texts = {"ends_on": gettext_lazy("To extend the mentorship, choose a later date.")}

    def save_through_service(self):
        if "ends_on" not in self.changed_data:
            return self.instance
        return services.mentorship_extend(
            organization=self.request.organization,
            actor=self.request.user,
            # the stored row: construct_instance already put the new date on self.instance
            mentorship=Mentorship.objects.get(pk=self.instance.pk),
            ends_on=self.cleaned_data["ends_on"],
        )


class EndEarlyForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Recorded on the mentorship, for example “the mentee changed roles”."
        ),
        error_messages={"required": gettext_lazy("Say why the mentorship ends early.")},
    )


MENTORSHIP_FIELDS = [
    "program",
    "mentor_name",
    "mentee_name",
    "status",
    "started_on",
    "ends_on",
    "ended_on",
    "end_reason",
    "needs_rematch",
    "reasons",
    "override_reason",
    "fit_checks",
]

# A circle names everyone in it and its shared skill; its mentor and mentee columns only
# hold its first mentor and first mentee, so they are not shown.
CIRCLE_FIELDS = [
    "program",
    "focus_skill",
    "circle_members",
    *[
        name
        for name in MENTORSHIP_FIELDS
        if name not in ("program", "mentor_name", "mentee_name", "fit_checks")
    ],
]


class AtRiskFilter(admin.SimpleListFilter):
    """Pairs at risk by the one rule (``events.pairs_at_risk``: the app that records
    meetings answers), so the list agrees with the home page and the cockpit."""

    title = gettext_lazy("at risk")
    parameter_name = "at_risk"

    def lookups(self, request, model_admin):
        return [("yes", _("At risk now")), ("no", _("Not at risk"))]

    def queryset(self, request, queryset):
        if self.value() not in ("yes", "no"):
            return queryset
        ids = pairs_at_risk(queryset)
        if self.value() == "yes":
            return queryset.filter(pk__in=ids)
        return queryset.exclude(pk__in=ids)


@admin.register(Mentorship, site=organization_admin_site)
class MentorshipAdmin(ServiceFormAdmin):
    form = MentorshipForm
    list_display = [
        "mentor_name",
        "mentee_name",
        "program",
        "status",
        "started_on",
        "ends_on",
        "needs_rematch",
    ]
    # "program": see MatchRunAdmin
    list_filter = ["status", AtRiskFilter, "needs_rematch", "program"]
    search_fields = ["mentee__person__display_name", "mentor__person__display_name"]
    list_select_related = ["program", "mentee__person", "mentor__person"]
    # latest start first, read off the index mentorship_list_latest a page at a time
    ordering = ["-started_on", "pk"]
    fields = MENTORSHIP_FIELDS
    actions = ["pause", "resume", "complete", "end_early", "rematch"]
    show_full_result_count = False

    def get_fields(self, request, obj=None):
        if obj is not None and obj.program.is_circle:
            return CIRCLE_FIELDS
        return MENTORSHIP_FIELDS

    def get_readonly_fields(self, request, obj=None):
        fields = self.get_fields(request, obj)
        if obj is not None and obj.is_open:
            return [name for name in fields if name != "ends_on"]
        return fields  # a finished mentorship is a record

    @admin.display(description=gettext_lazy("Members"))
    def circle_members(self, mentorship):
        members = MentorshipMember.objects.filter(mentorship=mentorship).select_related("person")
        rows = sorted(
            members, key=lambda m: (m.role != EnrollmentRole.MENTOR, m.person.display_name)
        )
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{} ({})</li>",
                ((m.person, words_for(mentorship.program).role(m.role == "mentee")) for m in rows),
            ),
        )

    @admin.display(description=gettext_lazy("Mentor"), ordering="mentor__person__display_name")
    def mentor_name(self, mentorship):
        return mentorship.mentor.person

    @admin.display(description=gettext_lazy("Mentee"), ordering="mentee__person__display_name")
    def mentee_name(self, mentorship):
        return mentorship.mentee.person

    @admin.display(description=gettext_lazy("Why this pair"))
    def reasons(self, mentorship):
        if mentorship.program.is_circle:
            return self._circle_reasons(mentorship)
        return " · ".join(part["label"] for part in mentorship.breakdown) or _("Paired by hand")

    def _circle_reasons(self, mentorship):
        """Each mentee's parts with the circle's first mentor, under the mentee's name."""
        names = dict(
            MentorshipMember.objects.filter(mentorship=mentorship).values_list(
                "person_id", "person__display_name"
            )
        )
        labels: dict[int, list[str]] = {}
        for part in mentorship.breakdown:
            labels.setdefault(part.get("person"), []).append(part["label"])
        if not labels:
            return _("Made by hand")
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                "<li>{}: {}</li>",
                (
                    (names.get(person, _("A former member")), " · ".join(parts))
                    for person, parts in labels.items()
                ),
            ),
        )

    @admin.display(description=gettext_lazy("Fit check"))
    def fit_checks(self, mentorship):
        good, not_good = _("good fit"), _("not a good fit")
        answers = [
            f"{check.respondent}: {good if check.is_good_fit else not_good}"
            + (f" ({check.comment})" if check.comment else "")
            for check in mentorship.fit_checks.select_related("respondent")
        ]
        return "; ".join(answers) or _("Not answered yet")

    def has_add_permission(self, request):
        return False  # mentorships come from approved runs, self-match and onboarding

    def has_delete_permission(self, request, obj=None):
        return False  # completed or ended early, never erased: the history stays

    def _set_status(self, request, queryset, status, reason=""):
        done = 0
        for mentorship in queryset.select_related("mentor__person", "mentee__person"):
            try:
                services.mentorship_set_status(
                    organization=request.organization,
                    actor=request.user,
                    mentorship=mentorship,
                    status=status,
                    reason=reason,
                )
            except ValidationError as error:
                messages.error(request, f"{mentorship}: {' '.join(error.messages)}")
            else:
                done += 1
        if done:
            message = ngettext(
                "%(count)s mentorship now %(status)s.",
                "%(count)s mentorships now %(status)s.",
                done,
            )
            messages.success(
                request,
                message % {"count": done, "status": MENTORSHIP_STATUS_IN_A_SENTENCE[status]},
            )

    @admin.action(description=gettext_lazy("Pause"), permissions=["change"])
    def pause(self, request, queryset):
        self._set_status(request, queryset, MentorshipStatus.PAUSED)

    @admin.action(description=gettext_lazy("Resume"), permissions=["change"])
    def resume(self, request, queryset):
        self._set_status(request, queryset, MentorshipStatus.ACTIVE)

    @admin.action(description=gettext_lazy("Mark completed"), permissions=["change"])
    def complete(self, request, queryset):
        self._set_status(request, queryset, MentorshipStatus.COMPLETED)

    @admin.action(description=gettext_lazy("End early with a reason…"), permissions=["change"])
    def end_early(self, request, queryset):
        form = EndEarlyForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            self._set_status(
                request, queryset, MentorshipStatus.ENDED_EARLY, form.cleaned_data["reason"]
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("End early with a reason"),
            "opts": self.model._meta,
            "form": form,
            "mentorships": queryset.select_related("mentor__person", "mentee__person"),
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/matching/mentorship/end_early.html", context)

    @admin.action(
        description=gettext_lazy("Re-match (ends the pair, finds the best free mentor)"),
        permissions=["change"],
    )
    def rematch(self, request, queryset):
        for mentorship in queryset.select_related("mentor__person", "mentee__person", "program"):
            try:
                new = services.mentorship_rematch(
                    organization=request.organization, actor=request.user, mentorship=mentorship
                )
            except ValidationError as error:
                messages.error(request, f"{mentorship}: {' '.join(error.messages)}")
            else:
                messages.success(
                    request,
                    _("%(mentee)s now works with %(mentor)s.")
                    % {"mentee": mentorship.mentee.person, "mentor": new.mentor.person},
                )


# ---------------------------------------------------------------- self-match requests


@admin.register(MentorRequest, site=organization_admin_site)
class MentorRequestAdmin(ReadOnlyTenantAdmin):
    list_display = ["mentee_name", "mentor_name", "program", "status", "created_at", "answered_at"]
    list_filter = ["status", ("program", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["program", "mentee__person", "mentor__person"]
    fields = ["program", "mentee_name", "mentor_name", "status", "created_at", "answered_at"]
    readonly_fields = fields

    @admin.display(description=gettext_lazy("Mentee"))
    def mentee_name(self, request_):
        return request_.mentee.person

    @admin.display(description=gettext_lazy("Mentor"))
    def mentor_name(self, request_):
        return request_.mentor.person
