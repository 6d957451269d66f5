"""REST API of quizzes: list, start or resume, save an answer, submit, review.

Another learner's attempt is a 404. Keys and explanations appear only under ``review`` and only
when the quiz's review options allow (see ``quizzes.selectors``).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated, NotFound, Throttled, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from lms.authentication import TokenAuthentication, token_from_header
from lms.ratelimits import answer_save_retry_after
from quizzes import selectors
from quizzes.dashboard import dashboard_for
from quizzes.models import Quiz, QuizKind
from quizzes.notebook import notebook_for, notebook_scope
from quizzes.services import attempts as attempt_services
from quizzes.services.practice import review_quiz


class QuizOut(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code", allow_null=True, default=None)

    class Meta:
        model = Quiz
        fields = [
            "id",
            "title",
            "kind",
            "subject",
            "question_count",
            "time_limit_minutes",
            "max_attempts",
        ]


@extend_schema(
    summary="Open quizzes",
    parameters=[
        OpenApiParameter("kind", enum=QuizKind.values),
        OpenApiParameter("subject", description="subject code, e.g. J-CA"),
    ],
)
class QuizListApi(ListAPIView):
    serializer_class = QuizOut
    filter_backends = []

    def get_queryset(self):
        kind = self.request.query_params.get("kind")
        if kind and kind not in QuizKind.values:
            raise ValidationError({"kind": [f"Unknown kind: {kind}"]})
        return selectors.quizzes_for(
            user=self.request.user, kind=kind, subject=self.request.query_params.get("subject")
        )


class OptionOut(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    text = serializers.CharField()


class PartOut(serializers.Serializer):
    prompt = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)


class ReviewOut(serializers.Serializer):
    key = serializers.ListField(child=serializers.IntegerField())
    explanation = serializers.CharField()
    option_explanations = serializers.DictField(child=serializers.CharField(allow_blank=True))
    key_points = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    points_awarded = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    knowledge_point = serializers.IntegerField(allow_null=True)
    correct = serializers.BooleanField(allow_null=True)


class QuestionOut(serializers.Serializer):
    position = serializers.IntegerField()
    type = serializers.CharField()
    stem = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    options = OptionOut(many=True)
    parts = PartOut(many=True)
    answer = serializers.JSONField(allow_null=True)
    seq = serializers.IntegerField()
    saved_at = serializers.DateTimeField(allow_null=True)
    flagged = serializers.BooleanField()
    review = ReviewOut(required=False)


class ChapterResultOut(serializers.Serializer):
    chapter = serializers.CharField()
    name = serializers.CharField()
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    max = serializers.DecimalField(max_digits=7, decimal_places=2)
    questions = serializers.IntegerField()
    percent = serializers.IntegerField()


class ResultOut(serializers.Serializer):
    score = serializers.DecimalField(max_digits=7, decimal_places=2)
    provisional = serializers.BooleanField()
    passed = serializers.BooleanField(allow_null=True)
    by_chapter = ChapterResultOut(many=True)


class AttemptQuizOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()


class AttemptOut(serializers.Serializer):
    id = serializers.IntegerField()
    quiz = AttemptQuizOut()
    number = serializers.IntegerField()
    state = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    server_time = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    max_score = serializers.DecimalField(max_digits=7, decimal_places=2)
    pass_mark = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)
    questions = QuestionOut(many=True)
    result = ResultOut(required=False)


class StartAttemptApi(APIView):
    @extend_schema(
        request=None,
        responses={200: AttemptOut, 201: AttemptOut},
        summary="Start a quiz, or resume my open attempt of it",
    )
    def post(self, request, quiz_id: int):
        quiz = get_object_or_404(Quiz.objects.filter(is_active=True), pk=quiz_id)
        try:
            attempt, created = attempt_services.attempt_start(user=request.user, quiz=quiz)
        except DjangoValidationError as error:
            raise ValidationError({"quiz": error.messages}) from error
        return Response(
            AttemptOut(selectors.attempt_payload(attempt)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


def _own_attempt(request, attempt_id: int):
    try:
        return attempt_services.attempt_for(user=request.user, attempt_id=attempt_id)
    except attempt_services.AttemptNotFound as error:
        raise NotFound() from error


class AttemptApi(APIView):
    @extend_schema(responses=AttemptOut, summary="My attempt, as the review options allow")
    def get(self, request, attempt_id: int):
        return Response(
            AttemptOut(selectors.attempt_payload(_own_attempt(request, attempt_id))).data
        )


class SaveIn(serializers.Serializer):
    answer = serializers.JSONField(allow_null=True)
    seq = serializers.IntegerField(min_value=1, max_value=2_000_000_000)
    flagged = serializers.BooleanField(required=False, allow_null=True, default=None)


class SaveOut(serializers.Serializer):
    seq = serializers.IntegerField()
    saved_at = serializers.DateTimeField()
    stale = serializers.BooleanField()
    review = ReviewOut(required=False)


def _parse_save(data) -> tuple:
    """The save payload, checked by hand: this runs on every click of every candidate."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object.")]})
    errors = {}
    seq = data.get("seq")
    if not isinstance(seq, int) or isinstance(seq, bool) or not 1 <= seq <= 2_000_000_000:
        errors["seq"] = [_("A whole number from 1 to 2000000000 is required.")]
    flagged = data.get("flagged")
    if flagged is not None and not isinstance(flagged, bool):
        errors["flagged"] = [_("Must be true, false or null.")]
    if "answer" not in data:
        errors["answer"] = [_("This field is required.")]
    if errors:
        raise ValidationError(errors)
    return data["answer"], seq, flagged


class SaveAnswerApi(APIView):
    """The hottest endpoint: one answer of an open attempt, idempotent per sequence number.

    An API token is checked inside the save's own read (one statement fewer per save), so DRF
    authenticates only browser sessions here, with their CSRF check.
    """

    authentication_classes = [SessionAuthentication]
    permission_classes = []

    def get_authenticate_header(self, request):
        return TokenAuthentication.keyword

    @extend_schema(
        request=SaveIn,
        responses=SaveOut,
        summary="Save one answer",
        auth=[{"cookieAuth": []}, {"tokenAuth": []}],
    )
    def put(self, request, attempt_id: int, position: int):
        token = token_from_header(request)
        user = None
        if token is None:
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            user = request.user
        wait = answer_save_retry_after(
            request._request, f"user:{user.pk}" if user is not None else f"token:{token}"
        )
        if wait is not None:
            raise Throttled(
                wait=wait,
                detail=_("Too many answers saved in a short time. Wait a moment and try again."),
            )
        answer, seq, flagged = _parse_save(request.data)
        try:
            result = attempt_services.response_save(
                user=user,
                token=token,
                attempt_id=attempt_id,
                position=position,
                answer=answer,
                seq=seq,
                flagged=flagged,
            )
        except attempt_services.AttemptNotFound as error:
            if token is not None:
                TokenAuthentication().authenticate_credentials(token)  # 401 for a bad token
            raise NotFound() from error
        except (attempt_services.AttemptClosed, attempt_services.AnswerLocked) as error:
            return Response(
                {"detail": str(error), "code": type(error).__name__},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else {"answer": error.messages}
            ) from error
        body = {"seq": result.seq, "saved_at": result.saved_at, "stale": result.stale}
        if result.review is not None:
            body["review"] = ReviewOut(result.review).data
        return Response(body)


class SubmitApi(APIView):
    @extend_schema(request=None, responses=AttemptOut, summary="Submit my attempt (idempotent)")
    def post(self, request, attempt_id: int):
        attempt = _own_attempt(request, attempt_id)
        attempt = attempt_services.attempt_submit(attempt=attempt)
        return Response(AttemptOut(selectors.attempt_payload(attempt)).data)


class ChapterMasteryOut(serializers.Serializer):
    chapter = serializers.CharField(source="chapter.code")
    name = serializers.CharField(source="chapter.display_name")
    percent = serializers.IntegerField(allow_null=True)
    coverage = serializers.IntegerField(help_text="knowledge points with answers")


class WeakPointOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    mastery = serializers.FloatField()


class SubjectReadinessOut(serializers.Serializer):
    subject = serializers.CharField(source="subject.code")
    name = serializers.CharField(source="subject.display_name")
    predicted_score = serializers.FloatField(allow_null=True)
    pass_mark = serializers.FloatField(allow_null=True)
    total_points = serializers.FloatField(allow_null=True)
    pass_probability = serializers.FloatField(allow_null=True)
    answers = serializers.IntegerField()
    chapters = ChapterMasteryOut(many=True)
    weakest = serializers.SerializerMethodField()

    def get_weakest(self, readiness) -> list[dict]:
        return WeakPointOut(
            [
                {"code": kp.code, "name": kp.display_name, "mastery": round(level, 3)}
                for kp, level in readiness.weakest
            ],
            many=True,
        ).data


class ReadinessOut(serializers.Serializer):
    days_to_exam = serializers.IntegerField(allow_null=True)
    subjects = SubjectReadinessOut(many=True)


class ReadinessApi(APIView):
    @extend_schema(
        responses=ReadinessOut,
        summary="My mastery by chapter, weakest points and predicted score per subject",
    )
    def get(self, request):
        return Response(ReadinessOut(dashboard_for(user=request.user)).data)


class NotebookCardOut(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    chapter = serializers.CharField(source="question.chapter.code")
    type = serializers.CharField(source="question.type")
    due = serializers.DateTimeField()
    lapses = serializers.IntegerField()
    correct_streak = serializers.IntegerField()
    last_wrong_at = serializers.DateTimeField()


class NotebookOut(serializers.Serializer):
    due_count = serializers.IntegerField()
    retired_count = serializers.IntegerField()
    cards = NotebookCardOut(many=True)


NOTEBOOK_FILTERS = [
    OpenApiParameter("chapter", int, description="chapter id"),
    OpenApiParameter("type", enum=["single_choice", "multiple_choice", "true_false"]),
    OpenApiParameter("days", int, enum=[7, 30], description="wrong within the last N days"),
]


class NotebookApi(APIView):
    @extend_schema(
        parameters=NOTEBOOK_FILTERS, responses=NotebookOut, summary="My wrong-answer notebook"
    )
    def get(self, request):
        return Response(
            NotebookOut(
                notebook_for(user=request.user, scope=notebook_scope(request.query_params))
            ).data
        )


class NotebookReviewApi(APIView):
    @extend_schema(
        parameters=NOTEBOOK_FILTERS,
        request=None,
        responses={200: AttemptOut, 201: AttemptOut},
        summary="Start (or resume) a review of my notebook's due questions",
    )
    def post(self, request):
        try:
            attempt, created = attempt_services.attempt_start(
                user=request.user, quiz=review_quiz(), scope=notebook_scope(request.query_params)
            )
        except DjangoValidationError as error:
            raise ValidationError({"notebook": error.messages}) from error
        return Response(
            AttemptOut(selectors.attempt_payload(attempt)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
