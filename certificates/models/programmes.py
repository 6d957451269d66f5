"""What earns a certificate (the programme and its rule) and what the document looks like."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

PLACEHOLDERS = {
    "holder_name": _("the holder's real name"),
    "programme": _("the programme's name"),
    "hours": _("credit hours"),
    "issued_on": _("date of issue"),
    "expires_on": _("date of expiry, or “long-term”"),
    "serial": _("the serial number, e.g. QH-2026-000123"),
    "issuer": _("the issuing institution"),
    "seal": _("the seal image (an <img> tag)"),
    "qr": _("the QR code of the verification page (an <img> tag)"),
    "verify_url": _("the address of the verification page"),
}
PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+)\s*\}\}")


class CertificateTemplate(models.Model):
    """The HTML of a certificate, A4 landscape, with ``{{ placeholders }}`` (see PLACEHOLDERS).

    Only the listed placeholders are filled in, with escaped text; the template is not a Django
    template, so an author can change the design but cannot reach any other data.
    """

    name = models.CharField(_("name"), max_length=100, unique=True)
    html = models.TextField(
        _("HTML"),
        help_text=format_lazy(
            _("Placeholders: {names}."),
            names=", ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS),
        ),
    )
    css = models.TextField(_("CSS"), blank=True)
    seal = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("seal image"),
    )

    panels = [FieldPanel("name"), FieldPanel("html"), FieldPanel("css"), FieldPanel("seal")]

    class Meta:
        verbose_name = _("certificate template")
        verbose_name_plural = _("certificate templates")

    def __str__(self) -> str:
        return self.name

    def clean(self):
        unknown = sorted({m.group(1) for m in PLACEHOLDER.finditer(self.html)} - set(PLACEHOLDERS))
        if unknown:
            raise ValidationError(
                {"html": _("Unknown placeholders: %(names)s.") % {"names": ", ".join(unknown)}}
            )


class CertificateProgramme(models.Model):
    """A course or training programme that earns a certificate, and its rule.

    The rule: the course completed (every lesson, and every module assessment passed), each
    required assessment passed at its pass mark, and at least ``min_study_hours`` of study
    time in the course. Issuance is automatic once the rule is met, exactly once per learner.
    """

    name = models.CharField(_("name"), max_length=200)
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="certificate_programmes",
        verbose_name=_("course"),
    )
    require_course_completion = models.BooleanField(_("course must be completed"), default=True)
    required_assessments = models.ManyToManyField(
        "quizzes.Quiz",
        blank=True,
        related_name="certificate_programmes",
        verbose_name=_("assessments to pass"),
    )
    min_study_hours = models.DecimalField(
        _("minimum study hours"), max_digits=6, decimal_places=1, default=0
    )
    credit_hours = models.DecimalField(_("credit hours"), max_digits=6, decimal_places=1)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"), null=True, blank=True, help_text=_("Empty: does not expire.")
    )
    issuer = models.ForeignKey(
        "institutions.Institution",
        on_delete=models.PROTECT,
        related_name="certificate_programmes",
        verbose_name=_("issuing institution"),
    )
    template = models.ForeignKey(
        CertificateTemplate,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("template"),
    )
    is_active = models.BooleanField(_("issuing"), default=True)

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("course"),
                FieldPanel("require_course_completion"),
                FieldPanel("required_assessments"),
                FieldPanel("min_study_hours"),
            ],
            heading=_("Rule"),
        ),
        FieldPanel("credit_hours"),
        FieldPanel("validity_months"),
        FieldPanel("issuer"),
        FieldPanel("template"),
        FieldPanel("is_active"),
    ]

    class Meta:
        verbose_name = _("certificate programme")
        verbose_name_plural = _("certificate programmes")

    def __str__(self) -> str:
        return self.name

    def rule_text(self) -> str:
        """The rule in words (also the criteria of the signed credential)."""
        parts = []
        if self.require_course_completion and self.course_id:
            parts.append(_("Complete the course “%(course)s”.") % {"course": self.course.title})
        for quiz in self.required_assessments.all():
            parts.append(_("Pass “%(quiz)s”.") % {"quiz": quiz.title})
        if self.min_study_hours:
            parts.append(_("Study at least %(hours)s hours.") % {"hours": self.min_study_hours})
        return " ".join(str(part) for part in parts) or str(_("Awarded by the issuer."))

    def clean(self):
        if self.require_course_completion and self.course_id is None:
            raise ValidationError({"course": _("Choose the course that must be completed.")})
