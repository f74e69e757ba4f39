"""How programs' models are exported and erased (``hooks.PRIVACY_RULES``)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mentoring.privacy.registry import of_person, organization, person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules

from .models import Enrollment, Goal, GoalReview, Recognition, TrainingCompletion

ENTRIES = (
    organization("programs.Skill", _("Skill catalogue")),
    organization("programs.Program", _("Programs")),
    organization("programs.ProgramSkill", _("Focus skills of programs")),
    person("programs.Enrollment", _("Your enrolments and applications"), of_person),
    person(
        "programs.EnrollmentSkill",
        _("Skills of your enrolments"),
        lambda s: Q(enrollment__person=s.profile),
    ),
    person("programs.Goal", _("Your goals"), lambda s: Q(enrollment__person=s.profile)),
    person(
        "programs.GoalReview",
        _("Reviews of your goals, reviews you wrote, and your observations on them"),
        lambda s: (
            Q(author=s.profile) | Q(goal__enrollment__person=s.profile) | Q(observed_by=s.profile)
        ),
    ),
    organization("programs.Resource", _("Resource bank")),
    organization("programs.ChecklistItem", _("Preparation checklists")),
    person("programs.ChecklistCompletion", _("Checklist items you ticked"), of_person),
    organization("programs.TrainingModule", _("Mentor training modules of programs")),
    organization("programs.SessionPlanStep", _("Session plans of programs")),
    person(
        "programs.TrainingCompletion",
        _("Training modules you finished, with your reflections"),
        of_person,
    ),
    person("programs.Recognition", _("Recognition you received"), lambda s: Q(mentor=s.profile)),
    person(
        "programs.InvitationEnrolment",
        _("Programs you were invited to join"),
        lambda s: (
            Q(invitation__accepted_by_id=s.profile.user_id)
            | Q(invitation__email__iexact=s.profile.user.email)
        ),
    ),
)


def erase(erasure: Erasure) -> dict[str, int]:
    profile, now = erasure.profile, erasure.now
    return {
        "enrollments": Enrollment.objects.filter(person=profile).update(
            situations=[],
            growth_story="",
            decision_reason="",
            preferred_mentors=[],
            updated_at=now,
        ),
        "goals": Goal.objects.filter(enrollment__person=profile).update(
            statement=REMOVED, updated_at=now
        ),
        "goal_reviews": GoalReview.objects.filter(
            Q(author=profile) | Q(goal__enrollment__person=profile)
        ).update(what_changed=REMOVED, next_steps=REMOVED, adjusted_focus=""),
        # a mentor's observation is theirs, and about the mentee: gone with either
        "goal_observations": GoalReview.objects.filter(
            Q(observed_by=profile) | Q(goal__enrollment__person=profile)
        )
        .exclude(mentor_observation="")
        .update(mentor_observation=REMOVED),
        "recognitions": Recognition.objects.filter(mentor=profile).update(note=REMOVED),
        # that a module was finished stays (matching reads it); the reflection goes
        "training_reflections": TrainingCompletion.objects.filter(person=profile).update(
            reflection=REMOVED, updated_at=now
        ),
    }


RULES = PrivacyRules(entries=ENTRIES, erase=erase)
