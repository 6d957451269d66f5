from certificates.models import Certificate


def mask_name(name: str) -> str:
    """张晓晴 → 张*晴, 王磊 → 王*: enough to recognise, not enough to harvest."""
    name = name.strip()
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificates_of(user):
    """The learner's certificates, newest first (superseded and revoked ones included)."""
    return Certificate.objects.filter(holder=user).order_by("-issued_at")
