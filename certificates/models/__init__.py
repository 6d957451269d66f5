from .certificates import Certificate, CertificateEvent, CertificateState, SerialCounter
from .exports import CertificateExport
from .hours import HoursEntry, HoursState, Registration, RegistrationLevel
from .keys import SigningKey
from .programmes import CertificateProgramme, CertificateTemplate
from .reminders import ExpiryReminder

__all__ = [
    "Certificate",
    "CertificateEvent",
    "CertificateExport",
    "CertificateProgramme",
    "CertificateState",
    "CertificateTemplate",
    "ExpiryReminder",
    "HoursEntry",
    "HoursState",
    "Registration",
    "RegistrationLevel",
    "SerialCounter",
    "SigningKey",
]
