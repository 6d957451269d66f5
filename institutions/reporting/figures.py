"""What the dashboard and the statistics API show of an institution: the period a request asks
for, and the figures computed once and kept in the cache."""

from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.utils import timezone
from django.utils.translation import get_language

from institutions.models import Institution

from . import charts
from .presentation import records, with_labels
from .statistics import Period, statistics


def period_of(request) -> Period:
    """This year so far, or a whole earlier year (``?year=``)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    if year == today.year:
        return Period.year_to_date(today)
    if not today.year - 5 <= year < today.year:
        raise Http404
    return Period.year(year)


def figures(unit: Institution, period: Period) -> dict:
    """What the dashboard (and the statistics API) shows of ``unit``, kept in the cache for
    ``STATISTICS_CACHE_SECONDS``: a city's statistics take seconds, and many admins look."""
    key = f"reporting:figures:{unit.pk}:{period.start}:{period.end}:{get_language()}"
    cached = cache.get(key) if settings.STATISTICS_CACHE_SECONDS else None
    if cached is not None:
        return cached
    stats = statistics(unit, period)
    units = with_labels(stats.units)
    children = units[units.parent_id == unit.pk]
    ranked = units[(units.depth > unit.depth) & (units.people > 0)].sort_values(
        ["compliance_pct", "completion_pct", "people"], ascending=False, na_position="last"
    )
    result = {
        "computed_at": timezone.now(),
        "summary": stats.summary,
        "children": records(children, index="institution_id"),
        "units": records(units, index="institution_id"),
        "ranked": records(ranked, index="institution_id"),
        "subjects": records(stats.subjects),
        "weak_points": records(stats.weak_points),
        "score_bands": records(stats.score_bands),
        "trend": records(stats.trend),
        "charts": {
            "trend": charts.completion_trend(stats.trend),
            "units": charts.completion_by_unit(children),
            "weak_points": charts.weak_points(stats.weak_points),
            "scores": charts.score_distribution(stats.score_bands),
        },
    }
    if settings.STATISTICS_CACHE_SECONDS:
        cache.set(key, result, settings.STATISTICS_CACHE_SECONDS)
    return result
