"""Kept for the migrations that name ``certificates.storage.private_storage``."""

from lms.storage import private_storage

__all__ = ["private_storage"]
