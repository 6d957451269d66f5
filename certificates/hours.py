"""Reading the hours ledger: hours earned in the learner's current registration period."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q, Sum
from django.utils import timezone

from certificates.models import HoursEntry, HoursState, Registration
from certificates.models.hours import PERIOD_YEARS, RENEWAL_WINDOW_MONTHS, REQUIRED_HOURS


def counted_entries(user):
    """Entries that count: approved, and not from a revoked certificate."""
    return HoursEntry.objects.filter(user=user, state=HoursState.APPROVED).filter(
        Q(certificate__isnull=True) | Q(certificate__revoked_at__isnull=True)
    )


@dataclass
class Period:
    registration: Registration
    start: datetime.date
    end: datetime.date  # the first day after the period
    required: int
    earned: Decimal
    pending: Decimal
    today: datetime.date

    @property
    def percent(self) -> int:
        return min(100, int(self.earned * 100 / self.required)) if self.required else 100

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), self.required - self.earned)

    @property
    def renewal_opens(self) -> datetime.date:
        return self.end - relativedelta(months=RENEWAL_WINDOW_MONTHS)

    @property
    def in_renewal_window(self) -> bool:
        return self.renewal_opens <= self.today < self.end

    @property
    def days_left(self) -> int:
        return (self.end - self.today).days


def current_period(user, today: datetime.date | None = None) -> Period | None:
    """The registration period that contains ``today`` (3-year cycles from the first
    registration), with the hours earned and still waiting for approval in it."""
    registration = Registration.objects.filter(user=user).first()
    if registration is None:
        return None
    today = today or timezone.localdate()
    start = registration.registered_on
    while start + relativedelta(years=PERIOD_YEARS) <= today:
        start += relativedelta(years=PERIOD_YEARS)
    end = start + relativedelta(years=PERIOD_YEARS)
    in_period = {"earned_on__gte": start, "earned_on__lt": end}
    earned = counted_entries(user).filter(**in_period).aggregate(total=Sum("hours"))["total"]
    pending = HoursEntry.objects.filter(user=user, state=HoursState.PENDING, **in_period).aggregate(
        total=Sum("hours")
    )["total"]
    return Period(
        registration=registration,
        start=start,
        end=end,
        required=REQUIRED_HOURS[registration.level],
        earned=earned or Decimal(0),
        pending=pending or Decimal(0),
        today=today,
    )
