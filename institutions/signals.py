"""What the institutions tree announces to the layers above it (reporting)."""

from django.dispatch import Signal

# Sent after a membership is created or changed: sender=Membership, membership, created.
membership_saved = Signal()
