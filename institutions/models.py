"""The institutions tree and who belongs where. Any app may point at an institution."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from lms.storage import private_storage


class InstitutionKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs bureau / social work department")
    STREET_STATION = "street_station", _("Township (street) social work station")
    COMMUNITY = "community", _("Residents' or village committee")
    CARE_HOME = "care_home", _("Nursing home or child welfare home")
    HOSPITAL = "hospital", _("Hospital or mental health centre")
    SCHOOL = "school", _("School")
    JUDICIAL = "judicial", _("Judicial office")
    FEDERATION = "federation", _("Federation, trade union or youth league")
    PETITIONS = "petitions", _("Petitions bureau")
    VETERANS = "veterans", _("Veterans affairs bureau")
    EMERGENCY = "emergency", _("Emergency management")
    AGENCY = "agency", _("Social work service agency")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER = "other", _("Other")


class StaffCategory(models.TextChoices):
    CIVIL_SERVANT = "civil_servant", _("Civil servant")
    PUBLIC_INSTITUTION = "public_institution", _("Public-institution staff")
    SOCIAL_WORKER = "social_worker", _("Social worker")
    COMMUNITY_WORKER = "community_worker", _("Community worker")
    VOLUNTEER = "volunteer", _("Volunteer")
    CANDIDATE = "candidate", _("Independent exam candidate")


class Institution(MP_Node):
    """A city, district, department or unit. Children sit below their parent in the tree."""

    name = models.CharField(_("name"), max_length=128)
    name_en = models.CharField(_("English name"), max_length=128, blank=True)
    code = models.SlugField(_("code"), max_length=64, unique=True)
    kind = models.CharField(_("type"), max_length=32, choices=InstitutionKind.choices)
    region = models.CharField(_("region"), max_length=64, blank=True)

    node_order_by = ["name"]

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's post in an institution."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("person"),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("institution"),
    )
    staff_category = models.CharField(
        _("staff category"), max_length=32, choices=StaffCategory.choices
    )
    post = models.CharField(_("post"), max_length=64, blank=True)
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervisees",
        verbose_name=_("supervisor"),
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "institution"], name="unique_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.institution}"


def _roster_path(instance, filename: str) -> str:
    """Stored under a random name: the uploader's file name is kept only as data."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"rosters/{uuid.uuid4().hex}{suffix}"


class RosterImport(models.Model):
    """A roster file an admin uploaded: checked first (a dry run), then applied in one go."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("Checking")
        READY = "ready", _("Ready to apply")
        INVALID = "invalid", _("Has errors")
        APPLYING = "applying", _("Applying")
        APPLIED = "applied", _("Applied")
        FAILED = "failed", _("Failed")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roster_imports",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file = models.FileField(upload_to=_roster_path, storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.VALIDATING
    )
    row_count = models.PositiveIntegerField(default=0)
    create_count = models.PositiveIntegerField(default=0)
    update_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    invited_count = models.PositiveIntegerField(default=0)
    # [{"row": 3, "column": "入职日期", "message": msgid, "params": {...}}]; row None: the file
    errors = models.JSONField(default=list, blank=True)
    # [{"row": 2, "name": ..., "institution": ..., "code": ..., "action": ..., "changes": [...]}]
    preview = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def busy(self) -> bool:
        return self.state in (self.State.VALIDATING, self.State.APPLYING)
