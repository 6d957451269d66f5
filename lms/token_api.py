"""``POST /api/v1/auth/token/``: an API token for a username and password.

Wrong passwords count towards the lockout as on the sign-in page (django-axes, through
``authenticate``); while locked out the answer is 429. Someone with two-factor sign-in also sends
``otp_token`` (an authenticator or recovery code). A city admin who must use two-factor sign-in
gets no token before they have set it up on the website: the token is where the API checks this,
not every request (the answer-save request has no query to spare), so a city admin's token
always comes from a sign-in with two factors.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from lms import two_factor


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("Two-factor code"), required=False, allow_blank=True, max_length=32
    )


class ObtainTokenApi(ObtainAuthToken):
    serializer_class = TokenRequestSerializer

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username, password or two-factor code."),
            403: OpenApiResponse(description="A city admin without two-factor sign-in."),
            429: OpenApiResponse(description="Locked out after too many wrong passwords."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            # django-axes marks the request it was given (DRF's) when the pair is locked out.
            if getattr(request, "axes_locked_out", False):
                return Response(
                    {"detail": _("Too many wrong passwords. Try again later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise
        user = serializer.validated_data["user"]
        if two_factor.totp_device(user) is not None:
            code = serializer.validated_data.get("otp_token") or ""
            if not code or two_factor.code_verify(user=user, code=code) is None:
                raise ValidationError({"otp_token": [_("A valid two-factor code is required.")]})
        elif two_factor.two_factor_required(user):
            return Response(
                {"detail": _("Turn on two-factor sign-in on the website before using the API.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
