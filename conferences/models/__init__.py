from .agenda import AgendaItem, AgendaVersion
from .api_token import ApiToken
from .audit import AuditEntry
from .award import Award, AwardCategory, AwardDecision, CeremonyBatch, CeremonyState
from .certificate import Certificate
from .conference import Conference, ConferenceRole, Room
from .document import DocumentKind, DocumentNumber, DocumentSequence, RenderedDocument
from .invitation import Invitation, InvitationLink
from .job import Job
from .nomination import Nomination, NominationScore
from .organization import Organization, Province
from .paper import CallForPapers, FileKind, Paper, PaperAuthor, PaperRevision, PaperTopic
from .person import Person
from .proceedings import PaperFigure, Proceedings
from .registration import Registration
from .review import (
    PaperReviewFigures,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewerConflict,
    ReviewerInvitation,
)

__all__ = [
    "AgendaItem",
    "AgendaVersion",
    "ApiToken",
    "AuditEntry",
    "Award",
    "AwardCategory",
    "AwardDecision",
    "CallForPapers",
    "CeremonyBatch",
    "CeremonyState",
    "Certificate",
    "Conference",
    "ConferenceRole",
    "DocumentKind",
    "DocumentNumber",
    "DocumentSequence",
    "FileKind",
    "Invitation",
    "InvitationLink",
    "Job",
    "Nomination",
    "NominationScore",
    "Organization",
    "Paper",
    "PaperAuthor",
    "PaperFigure",
    "PaperReviewFigures",
    "PaperRevision",
    "PaperTopic",
    "Person",
    "Proceedings",
    "Province",
    "Registration",
    "RenderedDocument",
    "Review",
    "ReviewAssignment",
    "ReviewCriterion",
    "ReviewerConflict",
    "ReviewerInvitation",
    "Room",
]
