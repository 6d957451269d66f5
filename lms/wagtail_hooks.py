"""Opening a person's account in the Wagtail admin is a look at their record: audited."""

from wagtail import hooks

from lms.audit import audit_record
from lms.models import AuditAction


@hooks.register("before_edit_user")
def audit_user_edit_page(request, user):
    if request.method == "GET" and request.user.pk != user.pk:
        audit_record(
            action=AuditAction.PERSON_RECORD_VIEWED,
            request=request,
            subject=user,
            detail={"record": "admin_user_edit"},
        )
