"""Content Security Policy: the site's strict policy everywhere, the Wagtail admin's own under
/admin/ (settings CONTENT_SECURITY_POLICY and CSP_ADMIN_DIRECTIVES)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIX = "/admin/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; the admin's pages, previews included, get the admin's policy
    in whichever header (enforced or report-only) the site's policy uses."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        in_force = (
            settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            if report_only
            else (settings.CONTENT_SECURITY_POLICY)
        )
        if in_force and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        return parts
