from certificates.models import Certificate
from lms.personal_data import DELETED_NAME, mask_login


def mask_name(name: str) -> str:
    """张晓晴 → 张*晴, 王磊 → 王*: enough to recognise, not enough to harvest. An anonymised
    holder (no name any more) reads "Deleted user"; a phone standing in for a name is masked."""
    name = name.strip()
    if not name:
        return str(DELETED_NAME)
    if mask_login(name) != name:
        return mask_login(name)
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificates_of(user):
    """The learner's certificates, newest first (superseded and revoked ones included)."""
    return Certificate.objects.filter(holder=user).order_by("-issued_at")
