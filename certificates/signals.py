"""What certificates announce to the layer above them (institution reporting)."""

from django.dispatch import Signal

# Sent after a certificate is issued (automatically or by an admin): sender=Certificate,
# certificate.
certificate_issued = Signal()
