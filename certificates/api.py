"""REST API of certificates: my certificates, and verifying a credential someone shows."""

import json

from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import Throttled, ValidationError
from rest_framework.parsers import JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from certificates.selectors import certificates_of, mask_name
from certificates.services.credentials import credential_verify
from lms.ratelimits import address_key, per_address

MAX_CREDENTIAL_BYTES = 256 * 1024


class CertificateOut(serializers.Serializer):
    serial = serializers.CharField()
    code = serializers.CharField()
    programme = serializers.CharField(source="programme_name")
    hours = serializers.DecimalField(max_digits=6, decimal_places=1)
    issuer = serializers.CharField(source="issuer_name")
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    state = serializers.SerializerMethodField()

    def get_state(self, certificate) -> str:
        return certificate.state()


class MyCertificatesApi(APIView):
    @extend_schema(responses=CertificateOut(many=True), summary="My certificates")
    def get(self, request):
        return Response(CertificateOut(certificates_of(request.user), many=True).data)


VerifyOut = inline_serializer(
    "CredentialVerdict",
    {
        "status": serializers.ChoiceField(
            choices=["valid", "tampered", "unknown_issuer", "revoked", "expired", "not_found"]
        ),
        "detail": serializers.CharField(),
        "serial": serializers.CharField(allow_null=True),
        "holder": serializers.CharField(allow_null=True, help_text="partly masked"),
    },
)


class VerifyCredentialApi(APIView):
    """Anyone may check a credential: send it as the JSON body or as a file named
    ``credential``."""

    permission_classes = [AllowAny]
    authentication_classes = []
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(
        request={"application/json": dict, "multipart/form-data": dict},
        responses=VerifyOut,
        summary="Verify an Open Badges 3.0 credential",
    )
    def post(self, request):
        if is_ratelimited(
            request._request,
            group="certificate-verify-api",
            key=address_key,
            rate=per_address("CERTIFICATE_VERIFY_RATE"),
            increment=True,
        ):
            raise Throttled()
        document = self._document(request)
        verdict = credential_verify(document)
        certificate = verdict.certificate
        return Response(
            {
                "status": verdict.status,
                "detail": verdict.detail,
                "serial": certificate.serial if certificate else None,
                "holder": mask_name(certificate.holder_name) if certificate else None,
            }
        )

    @staticmethod
    def _document(request) -> dict:
        upload = request.FILES.get("credential")
        if upload is not None:
            if upload.size > MAX_CREDENTIAL_BYTES:
                raise ValidationError({"credential": [_("The file is too large.")]})
            try:
                document = json.loads(upload.read().decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as error:
                raise ValidationError({"credential": [_("This is not a JSON file.")]}) from error
        else:
            document = request.data
        if not isinstance(document, dict) or "proof" not in document or "@context" not in document:
            raise ValidationError(
                {"credential": [_("This is not a signed credential (no @context or proof).")]}
            )
        return document
