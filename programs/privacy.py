"""How programs' models are exported and erased (``hooks.PRIVACY_RULES``)."""

from __future__ import annotations

from django.db.models import Q

from mentoring.privacy.registry import of_person, organization, person
from mentoring.privacy.rules import REMOVED, Erasure, PrivacyRules

from .models import Enrollment, Goal, GoalReview, Recognition

ENTRIES = (
    organization("programs.Skill", "Skill catalogue"),
    organization("programs.Program", "Programs"),
    organization("programs.ProgramSkill", "Focus skills of programs"),
    person("programs.Enrollment", "Your enrolments and applications", of_person),
    person(
        "programs.EnrollmentSkill",
        "Skills of your enrolments",
        lambda s: Q(enrollment__person=s.profile),
    ),
    person("programs.Goal", "Your goals", lambda s: Q(enrollment__person=s.profile)),
    person(
        "programs.GoalReview",
        "Reviews of your goals, and reviews you wrote",
        lambda s: Q(author=s.profile) | Q(goal__enrollment__person=s.profile),
    ),
    organization("programs.Resource", "Resource bank"),
    organization("programs.ChecklistItem", "Preparation checklists"),
    person("programs.ChecklistCompletion", "Checklist items you ticked", of_person),
    person("programs.Recognition", "Recognition you received", lambda s: Q(mentor=s.profile)),
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
        "recognitions": Recognition.objects.filter(mentor=profile).update(note=REMOVED),
    }


RULES = PrivacyRules(entries=ENTRIES, erase=erase)
