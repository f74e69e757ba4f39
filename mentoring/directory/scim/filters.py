"""SCIM filters (RFC 7644 §3.4.2.2) as Django ``Q`` objects, over a whitelist of the
attributes we index. Anything else is refused with 400 ``invalidFilter``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path.expressions import (
    CompareOperator,
    Comparison,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
)

from .protocol import ScimError
from .resources import GROUP_SCHEMA, USER_SCHEMA

MAX_FILTER_CHARACTERS = 1000
MAX_COMPARISONS = 20

TEXT, EXACT_TEXT, BOOLEAN, DATETIME, SCIM_ID, EMAIL = (
    "text",
    "exact",
    "boolean",
    "datetime",
    "scim_id",
    "email",
)


@dataclass(frozen=True)
class Attribute:
    lookup: str
    kind: str


@dataclass(frozen=True)
class Filterable:
    """The attributes of one resource type a filter may name, by lowercased path."""

    schema: str
    attributes: dict[str, Attribute]


USER_FILTERS = Filterable(
    USER_SCHEMA,
    {
        "id": Attribute("scim_id", SCIM_ID),
        "username": Attribute("user_name", TEXT),
        "externalid": Attribute("external_id", EXACT_TEXT),
        "displayname": Attribute("profile__display_name", TEXT),
        "emails.value": Attribute("emails", EMAIL),
        "active": Attribute("active", BOOLEAN),
        "meta.lastmodified": Attribute("updated_at", DATETIME),
        "meta.created": Attribute("created_at", DATETIME),
    },
)
GROUP_FILTERS = Filterable(
    GROUP_SCHEMA,
    {
        "id": Attribute("scim_id", SCIM_ID),
        "displayname": Attribute("display_name", TEXT),
        "externalid": Attribute("external_id", EXACT_TEXT),
        "members.value": Attribute("members__scim_id", SCIM_ID),
        "meta.lastmodified": Attribute("updated_at", DATETIME),
        "meta.created": Attribute("created_at", DATETIME),
    },
)

_TEXT_LOOKUPS = {
    CompareOperator.eq: "exact",
    CompareOperator.co: "contains",
    CompareOperator.sw: "startswith",
    CompareOperator.ew: "endswith",
    CompareOperator.gt: "gt",
    CompareOperator.ge: "gte",
    CompareOperator.lt: "lt",
    CompareOperator.le: "lte",
}
_CASE_FREE = {"exact": "iexact", "contains": "icontains", "startswith": "istartswith"}
_CASE_FREE["endswith"] = "iendswith"


def filter_q(text: str | None, filterable: Filterable) -> Q:
    """The ``Q`` that ``text`` selects (everything when there is no filter)."""
    if not text:
        return Q()
    if len(text) > MAX_FILTER_CHARACTERS:
        raise _refused(f"Keep a filter under {MAX_FILTER_CHARACTERS} characters.")
    try:
        tree = ScimFilter(text).ast
    except (InvalidFilterException, ValueError) as error:
        raise _refused(f"The filter is not valid: {error}.") from None
    translator = _Translator(filterable)
    q = translator.visit(tree)
    if translator.comparisons > MAX_COMPARISONS:
        raise _refused(f"Use at most {MAX_COMPARISONS} comparisons in one filter.")
    return q


def _refused(detail: str) -> ScimError:
    return ScimError(400, detail, "invalidFilter")


class _Translator:
    def __init__(self, filterable: Filterable) -> None:
        self.filterable = filterable
        self.comparisons = 0

    def visit(self, node, prefix: str = "") -> Q:
        if isinstance(node, LogicalExpr):
            terms = [self.visit(term, prefix) for term in node.terms]
            combined = terms[0]
            for term in terms[1:]:
                combined = combined & term if node.op == LogicalOperator.and_ else combined | term
            return combined
        if isinstance(node, Not):
            return ~self.visit(node.expr, prefix)
        if isinstance(node, ValuePath):
            if node.sub_attr:
                raise _refused("A filter cannot name a sub-attribute after brackets.")
            return self.visit(node.val_filter, prefix=f"{node.attr_path.attr}.")
        if isinstance(node, Present | Comparison):
            self.comparisons += 1
            if self.comparisons > MAX_COMPARISONS:
                raise _refused(f"Use at most {MAX_COMPARISONS} comparisons in one filter.")
            attribute = self._attribute(node.attr_path, prefix)
            if isinstance(node, Present):
                return _present(attribute)
            return _compare(attribute, node.op, node.value)
        raise _refused("This filter expression is not supported.")

    def _attribute(self, attr_path, prefix: str) -> Attribute:
        if attr_path.uri and attr_path.uri.lower() != self.filterable.schema.lower():
            raise _refused(f"Filtering on {attr_path} is not supported.")
        name = prefix + attr_path.attr + (f".{attr_path.sub_attr}" if attr_path.sub_attr else "")
        attribute = self.filterable.attributes.get(name.lower())
        if attribute is None:
            supported = ", ".join(sorted(self.filterable.attributes))
            raise _refused(f"Filtering on {name} is not supported; use one of: {supported}.")
        return attribute


def _present(attribute: Attribute) -> Q:
    if attribute.kind in (TEXT, EXACT_TEXT):
        return ~Q(**{attribute.lookup: ""}) & Q(**{f"{attribute.lookup}__isnull": False})
    if attribute.kind == EMAIL:
        return ~Q(emails=[])
    if attribute.kind == SCIM_ID and "__" in attribute.lookup:
        return Q(**{f"{attribute.lookup}__isnull": False})
    return Q()


def _compare(attribute: Attribute, op: CompareOperator, value) -> Q:
    if op == CompareOperator.ne:
        return ~_compare(attribute, CompareOperator.eq, value)
    kind, lookup = attribute.kind, attribute.lookup
    if kind == BOOLEAN:
        if op != CompareOperator.eq or not isinstance(value, bool):
            raise _refused("Compare active with eq or ne and true or false.")
        return Q(**{lookup: value})
    if not isinstance(value, str):
        raise _refused(f"Compare {lookup} with a string in double quotes.")
    if kind == SCIM_ID:
        if op != CompareOperator.eq:
            raise _refused("Compare ids with eq or ne.")
        try:
            return Q(**{lookup: uuid.UUID(value)})
        except ValueError:
            return Q(pk__in=[])  # no resource has that id
    if kind == EMAIL:
        if op != CompareOperator.eq:
            raise _refused("Compare emails.value with eq, ne or pr.")
        return Q(emails__contains=[{"value": value}])
    if kind == DATETIME:
        if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
            raise _refused("Compare dates with eq, ne, gt, ge, lt or le.")
        moment = _datetime(value)
        return Q(**{f"{lookup}__{_TEXT_LOOKUPS[op]}": moment})
    django_lookup = _TEXT_LOOKUPS[op]
    if kind == TEXT:  # caseExact false (RFC 7643 §2.1)
        django_lookup = _CASE_FREE.get(django_lookup, django_lookup)
    return Q(**{f"{lookup}__{django_lookup}": value})


def _datetime(value: str):
    try:
        moment = parse_datetime(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise _refused(f"{value!r} is not a date and time with a zone, like 2026-01-31T09:00:00Z.")
    return moment
