"""REST API of courses: the syllabus, the catalogue, enrolment, completion and study time.

Thin views: input serializers validate, services write, selectors read, output serializers show.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import ListAPIView
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from courses import selectors, services
from courses.models import CourseKind, CoursePage, ExamLevel, LearnerProfile, LessonPage
from lms.roles import Role
from lms.services import user_profile_update

# --- syllabus -------------------------------------------------------------------------------


class KnowledgePointOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    importance = serializers.IntegerField()


class ChapterOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    number = serializers.IntegerField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    edition = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    knowledge_points = KnowledgePointOut(many=True, source="knowledge_points.all")


class BlueprintSectionOut(serializers.Serializer):
    question_type = serializers.CharField()
    count = serializers.IntegerField()
    points_each = serializers.DecimalField(max_digits=5, decimal_places=2)


class BlueprintOut(serializers.Serializer):
    duration_minutes = serializers.IntegerField()
    pass_mark = serializers.DecimalField(max_digits=6, decimal_places=2)
    total_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    multiple_choice_rule = serializers.CharField()
    pass_policy = serializers.CharField()
    sections = BlueprintSectionOut(many=True, source="sections.all")


class SubjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    edition = serializers.CharField()
    blueprint = serializers.SerializerMethodField()
    chapters = ChapterOut(many=True, source="chapters.all")

    @extend_schema(responses=BlueprintOut(allow_null=True))
    def get_blueprint(self, subject) -> dict | None:
        blueprint = getattr(subject, "blueprint", None)
        return BlueprintOut(blueprint).data if blueprint else None


class ExamLevelOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    subjects = SubjectOut(many=True, source="subjects.all")


class SyllabusApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ExamLevelOut(many=True), summary="The exam syllabus tree")
    def get(self, request):
        return Response(ExamLevelOut(selectors.syllabus_tree(), many=True).data)


# --- courses --------------------------------------------------------------------------------


class CourseOut(serializers.Serializer):
    id = serializers.IntegerField(source="course.pk")
    title = serializers.CharField(source="course.title")
    kind = serializers.CharField(source="course.kind")
    subject = serializers.CharField(source="course.subject.code", allow_null=True, default=None)
    credit_hours = serializers.DecimalField(
        max_digits=5, decimal_places=1, source="course.credit_hours"
    )
    audience = serializers.CharField(source="course.audience")
    summary = serializers.CharField(source="course.summary")
    url = serializers.CharField(source="course.url")
    lesson_count = serializers.IntegerField()
    enrolled = serializers.BooleanField()
    completed_lessons = serializers.IntegerField()
    percent = serializers.IntegerField()


class CourseListFilter(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CourseKind.choices, required=False)


@extend_schema(
    parameters=[CourseListFilter], summary="Live courses, with my progress when signed in"
)
class CourseListApi(ListAPIView):
    permission_classes = [AllowAny]
    serializer_class = CourseOut
    filter_backends = []

    def get_queryset(self):
        filters = CourseListFilter(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.course_list_for(
            user=self.request.user, kind=filters.validated_data.get("kind")
        )


class LessonItemOut(serializers.Serializer):
    id = serializers.IntegerField(source="lesson.pk")
    title = serializers.CharField(source="lesson.title")
    url = serializers.CharField(source="lesson.url")
    minutes = serializers.IntegerField(source="lesson.minutes")
    completed = serializers.BooleanField()
    locked = serializers.BooleanField()


class ModuleItemOut(serializers.Serializer):
    id = serializers.IntegerField(source="module.pk")
    title = serializers.CharField(source="module.title")
    chapter = serializers.CharField(source="module.chapter.code", allow_null=True, default=None)
    lessons = LessonItemOut(many=True)


class CourseDetailOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField()
    subject = serializers.CharField(source="subject.code", allow_null=True, default=None)
    credit_hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    sequential = serializers.BooleanField()
    summary = serializers.CharField()
    enrolled = serializers.BooleanField()
    lesson_count = serializers.IntegerField()
    completed_count = serializers.IntegerField()
    percent = serializers.IntegerField()
    continue_lesson = serializers.IntegerField(allow_null=True)
    modules = ModuleItemOut(many=True)


def _live_course(pk: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().public(), pk=pk)


def _live_lesson(pk: int) -> LessonPage:
    return get_object_or_404(LessonPage.objects.live().public(), pk=pk)


class CourseDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=CourseDetailOut, summary="A course's outline with my progress")
    def get(self, request, course_id: int):
        course = _live_course(course_id)
        outline = selectors.course_outline_for(course=course, user=request.user)
        next_lesson = outline["continue_lesson"]
        data = {
            "id": course.pk,
            "title": course.title,
            "kind": course.kind,
            "subject": course.subject,
            "credit_hours": course.credit_hours,
            "sequential": course.sequential,
            "summary": course.summary,
            "enrolled": outline["enrollment"] is not None,
            "lesson_count": outline["lesson_count"],
            "completed_count": outline["completed_count"],
            "percent": outline["percent"],
            "continue_lesson": next_lesson.pk if next_lesson else None,
            "modules": outline["outline"],
        }
        return Response(CourseDetailOut(data).data)


class EnrollmentOut(serializers.Serializer):
    course = serializers.IntegerField(source="enrollment.course_id")
    course_title = serializers.CharField(source="enrollment.course.title")
    enrolled_at = serializers.DateTimeField(source="enrollment.enrolled_at")
    completed_at = serializers.DateTimeField(source="enrollment.completed_at", allow_null=True)
    last_lesson = serializers.IntegerField(source="enrollment.last_lesson_id", allow_null=True)
    continue_lesson = serializers.IntegerField(
        source="continue_lesson.pk", allow_null=True, default=None
    )
    lesson_count = serializers.IntegerField()
    completed_lessons = serializers.IntegerField()
    percent = serializers.IntegerField()
    study_minutes = serializers.IntegerField()


class EnrollApi(APIView):
    @extend_schema(
        request=None,
        responses={200: EnrollmentOut, 201: EnrollmentOut},
        summary="Enrol in a course (idempotent)",
    )
    def post(self, request, course_id: int):
        course = _live_course(course_id)
        try:
            _enrollment, created = services.enrollment_create(user=request.user, course=course)
        except DjangoValidationError as error:
            raise ValidationError({"course": error.messages}) from error
        row = next(
            r
            for r in selectors.my_learning(user=request.user).rows
            if r.enrollment.course_id == course.pk
        )
        return Response(
            EnrollmentOut(row).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


@extend_schema(summary="My enrolments and progress")
class MyEnrollmentsApi(ListAPIView):
    serializer_class = EnrollmentOut
    filter_backends = []

    def get_queryset(self):
        return selectors.my_learning(user=self.request.user).rows


class CompletionOut(serializers.Serializer):
    lesson = serializers.IntegerField()
    completed_at = serializers.DateTimeField()
    course_completed = serializers.BooleanField()
    percent = serializers.IntegerField()


def _call_learning_service(service, **kwargs):
    try:
        return service(**kwargs)
    except (services.NotEnrolled, services.LessonLocked) as error:
        raise PermissionDenied(str(error)) from error


class CompleteLessonApi(APIView):
    @extend_schema(
        request=None,
        responses={200: CompletionOut, 201: CompletionOut},
        summary="Mark a lesson complete (idempotent)",
    )
    def post(self, request, lesson_id: int):
        lesson = _live_lesson(lesson_id)
        result = _call_learning_service(services.lesson_complete, user=request.user, lesson=lesson)
        course = selectors.course_of(lesson)
        total, done = selectors.course_lesson_counts(user=request.user, course=course)
        data = {
            "lesson": lesson.pk,
            "completed_at": result.progress.completed_at,
            "course_completed": course.enrollments.filter(
                user=request.user, completed_at__isnull=False
            ).exists(),
            "percent": int(done * 100 // total) if total else 0,
        }
        return Response(
            CompletionOut(data).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class HeartbeatApi(APIView):
    @extend_schema(
        request=None,
        responses=inline_serializer(
            "HeartbeatOut", {"credited_seconds": serializers.IntegerField()}
        ),
        summary="Report active study on a lesson (sent every 30 s by an active tab)",
    )
    def post(self, request, lesson_id: int):
        lesson = _live_lesson(lesson_id)
        credited = _call_learning_service(
            services.study_heartbeat, user=request.user, lesson=lesson
        )
        return Response({"credited_seconds": credited})


class MeOut(serializers.Serializer):
    username = serializers.CharField()
    real_name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    preferred_language = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    target_level = serializers.CharField(allow_null=True)
    exam_date = serializers.DateField(allow_null=True)


class MeIn(serializers.Serializer):
    real_name = serializers.CharField(max_length=64, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(
        choices=[("", "")] + [(code, code) for code in ("zh-hans", "en")], required=False
    )
    target_level = serializers.SlugRelatedField(
        slug_field="code", queryset=ExamLevel.objects.all(), required=False, allow_null=True
    )
    exam_date = serializers.DateField(required=False, allow_null=True)


def _me(user) -> dict:
    profile = LearnerProfile.objects.filter(user=user).select_related("target_level").first()
    return {
        "username": user.username,
        "real_name": user.real_name,
        "email": user.email,
        "phone": user.phone,
        "preferred_language": user.preferred_language,
        "roles": sorted(group.name for group in user.groups.all() if group.name in Role.values),
        "target_level": profile.target_level.code if profile and profile.target_level else None,
        "exam_date": profile.exam_date if profile else None,
    }


class MeApi(APIView):
    @extend_schema(responses=MeOut, summary="My account and study goal")
    def get(self, request):
        return Response(MeOut(_me(request.user)).data)

    @extend_schema(request=MeIn, responses=MeOut, summary="Change my account and study goal")
    def patch(self, request):
        incoming = MeIn(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        user = request.user
        current = _me(user)
        with transaction.atomic():
            user_profile_update(
                user=user,
                **{
                    key: data.get(key, current[key])
                    for key in ("real_name", "phone", "email", "preferred_language")
                },
            )
            profile = LearnerProfile.objects.filter(user=user).first()
            services.learner_profile_update(
                user=user,
                target_level=data.get("target_level", profile.target_level if profile else None),
                exam_date=data.get("exam_date", profile.exam_date if profile else None),
            )
        return Response(MeOut(_me(user)).data)
