"""Content Security Policy: the site's strict policy everywhere, the Wagtail admin's own under
/admin/ (settings CONTENT_SECURITY_POLICY and CSP_ADMIN_DIRECTIVES)."""

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings

ADMIN_PREFIX = "/admin/"
# Wagtail renders a page's preview as a dummy request for the page's own path through the whole
# middleware chain (request.is_dummy): the page's policy, but the admin may frame it.
PREVIEW_FRAMING = {"frame-ancestors": ["'self'"]}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware; the admin's pages get the admin's policy and page previews may
    be framed by the admin, in whichever header (enforced or report-only) the site uses."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        in_force = (
            settings.CONTENT_SECURITY_POLICY_REPORT_ONLY
            if report_only
            else settings.CONTENT_SECURITY_POLICY
        )
        if not in_force or parts.config is not None:
            return parts
        if request.path_info.startswith(ADMIN_PREFIX):
            parts.config = settings.CSP_ADMIN_DIRECTIVES
        elif getattr(request, "is_dummy", False):
            parts.replace = {**(parts.replace or {}), **PREVIEW_FRAMING}
        return parts
