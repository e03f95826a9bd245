from .agenda import AgendaItem, AgendaVersion
from .audit import AuditEntry
from .award import Award, AwardCategory, AwardDecision
from .certificate import Certificate
from .conference import Conference, ConferenceRole, Room
from .document import DocumentKind, DocumentNumber, DocumentSequence
from .invitation import Invitation, InvitationLink
from .organization import Organization, Province
from .paper import Paper, PaperAuthor, PaperRevision, Review, ReviewCriterion
from .person import Person
from .registration import Registration

__all__ = [
    "AgendaItem",
    "AgendaVersion",
    "AuditEntry",
    "Award",
    "AwardCategory",
    "AwardDecision",
    "Certificate",
    "Conference",
    "ConferenceRole",
    "DocumentKind",
    "DocumentNumber",
    "DocumentSequence",
    "Invitation",
    "InvitationLink",
    "Organization",
    "Paper",
    "PaperAuthor",
    "PaperRevision",
    "Person",
    "Province",
    "Registration",
    "Review",
    "ReviewCriterion",
    "Room",
]
