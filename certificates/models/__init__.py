from .certificates import Certificate, CertificateEvent, CertificateState, SerialCounter
from .keys import SigningKey
from .programmes import CertificateProgramme, CertificateTemplate

__all__ = [
    "Certificate",
    "CertificateEvent",
    "CertificateProgramme",
    "CertificateState",
    "CertificateTemplate",
    "SerialCounter",
    "SigningKey",
]
