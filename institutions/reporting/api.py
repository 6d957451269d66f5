"""REST API of institution statistics, so that a bureau's own systems can pull them. An admin
sees their own institutions' subtrees only; any other institution is a 404."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from institutions.selectors import administered_institutions, is_administrator

from .figures import figures, period_of
from .selectors import unit_for


class InstitutionOut(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    kind = serializers.CharField()
    depth = serializers.IntegerField()


class UnitOut(serializers.Serializer):
    institution_id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    label = serializers.CharField()
    depth = serializers.IntegerField()
    people = serializers.IntegerField()
    enrolments = serializers.IntegerField()
    enrolments_completed = serializers.IntegerField()
    enrolments_in_progress = serializers.IntegerField()
    completion_pct = serializers.FloatField(allow_null=True)
    assignments = serializers.IntegerField()
    assignments_completed = serializers.IntegerField()
    assignments_overdue = serializers.IntegerField()
    compliance_pct = serializers.FloatField(allow_null=True)
    certificates_valid = serializers.IntegerField()
    certificates_expiring = serializers.IntegerField()
    certificates_expired = serializers.IntegerField()
    study_hours = serializers.FloatField()
    credit_hours = serializers.FloatField()
    mock_attempts = serializers.IntegerField()
    mock_passed = serializers.IntegerField()
    mock_pass_pct = serializers.FloatField(allow_null=True)
    score_mean = serializers.FloatField(allow_null=True)
    score_median = serializers.FloatField(allow_null=True)
    qualified = serializers.IntegerField()
    qualified_target = serializers.IntegerField(allow_null=True)


class SubjectPassRateOut(serializers.Serializer):
    subject = serializers.CharField()
    attempts = serializers.IntegerField()
    passed = serializers.IntegerField()
    pass_pct = serializers.FloatField(allow_null=True)
    score_mean = serializers.FloatField(allow_null=True)


class WeakPointOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    answers = serializers.IntegerField()
    correct_pct = serializers.FloatField()


class ScoreBandOut(serializers.Serializer):
    band = serializers.CharField()
    attempts = serializers.IntegerField()


class MonthOut(serializers.Serializer):
    month = serializers.CharField()
    courses_completed = serializers.IntegerField()
    certificates_issued = serializers.IntegerField()
    assignments_completed = serializers.IntegerField()


class StatisticsOut(serializers.Serializer):
    institution = InstitutionOut()
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="exclusive")
    summary = UnitOut(help_text="the institution and every unit below it, together")
    units = UnitOut(many=True, help_text="each unit of the subtree with its own subtree's totals")
    subjects = SubjectPassRateOut(many=True)
    weak_points = WeakPointOut(many=True)
    score_bands = ScoreBandOut(many=True)
    trend = MonthOut(many=True)


class InstitutionListApi(APIView):
    @extend_schema(responses=InstitutionOut(many=True), summary="Institutions I administer")
    def get(self, request):
        if not is_administrator(request.user):
            return Response([])
        institutions = administered_institutions(request.user).order_by("path")
        return Response(InstitutionOut(institutions, many=True).data)


class InstitutionStatisticsApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "year",
                OpenApiTypes.INT,
                description="a whole earlier year; default this year so far",
            )
        ],
        responses=StatisticsOut,
        summary="Training statistics of an institution and every unit below it",
    )
    def get(self, request, institution_id: int):
        unit = unit_for(request.user, institution_id)
        period = period_of(request._request)
        shown = figures(unit, period)  # the dashboard's numbers, from the same cache
        summary = next(row for row in shown["units"] if row["institution_id"] == unit.pk)
        return Response(
            StatisticsOut(
                {
                    "institution": unit,
                    "period_start": period.start,
                    "period_end": period.end,
                    "summary": summary,
                    "units": shown["units"],
                    "subjects": shown["subjects"],
                    "weak_points": shown["weak_points"],
                    "score_bands": shown["score_bands"],
                    "trend": shown["trend"],
                }
            ).data
        )
