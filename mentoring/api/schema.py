"""How the HR API appears in the OpenAPI schema: its authentication, lists, CSV and errors."""

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import force_instance, is_serializer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "mentoring.api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key of the organization: `Authorization: Bearer mntr_…`.",
        }


class MemberSessionScheme(OpenApiAuthenticationExtension):
    target_class = "mentoring.api.auth.MemberSessionAuthentication"
    name = "memberSession"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": "A signed-in member with the HR role, in the browser.",
        }


class Choice(serializers.ChoiceField):
    """A choice of the HR API's rows, documented as the enum component ``name``: the same
    field name ("status", "role") has different choices on different rows, and the
    components drf-spectacular would name after the field would collide."""

    def __init__(self, choices, *, name: str, **kwargs):
        self.enum_name = name
        super().__init__(choices, **kwargs)


class NamedChoice(OpenApiSerializerFieldExtension):
    target_class = Choice

    def get_name(self):
        return self.target.enum_name

    def map_serializer_field(self, auto_schema, direction):
        return {"type": "string", "enum": list(self.target.choices)}


class ErrorDetail(serializers.Serializer):
    status = serializers.IntegerField()
    detail = serializers.JSONField(
        help_text="A message, or for invalid filters an object of field name to messages."
    )


class Error(serializers.Serializer):
    """Every error of the HR API has this shape."""

    error = ErrorDetail()


ERRORS = {
    400: "A filter or parameter is invalid, or holds a null or broken character "
    "(the detail names it).",
    401: "No key, or a key that is unknown here, revoked or expired.",
    403: "Signed in, but without the HR role; or a per-mentee progress endpoint of an "
    "organization that does not let HR see each mentee's progress.",
    404: "No such object in this organization, or an invalid cursor.",
    429: "Too many requests for this key: retry after Retry-After seconds.",
}


class HrAutoSchema(AutoSchema):
    """OpenAPI of the HR views: lists are paginated with their filters and ordering,
    every operation documents its CSV form and its errors in the one error shape."""

    def _is_list_view(self, serializer=None):
        if not getattr(self.view, "is_list", False):
            return False
        if serializer is None or isinstance(serializer, dict):
            return True
        return is_serializer(serializer) and not isinstance(force_instance(serializer), Error)

    def get_tags(self):
        # /api/v1/<resource>/…: one group per resource in the documentation page
        tokens = self._tokenize_path()
        return tokens[1:2] or tokens[:1]

    def get_filter_backends(self):
        return list(getattr(self.view, "filter_backends", ()))

    def get_response_serializers(self):
        main = super().get_response_serializers()
        etag = OpenApiResponse(main, description="ETag and Cache-Control headers included.")
        responses = {
            (200, "application/json"): etag,
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR, description="?format=csv: the same rows as CSV."
            ),
        }
        for code, description in ERRORS.items():
            responses[(code, "application/json")] = OpenApiResponse(Error, description=description)
        return responses
