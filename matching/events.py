"""The hooks matching defines for the apps above it (mentoring/hooks.py): what it asks
them, so that it never names them. An app answers in its own ``hooks.py`` with
``hooks.register(NAME)``.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import BooleanField, Expression, ExpressionWrapper, Q, Value

from mentoring import hooks

PAIR_HAS_MET = hooks.define(
    "pair_has_met",
    "fn() -> a boolean expression over Mentorship rows (OuterRef('pk') is the mentorship): "
    "the pair has held a session",
)


def pair_has_met() -> Expression:
    """Whether a mentorship's pair has met, as the app that records meetings (sessions)
    says; one expression, to annotate or filter Mentorship rows in the same query. False
    when no app records meetings."""
    expressions = hooks.run(PAIR_HAS_MET)
    if not expressions:
        return Value(False)
    either = reduce(operator.or_, (Q(expression) for expression in expressions))
    return ExpressionWrapper(either, output_field=BooleanField())


PAIRS_AT_RISK = hooks.define(
    "pairs_at_risk",
    "fn(mentorships: QuerySet[Mentorship]) -> set of the ids of those at risk now, by the "
    "one rule of the app that records meetings (sessions.selectors.at_risk)",
)


def pairs_at_risk(mentorships) -> set[int]:
    """The ids of ``mentorships`` at risk now; none when no app records meetings."""
    return set().union(*hooks.run(PAIRS_AT_RISK, mentorships))
