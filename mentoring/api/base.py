"""The base of every HR API view: key or HR-role access, per-key throttling, cursor pages,
filters and ordering, ``updated_since``, ETag/Last-Modified, and ``?format=csv`` streamed
in constant memory. Rows are read with ``.values()`` and shaped by plain functions: the
hot lists skip model serializers (their cost is most of a list request).

Three kinds of views:

- ``HrListView``: rows of one table, cursor-paginated;
- ``HrAggregateView``: a small, bounded list of aggregates (per program, skill…), not
  paginated;
- ``HrObjectView``: one object (the organization summary, a program).

The ETag of every response is a digest of its body (rendered once): exact whatever the
rows depend on (sessions, reviews, today's date), and cheaper here than stamping every
table a page reads. ``Last-Modified`` is the latest ``updated_at`` of a page's rows.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import connection
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import http_date, parse_etags, quote_etag
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, generics, pagination, renderers
from rest_framework.filters import BaseFilterBackend, OrderingFilter
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from mentoring.audit.models import AuditAction
from mentoring.audit.services import record_event
from mentoring.request_validation import has_forbidden
from mentoring.tenancy import activate

from .auth import ApiKeyAuthentication, ApiKeyThrottle, IsHrReader, MemberSessionAuthentication
from .csv_export import CSV_CHUNK, CsvRenderer, csv_response
from .schema import HrAutoSchema

if TYPE_CHECKING:
    # The stubs' type of filter backends that are no BaseFilterBackend (DjangoFilterBackend).
    from rest_framework.generics import BaseFilterProtocol

# Bump when the shape of rows changes, so that clients' cached ETags stop matching.
SHAPE_VERSION = "2"


class CursorPage(pagination.CursorPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("-updated_at", "-id")

    def paginate_queryset(self, queryset, request, view=None):
        self.model = queryset.model
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValidationError, ValueError, TypeError, OverflowError) as error:
            # A cursor that decodes but names an impossible position (hand-edited).
            raise exceptions.NotFound(self.invalid_cursor_message) from error

    def decode_cursor(self, request):
        """The cursor, if its position is a value of the ordering field as a page writes it
        (a time with its offset, a date, text without NUL); a hand-made one is a 404."""
        cursor = super().decode_cursor(request)
        if cursor is None or cursor.position is None:
            return cursor
        try:
            field = self.model._meta.get_field(self.ordering[0].lstrip("-"))
            value = field.to_python(cursor.position)
        except (FieldDoesNotExist, ValidationError):
            raise exceptions.NotFound(self.invalid_cursor_message) from None
        naive = isinstance(value, datetime.datetime) and timezone.is_naive(value)
        if naive or has_forbidden(cursor.position):
            raise exceptions.NotFound(self.invalid_cursor_message)
        return cursor


class HrOrdering(OrderingFilter):
    """``?ordering=<field>`` or ``-<field>`` among the view's ``ordering_fields``; the id
    breaks ties so that cursor pages never skip or repeat a row."""

    ordering_description = "Order of the rows (prefix with - for descending)."

    def get_ordering(self, request, queryset, view):
        requested = request.query_params.get(self.ordering_param, "").strip()
        descending = requested.startswith("-")
        if requested.removeprefix("-") in getattr(view, "ordering_fields", ()):
            return (requested, "-id" if descending else "id")  # one "-" at most
        return tuple(view.ordering)

    def get_schema_operation_parameters(self, view):
        fields = list(getattr(view, "ordering_fields", ()))
        if not fields:
            return []
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"{self.ordering_description} Default: {','.join(view.ordering)}. "
                    "Ignored by ?format=csv, which returns every matching row by id."
                ),
                "schema": {"type": "string", "enum": [*fields, *(f"-{f}" for f in fields)]},
            }
        ]


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """An integer, never a decimal."""

    field_class = forms.IntegerField


class IdFilter(IntegerFilter):
    """An id (of this organization's rows: another's simply matches nothing)."""


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date and time, converted to UTC: PostgreSQL refuses some offsets that
    ISO allows (+21:30), and a time at the edge of the calendar has no UTC equivalent."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(datetime.UTC)
        except OverflowError as error:
            raise forms.ValidationError("This date and time is out of range.") from error


class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 date and time (with its offset, or Z for UTC)."""

    field_class = UtcDateTimeField


# PostgreSQL stamps updated_at before the row's transaction commits, so a transaction
# still open may yet commit rows stamped earlier than rows already visible: a row is
# served only once every write transaction of the application that began before its
# stamp has ended. Until then it is held back, and the response says up to when the
# changes are complete (``X-Changes-Complete-Until``): the next pull's ``updated_since``.
SETTLED_UNTIL_SQL = """
SELECT pg_stat_clear_snapshot();  -- the activity a transaction reads is kept until it ends
SELECT least(clock_timestamp(), min(xact_start)) FROM pg_stat_activity
WHERE datname = current_database() AND usename = current_user
  AND pid <> pg_backend_pid() AND xact_start IS NOT NULL
"""
SETTLED_HEADER = "X-Changes-Complete-Until"


def settled_until() -> datetime.datetime:
    """Every change stamped before this moment is committed (see SETTLED_UNTIL_SQL).

    Raw SQL that reads no tenant row: only the start times of the application role's open
    transactions. Those are every organization's, so a long transaction elsewhere holds
    back this organization's pulls too (never their rows; the header says how far)."""
    with connection.cursor() as cursor:
        cursor.execute(SETTLED_UNTIL_SQL)
        return cursor.fetchone()[0]


class UpdatedSinceFilter(filters.FilterSet):
    updated_since = DateTimeFilter(
        field_name="updated_at",
        method="changed_since",
        label="Rows changed at or after (ISO 8601)",
    )

    def changed_since(self, queryset, name, value):
        until = settled_until()
        if self.request is not None:
            self.request.changes_complete_until = until
        return queryset.filter(**{f"{name}__gte": value, f"{name}__lt": until})


def body_etag(body: bytes, request) -> str:
    digest = hashlib.sha256(f"{SHAPE_VERSION}|{request.path}|".encode() + body).hexdigest()
    return quote_etag(digest[:32])


def not_modified(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    return bool(header) and (etag in parse_etags(header) or header.strip() == "*")


class HrView(generics.GenericAPIView):
    authentication_classes = (ApiKeyAuthentication, MemberSessionAuthentication)
    permission_classes = (IsHrReader,)
    throttle_classes = (ApiKeyThrottle,)
    renderer_classes = (renderers.JSONRenderer, renderers.BrowsableAPIRenderer, CsvRenderer)
    schema = HrAutoSchema()
    filter_backends: Sequence[type[BaseFilterBackend | BaseFilterProtocol[Any]]] = ()
    pagination_class: type[pagination.BasePagination] | None = None
    is_list = False

    @property
    def organization(self):
        return self.request._request.organization

    def handle_exception(self, exc):
        # Errors are JSON whatever was asked for (CSV, the browsable page): one shape.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = renderers.JSONRenderer.media_type
        return super().handle_exception(exc)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        # Per caller, always revalidated (ETag): shared caches never keep HR data.
        response["Cache-Control"] = "private, no-cache"
        response["Vary"] = "Accept, Authorization, Cookie"
        renderer = getattr(request, "accepted_renderer", None)
        if response.status_code == 200 and getattr(renderer, "format", None) == "csv":
            record_export(request._request)
        return response

    def respond(self, data, last_modified=None):
        """``data`` rendered once, with its ETag; 304 when the client has it already."""
        renderer = self.request.accepted_renderer
        if isinstance(renderer, renderers.JSONRenderer):
            body = renderer.render(data, renderer_context=self.get_renderer_context())
            response = HttpResponse(body, content_type="application/json")
        else:  # the browsable page: its ETag is the JSON's
            body = renderers.JSONRenderer().render(data)
            response = Response(data)
        etag = body_etag(body, self.request)
        if not_modified(self.request, etag):
            return HttpResponseNotModified(headers={"ETag": etag})
        response["ETag"] = etag
        if last_modified:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        return response


class HrObjectView(HrView):
    """One object: ``get_object_data()`` returns its dict (or raises NotFound)."""

    def get_object_data(self) -> dict:
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        return self.respond(self.get_object_data())


class HrAggregateView(HrView):
    """A bounded list of aggregate rows, ``{"results": [...]}``, not paginated; CSV too.
    Subclasses set ``filterset_class`` (the parameters), ``row_serializer_class`` (one
    row), ``serializer_class`` (``{"results": [row]}``) and implement
    ``aggregate_rows(params)`` where ``params`` are the filter form's cleaned data."""

    filter_backends = (filters.DjangoFilterBackend,)
    filterset_class: type[filters.FilterSet]  # set by every subclass
    row_serializer_class: type[BaseSerializer] | None = None

    def aggregate_rows(self, params: dict) -> list[dict]:
        raise NotImplementedError

    def filter_params(self) -> dict:
        filterset = self.filterset_class(
            data=self.request.query_params, queryset=self.get_queryset(), request=self.request
        )
        if not filterset.is_valid():
            raise exceptions.ValidationError(filterset.errors)
        return filterset.form.cleaned_data

    def get(self, request, *args, **kwargs):
        rows = self.aggregate_rows(self.filter_params())
        if request.accepted_renderer.format == "csv":
            header = list(self.row_serializer_class().fields)
            return csv_response(header, [rows], _filename(self))
        return self.respond({"results": rows})


def _filename(view) -> str:
    return view.get_view_name().lower().replace(" ", "-")


class HrListView(HrView):
    """Rows of one table. Subclasses set:

    - ``get_queryset()``: the rows, filterable and cheap (no per-row computation);
    - ``annotate(queryset)``: per-row computed values, added to the page (or CSV chunk)
      only, after filtering;
    - ``fields`` (for ``.values()``) and ``shape_rows(rows)`` / ``shape(row)`` turning
      them into the documented rows of ``serializer_class``, with a fixed number of
      queries per page whatever its size.
    """

    is_list = True
    pagination_class = CursorPage
    filter_backends = (filters.DjangoFilterBackend, HrOrdering)
    filterset_class = UpdatedSinceFilter
    ordering: tuple[str, ...] = ("-updated_at", "-id")
    ordering_fields: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    changed_key = "updated_at"  # the rows' key that says when they changed

    def annotate(self, queryset):
        return queryset

    def shape(self, row: dict) -> dict:
        return row

    def shape_rows(self, rows: list[dict]) -> list[dict]:
        return [self.shape(row) for row in rows]

    def rows(self):
        return self.filter_queryset(self.get_queryset())

    def get(self, request, *args, **kwargs):
        queryset = self.rows()
        if request.accepted_renderer.format == "csv":
            return self._csv(queryset)
        page = self.shape_rows(self.paginate_queryset(self.annotate(queryset).values(*self.fields)))
        changed = [row[self.changed_key] for row in page if row.get(self.changed_key)]
        response = self.respond(
            self.paginator.get_paginated_response(page).data, max(changed, default=None)
        )
        until = getattr(request, "changes_complete_until", None)
        if until is not None:
            response[SETTLED_HEADER] = until.astimezone(datetime.UTC).isoformat()
        return response

    def _csv(self, queryset):
        organization = self.organization
        fields = self.fields
        rows = self.annotate(queryset.order_by("id")).values(*fields)

        def chunks():
            # Streaming runs after the request has left the middleware: re-enter the
            # organization for every chunk, and page by id so memory stays flat.
            last_id = 0
            while True:
                with activate(organization):
                    chunk = list(rows.filter(id__gt=last_id)[:CSV_CHUNK])
                    if not chunk:
                        return
                    last_id = chunk[-1]["id"]
                    shaped = self.shape_rows(chunk)
                yield shaped
                if len(chunk) < CSV_CHUNK:
                    return

        header = list(self.get_serializer().fields)
        return csv_response(header, chunks(), _filename(self))


def record_export(request) -> None:
    """A CSV download is an export: the audit log names the endpoint and its filters."""
    record_event(
        organization=request.organization,
        action=AuditAction.EXPORT,
        summary=f"CSV of {request.get_full_path()}",
        request=request,
    )


def api_exception_handler(exc, context):
    """Every error in one shape: {"error": {"status": 404, "detail": "message"}}; for invalid
    parameters the detail is an object of parameter name to messages."""
    from rest_framework.views import exception_handler

    response = exception_handler(exc, context)
    if response is not None:
        detail = response.data
        if isinstance(detail, dict) and set(detail) == {"detail"}:
            detail = detail["detail"]  # a message; invalid parameters keep their names
        response.data = {"error": {"status": response.status_code, "detail": detail}}
    return response
