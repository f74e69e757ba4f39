"""Program managers start match runs, review and edit the draft, and approve it. Everything
writes through matching.services.

A run's change page is its review page: a summary first (scores in bands, unmatched
mentees per reason, changes by hand), then its pairs 50 a page, searchable by either
person's name. Its forms post back to it: a done edit redirects to it again (same page,
same search), a refused one shows the page again with the form as posted and the reason.
Swap and add-by-hand choose pairs and people with search pickers (``search_view``: a short
list from this run only), never a dropdown of every pair or mentor. Only a draft has
forms; approved and discarded runs are records.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from mentoring.common.admin import changelist_url
from mentoring.jobs.admin import start_job
from mentoring.jobs.services import job_page_url
from mentoring.request_validation import parse_id
from mentoring.tenancy.admin import TenantModelAdmin, organization_admin_site
from programs.models import Enrollment, ProgramStatus

from .. import explain, selectors, services
from ..forms import (
    CRITERION_LABELS,
    WEIGHT_CHOICES,
    ManualPairForm,
    ReviewSearchForm,
    StartRunForm,
    SwapForm,
    WeightsForm,
    pick_again,
)
from ..jobs import match_run_queue
from ..models import MatchProposal, MatchRun, MatchRunStatus, Mentorship, UnmatchedMentee
from ..pool import program_weights


def _error(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _count_per_run(model):
    """The number of ``model`` rows of each run, as a subquery (no join of the two lists)."""
    rows = (
        model.objects.filter(run=OuterRef("pk"))
        .order_by()
        .values("run")
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)


def _pair_name(proposal) -> str:
    return f"{proposal.mentor.person} → {proposal.mentee.person}"


# What each picker of the review page searches, and the form fields that use it.
SEARCH_KINDS = {"pairs": ("first", "second"), "mentees": ("mentee",), "mentors": ("mentor",)}


def _with_query(request, **changes) -> str:
    """This page's address with some of its query parameters changed (None: dropped)."""
    query = request.GET.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value is not None:
            query[key] = value
    return f"{request.path}?{query.urlencode()}" if query else request.path


def _page_links(request, page) -> list[tuple[str, str | None, bool]]:
    """(text, address or None for a gap, is the current page) for the pages around
    ``page``: the first, the last and two either side."""
    paginator, current = page.paginator, page.number
    if paginator.num_pages <= 1:
        return []
    shown = sorted(
        {
            1,
            paginator.num_pages,
            *range(max(1, current - 2), min(paginator.num_pages, current + 2) + 1),
        }
    )
    links: list[tuple[str, str | None, bool]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            links.append(("…", None, False))
        links.append((str(number), _with_query(request, page=str(number)), number == current))
        previous = number
    return links


PROGRAM_SETTING = ""

# A run's status inside a sentence ("This run is approved, so …").
STATUS_IN_A_SENTENCE = {
    MatchRunStatus.DRAFT: pgettext_lazy("match run status in a sentence", "draft"),
    MatchRunStatus.APPROVED: pgettext_lazy("match run status in a sentence", "approved"),
    MatchRunStatus.DISCARDED: pgettext_lazy("match run status in a sentence", "discarded"),
}


class MatchRunStartForm(StartRunForm):
    """The program, and per criterion either the program's own weight or another one.

    The blank choice keeps the program's weight, so choosing a program never quietly
    replaces its settings with whatever the page showed for another program.
    """

    def __init__(self, *args, program_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["program"]
        field.error_messages["invalid_choice"] = _(
            "Choose one of the programs listed: only programs in the Matching state can be "
            "matched (move a program there with its “Start matching” action)."
        )
        program = None
        program_pk = parse_id(program_id)
        if program_pk is not None:
            program = field.queryset.filter(pk=program_pk).first()
        if program is not None:
            self.initial["program"] = program.pk
        current = program_weights(program) if program is not None else {}
        for criterion, label in CRITERION_LABELS.items():
            blank = _("As set on the program")
            if criterion in current:
                blank = _("As set on the program (%(weight)s)") % {"weight": current[criterion]}
            self.fields[criterion.value] = forms.ChoiceField(
                label=label, required=False, choices=[(PROGRAM_SETTING, blank), *WEIGHT_CHOICES]
            )

    def weight_overrides(self) -> dict[str, str]:
        return {
            criterion.value: self.cleaned_data[criterion.value]
            for criterion in CRITERION_LABELS
            if self.cleaned_data[criterion.value] != PROGRAM_SETTING
        }

    def weight_fields(self):
        return [self[criterion.value] for criterion in CRITERION_LABELS]


@admin.register(MatchRun, site=organization_admin_site)
class MatchRunAdmin(TenantModelAdmin):
    list_display = [
        "program",
        "status",
        "created_at",
        "pairs",
        "unmatched_count",
        "score",
        "computed_in",
    ]
    # Every program of the organization, not only those with runs: the "Match runs" link
    # of a program's page filters by it, and Django ignores the filter of a list filter
    # that offers a single choice.
    list_filter = ["status", "program"]
    list_select_related = ["program"]
    show_full_result_count = False
    change_list_template = "admin/matching/matchrun/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("program", "created_by", "approved_by")
            .annotate(
                pair_count=_count_per_run(MatchProposal),
                unmatched_total=_count_per_run(UnmatchedMentee),
            )
        )

    @admin.display(description=gettext_lazy("Pairs"), ordering="pair_count")
    def pairs(self, run):
        return run.pair_count

    @admin.display(description=gettext_lazy("Unmatched"), ordering="unmatched_total")
    def unmatched_count(self, run):
        return run.unmatched_total

    @admin.display(description=gettext_lazy("Total score"), ordering="total_score")
    def score(self, run):
        return f"{run.total_score:.1f}"

    @admin.display(description=gettext_lazy("Computed in"), ordering="seconds")
    def computed_in(self, run):
        return f"{run.seconds:.2f} s"

    def has_add_permission(self, request):
        return False  # runs are started from the "Start a match run" page

    def has_delete_permission(self, request, obj=None):
        return False  # drafts are discarded by the next run, approved runs are history

    def get_urls(self):
        return [
            path(
                "start/",
                self.admin_site.admin_view(self.start_view),
                name="matching_matchrun_start",
            ),
            path(
                "<path:object_id>/search/<str:kind>/",
                self.admin_site.admin_view(self.search_view),
                name="matching_matchrun_search",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            **extra,
        }

    # -------------------------------------------------------- start

    def start_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = MatchRunStartForm(
            request.POST if request.method == "POST" else None,
            program_id=request.GET.get("program"),
        )
        if form.is_valid():
            program, weights = form.cleaned_data["program"], form.weight_overrides()
            started = start_job(
                self,
                request,
                job=lambda: match_run_queue(actor=request.user, program=program, weights=weights),
            )
            # The job's page moves on to the draft when it is ready.
            if started is not None:
                return started
        context = self._context(request, _("Start a match run"), form=form)
        return TemplateResponse(request, "admin/matching/matchrun/start.html", context)

    # -------------------------------------------------------- review

    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self.get_object(request, unquote(object_id))  # another organization's: 404
        if not self.has_view_or_change_permission(request, run):
            raise PermissionDenied
        posted = {}
        if request.method == "POST":
            if not self.has_change_permission(request, run):
                raise PermissionDenied
            outcome = self._review_post(request, run)
            if not isinstance(outcome, dict):
                return outcome
            posted = outcome
        return self._review_page(request, run, posted)

    def _review_page(self, request, run, posted):
        """The draft (or record) of a run, summary first, then one page of its pairs (a
        search on either person's name, an order); ``posted`` holds a refused form to
        show again. The queries do not grow with the draft."""
        organization = request.organization
        is_draft = run.status == MatchRunStatus.DRAFT
        summary = selectors.draft_summary(organization=organization, run=run)
        search_form = ReviewSearchForm(
            request.GET or None, orders=selectors.PAIR_ORDERS, filters=selectors.PAIR_FILTERS
        )
        search = search_form.search()
        is_circles = run.program.is_circle
        if is_circles:
            # a circle draft is read circle by circle: number, skill, mentors, mentees
            pairs = Paginator(
                selectors.draft_circles(organization=organization, run=run, q=search["q"]),
                selectors.CIRCLES_PER_PAGE,
            ).get_page(request.GET.get("page"))
            for circle in pairs:
                for seat in circle.proposals.all():
                    seat.plain_reasons = explain.reasons_for_people(seat.breakdown)
        else:
            pairs = Paginator(
                selectors.draft_pairs(organization=organization, run=run, **search),
                selectors.PAIRS_PER_PAGE,
            ).get_page(request.GET.get("page"))
        unmatched = list(
            selectors.draft_unmatched(organization=organization, run=run, q=search["q"])[
                : selectors.UNMATCHED_SHOWN + 1
            ]
        )
        weights = program_weights(run.program, run.weights)
        forms_ = {}
        if is_draft and is_circles:
            forms_ = self._circle_draft_forms(request, run, posted)
        elif is_draft:
            forms_ = self._draft_forms(request, run, summary, posted)
        context = self._context(
            request,
            _("Match run · %(program)s") % {"program": run.program},
            original=run,
            run=run,
            is_draft=is_draft,
            is_circles=is_circles,
            circle_count=(
                selectors.draft_circle_count(organization=organization, run=run)
                if is_circles
                else None
            ),
            summary=summary,
            search_form=search_form,
            search=search,
            is_searching=bool(search["q"] or search["only"]),
            pairs=pairs,
            page_links=_page_links(request, pairs),
            unmatched=unmatched[: selectors.UNMATCHED_SHOWN],
            unmatched_more=summary.unmatched_count - min(len(unmatched), selectors.UNMATCHED_SHOWN),
            weights=[(label, weights[criterion]) for criterion, label in CRITERION_LABELS.items()],
            program_url=reverse("admin:programs_program_change", args=[run.program_id]),
            runs_url=changelist_url(MatchRun, program__id__exact=run.program_id),
            overrides_url=_with_query(request, only="overrides", page=None),
            swap_url=_with_query(request, swap=None)
            + ("&" if "?" in _with_query(request, swap=None) else "?")
            + "swap=",
            **forms_,
        )
        return TemplateResponse(request, "admin/matching/matchrun/review.html", context)

    def _draft_forms(self, request, run, summary, posted):
        """The edit forms of a draft: pickers pointed at the run's search, a refused form
        as posted, and the draft's version on the swap form (a second click is told)."""
        search = {
            kind: reverse("admin:matching_matchrun_search", args=[run.pk, kind])
            for kind in SEARCH_KINDS
        }
        manual_form = None
        if summary.unmatched_count:
            mentee_id = posted.pop("scores_for", None)
            manual_form = posted.pop("manual_form", None) or ManualPairForm(
                run=run, initial={"mentee": mentee_id}
            )
            best = None
            if mentee_id is not None:
                best = selectors.best_draft_mentors(
                    organization=request.organization, run=run, mentee_id=mentee_id
                )
            manual_form.show_choices(search, mentors=best)
        swap_form = posted.pop("swap_form", None)
        if summary.pair_count <= 1:
            swap_form = None  # nothing to swap (any more)
        else:
            swap_form = swap_form or SwapForm(
                run=run, initial={"first": parse_id(request.GET.get("swap"))}
            )
            swap_form.show_choices(search["pairs"])
            # The draft as it is now, also on a form shown again after a refusal.
            version = selectors.draft_version_now(organization=request.organization, run=run)
            if swap_form.is_bound:
                swap_form.data = swap_form.data.copy()
                swap_form.data[swap_form.add_prefix("version")] = version
            else:
                swap_form.initial["version"] = version
        return {
            "weights_form": WeightsForm(initial_weights=program_weights(run.program, run.weights)),
            "swap_form": swap_form,
            "manual_form": manual_form,
            **posted,
        }

    def _circle_draft_forms(self, request, run, posted):
        """A circle draft's edits: remove a mentee or a whole circle (both posted with the
        draft's version, so a second click is told), or compute a new draft."""
        return {
            "weights_form": WeightsForm(initial_weights=program_weights(run.program, run.weights)),
            "version": selectors.draft_version_now(organization=request.organization, run=run),
            **posted,
        }

    # -------------------------------------------------------- pickers' search

    def search_view(self, request, object_id, kind):
        """A short list of radio buttons for a picker of the review page: the run's pairs,
        its unmatched mentees or its program's mentors whose name matches the search; only
        this run of this organization (another organization's run is a 404)."""
        run = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, run):
            raise PermissionDenied
        fields = SEARCH_KINDS.get(kind)
        if fields is None:
            raise Http404("No such search.")
        name = request.GET.get("field") or fields[0]
        if name not in fields:
            name = fields[0]
        q = (request.GET.get(f"{name}_q") or request.GET.get("q") or "").strip()[:100]
        organization, limit = request.organization, selectors.PICKER_LIMIT
        if kind == "pairs":
            rows = [
                (p.pk, _pair_name(p))
                for p in selectors.search_draft_pairs(
                    organization=organization, run=run, q=q, limit=limit + 1
                )
            ]
        elif kind == "mentees":
            rows = [
                (e.pk, str(e.person))
                for e in selectors.search_draft_unmatched(
                    organization=organization, run=run, q=q, limit=limit + 1
                )
            ]
        else:
            rows = [
                (c.enrollment.pk, c.label)
                for c in selectors.search_draft_mentors(
                    organization=organization, run=run, q=q, limit=limit + 1
                )
            ]
        more, rows = len(rows) > limit, rows[:limit]
        form_class = SwapForm if kind == "pairs" else ManualPairForm
        field = form_class.base_fields[name]
        options = [{"value": pk, "label": label, "checked": False} for pk, label in rows]
        chosen = parse_id(request.GET.get(name))
        if chosen is not None:
            # The choice made before this search stays, first and checked, if it is valid.
            for option in options:
                option["checked"] = option["value"] == chosen
            if not any(option["checked"] for option in options):
                form = form_class({name: chosen}, run=run)
                pick_again(form, name, _pair_name if kind == "pairs" else (lambda e: str(e.person)))
                options = [
                    {"value": pk, "label": label, "checked": True}
                    for pk, label in form.fields[name].widget.chosen
                ] + options
        context = {
            "name": name,
            "id": f"id_{name}",
            "legend": field.label,
            "kind": kind,
            "options": options,
            "searched": True,
            "found": len(rows),
            "more": more,
            "q": q,
        }
        return TemplateResponse(request, "admin/matching/matchrun/_picker_choices.html", context)

    def _review_post(self, request, run):
        """Carry out one edit of the draft: a redirect, or the refused form to show again."""
        if run.status != MatchRunStatus.DRAFT:
            status = STATUS_IN_A_SENTENCE[run.status]
            messages.error(
                request,
                _(
                    "This run is %(status)s, so it can no longer change: "
                    "start a new run to change the pairs."
                )
                % {"status": status},
            )
            return redirect(request.get_full_path())
        handler = {
            "approve": self._approve,
            "remove": self._remove,
            "remove_circle": self._remove_circle,
            "move": self._move_to_circle,
            "swap": self._swap,
            "manual": self._add_manual,
            "scores": self._mentor_scores,
            "rerun": self._rerun,
        }.get(request.POST.get("action"))
        if handler is None:
            messages.error(request, _("Nothing changed: the page was out of date, try again."))
            return redirect(request.get_full_path())
        return handler(request, run)

    def _approve(self, request, run):
        try:
            created = services.match_run_approve(
                organization=request.organization, actor=request.user, run=run
            )
        except ValidationError as error:
            _error(request, error)
            return redirect(request.get_full_path())
        run.program.refresh_from_db(fields=["status"])
        readiness = services.program_readiness(run.program)
        count = len(created)
        if run.program.is_circle:
            made = ngettext("%(count)s circle", "%(count)s circles", count) % {"count": count}
        else:
            made = ngettext("%(count)s mentorship", "%(count)s mentorships", count) % {
                "count": count
            }
        parts = [_("Draft approved: %(made)s created.") % {"made": made}]
        if run.program.status == ProgramStatus.RUNNING:
            parts.append(_("“%(program)s” is now running.") % {"program": run.program})
        elif readiness:
            parts.append(
                _("“%(program)s” is %(readiness)s.")
                % {"program": run.program, "readiness": f"{readiness[0].lower()}{readiness[1:]}"}
            )
        messages.success(request, " ".join(parts))
        return redirect(changelist_url(Mentorship, program__id__exact=run.program_id))

    def _remove(self, request, run):
        proposal_id = parse_id(request.POST.get("proposal"))
        proposal = None
        if proposal_id is not None:
            proposal = (
                MatchProposal.objects.filter(run=run, pk=proposal_id)
                .select_related("mentee__person", "mentor__person", "circle")
                .first()
            )
        if proposal is None:
            messages.error(
                request, _("That pair is not in this draft (any more): nothing changed.")
            )
            return redirect(request.get_full_path())
        try:
            services.proposal_remove(
                organization=request.organization, actor=request.user, proposal=proposal
            )
        except ValidationError as error:
            _error(request, error)
        else:
            self._removed(request, proposal)
        return redirect(request.get_full_path())

    def _removed(self, request, proposal) -> None:
        if proposal.circle_id is not None:
            messages.success(
                request,
                _("Removed %(mentee)s from circle %(number)s: they are now unmatched.")
                % {"mentee": proposal.mentee.person, "number": proposal.circle.number},
            )
        else:
            messages.success(
                request,
                _("Removed %(pair)s: %(mentee)s is now unmatched.")
                % {"pair": _pair_name(proposal), "mentee": proposal.mentee.person},
            )

    def _move_to_circle(self, request, run):
        """Seat a mentee of a circle draft (in a circle or unmatched) in the circle of the
        number typed."""
        mentee_id, number = (
            parse_id(request.POST.get("mentee")),
            parse_id(request.POST.get("number")),
        )
        in_draft = run.proposals.filter(mentee_id=mentee_id).exists() or (
            run.unmatched.filter(mentee_id=mentee_id).exists()
        )
        mentee = None
        if mentee_id is not None and in_draft:
            mentee = (
                Enrollment.objects.filter(program_id=run.program_id, pk=mentee_id)
                .select_related("person")
                .first()
            )
        if mentee is None:
            messages.error(
                request, _("That mentee is not in this draft (any more): nothing changed.")
            )
            return redirect(request.get_full_path())
        circle = run.circles.filter(number=number).first() if number is not None else None
        if circle is None:
            messages.error(
                request,
                _(
                    "There is no circle of that number in this draft: type the number of one "
                    "of the circles shown."
                ),
            )
            return redirect(request.get_full_path())
        try:
            services.proposal_move_to_circle(
                organization=request.organization,
                actor=request.user,
                run=run,
                mentee=mentee,
                circle=circle,
                version=request.POST.get("version", ""),
            )
        except ValidationError as error:
            _error(request, error)
        else:
            messages.success(
                request,
                _("%(mentee)s is now in %(circle)s.") % {"mentee": mentee.person, "circle": circle},
            )
        return redirect(request.get_full_path())

    def _remove_circle(self, request, run):
        circle_id = parse_id(request.POST.get("circle"))
        circle = None
        if circle_id is not None:
            circle = run.circles.filter(pk=circle_id).first()
        if circle is None:
            messages.error(
                request, _("That circle is not in this draft (any more): nothing changed.")
            )
            return redirect(request.get_full_path())
        try:
            removed = services.draft_circle_remove(
                organization=request.organization,
                actor=request.user,
                circle=circle,
                version=request.POST.get("version", ""),
            )
        except ValidationError as error:
            _error(request, error)
        else:
            message = ngettext(
                "Removed %(circle)s: its %(count)s mentee is now unmatched.",
                "Removed %(circle)s: its %(count)s mentees are now unmatched.",
                removed,
            )
            messages.success(request, message % {"circle": circle, "count": removed})
        return redirect(request.get_full_path())

    def _refused(self, request, name, form, error=None):
        if error is not None:
            _error(request, error)
        else:
            messages.error(request, _("Nothing changed: correct the form below."))
        return {name: form}

    def _swap(self, request, run):
        form = SwapForm(request.POST, run=run)
        if not form.is_valid():
            return self._refused(request, "swap_form", form)
        first, second = form.cleaned_data["first"], form.cleaned_data["second"]
        try:
            first, second = services.proposal_swap(
                organization=request.organization, actor=request.user, **form.cleaned_data
            )
        except services.OverrideReasonNeeded as error:
            # The reason field of each new pair that breaks a rule, named after the pair.
            names = {
                "first_reason": f"{second.mentor.person} → {first.mentee.person}",
                "second_reason": f"{first.mentor.person} → {second.mentee.person}",
            }
            needs = {field: (names[field], rules) for field, rules in error.field_rules.items()}
            form = SwapForm(request.POST, run=run, needs_reason=needs)
            form.is_valid()
            form.add_error(None, error)
            messages.error(
                request,
                _(
                    "Nothing changed yet: a new pair breaks a rule of the program. Give its "
                    "reason below, or choose other pairs."
                ),
            )
            return {"swap_form": form}
        except ValidationError as error:
            return self._refused(request, "swap_form", form, error)
        parts = [
            _("Mentors swapped: %(first)s and %(second)s.")
            % {"first": _pair_name(first), "second": _pair_name(second)}
        ]
        if first.broken_rules or second.broken_rules:
            parts.append(_("The override and its reason are recorded with the pair."))
        messages.success(request, " ".join(parts))
        return redirect(request.get_full_path())

    def _mentor_scores(self, request, run):
        """Show each mentor's score with the chosen mentee; nothing is written."""
        mentee_id = parse_id(request.POST.get("mentee"))
        if mentee_id is None or not run.unmatched.filter(mentee_id=mentee_id).exists():
            messages.error(
                request, _("Choose a mentee left unmatched first, then show the scores.")
            )
            return {}
        return {"scores_for": mentee_id}

    def _add_manual(self, request, run):
        form = ManualPairForm(request.POST, run=run)
        if not form.is_valid():
            return self._refused(request, "manual_form", self._with_facts(form, run))
        try:
            proposal = services.proposal_add_manual(
                organization=request.organization, actor=request.user, run=run, **form.cleaned_data
            )
        except services.OverrideReasonNeeded as error:
            form = self._with_facts(form, run)
            form.add_error(None, error)
            messages.error(request, _("Nothing changed yet: the pair breaks a rule, see below."))
            return {"manual_form": form}
        except ValidationError as error:
            return self._refused(request, "manual_form", self._with_facts(form, run), error)
        parts = [_("Added %(pair)s by hand.") % {"pair": _pair_name(proposal)}]
        if proposal.broken_rules:
            parts.append(_("The override and its reason are recorded."))
        messages.success(request, " ".join(parts))
        return redirect(request.get_full_path())

    def _with_facts(self, form, run):
        """The posted manual-pair form again, checked, its choices shown as posted."""
        again = ManualPairForm(form.data, run=run)
        again.is_valid()
        return again

    def _rerun(self, request, run):
        form = WeightsForm(request.POST, initial_weights=program_weights(run.program, run.weights))
        if not form.is_valid():
            return self._refused(request, "weights_form", form)
        try:
            job = match_run_queue(
                actor=request.user, program=run.program, weights=form.cleaned_data
            )
        except ValidationError as error:  # the program moved on, or the same run is running
            return self._refused(request, "weights_form", form, error)
        return redirect(job_page_url(job))
