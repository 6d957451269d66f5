"""The OpenAPI schema's error answers: every operation declares the errors it can give, in the
one shape of ``lms.api_errors``, so that a client generated from the schema expects them.

- 400 the request is invalid (any operation that takes a body or query parameters);
- 401 no or a bad API token (any operation that authenticates);
- 403 not allowed (any operation that authenticates: permissions, a session's CSRF check);
- 404 no such object, or not the caller's (any operation with an id in its path), or no such
  page of a paginated list.
Ids in paths are whole numbers from 0 (Django's ``int`` converter: anything else is no API
address at all) that fit a 64-bit id column.
Rarer answers (409, 429) are declared by the operation itself with ``extend_schema``.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

MAX_ID = 2**63 - 1


class ErrorOut(serializers.Serializer):
    detail = serializers.CharField()


class ValidationErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.JSONField(), help_text="field name -> messages"
    )


ERRORS = {
    "400": ("Invalid request", ValidationErrorOut),
    "401": ("Not signed in, or a bad API token", ErrorOut),
    "403": ("Not allowed", ErrorOut),
    "404": ("Not found (or not yours)", ErrorOut),
}


class AutoSchema(SpectacularAutoSchema):
    def _error_codes(self) -> list[str]:
        codes = []
        takes_input = self.method in ("POST", "PUT", "PATCH") or any(
            parameter.get("in") == "query" for parameter in self._get_parameters()
        )
        if takes_input:
            codes.append("400")
        if self.view.get_authenticators():
            codes += ["401", "403"]
        elif not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            codes.append("403")
        paginated = self._is_list_view() and getattr(self.view, "pagination_class", None)
        if "{" in self.path or (self.method == "GET" and paginated):
            codes.append("404")
        return codes

    def _resolve_path_parameters(self, variables):
        parameters = super()._resolve_path_parameters(variables)
        for parameter in parameters:
            if parameter["schema"].get("type") == "integer":
                parameter["schema"].update(minimum=0, maximum=MAX_ID)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in self._error_codes():
            if code not in responses:
                description, serializer = ERRORS[code]
                responses[code] = self._get_response_for_code(serializer, code, direction=direction)
                responses[code]["description"] = description
        return responses
