"""The call for papers of a conference: when it is open, who may submit, what, and how it is reviewed."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from conferences.models import (
    AuditEntry,
    CallForPapers,
    Conference,
    FileKind,
    NominationScore,
    Paper,
    PaperRevision,
    PaperTopic,
    Review,
    ReviewCriterion,
)
from conferences.services.audit import audit_record
from conferences.services.review_figures import review_figures_refresh
from core.text import fold, nfc

UNSET: Any = object()

SETTINGS = (
    "opens_at",
    "eligibility",
    "title_max_length",
    "abstract_max_length",
    "file_kinds",
    "max_file_mb",
    "blind_review",
    "reviewers_per_paper",
    "disagreement_margin",
    "revision_closes_at",
)


def call_for_papers_validate(
    *, call: CallForPapers, closes_at: datetime.datetime | None, conference: Conference | None = None
) -> None:
    """The rules a call obeys whatever writes it (service, admin form); field errors by name."""
    conference = conference or call.conference
    errors: dict[str, str] = {}
    opens_at = call.opens_at
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = _("The call must close after it opens.")
    if closes_at and conference.starts_at and closes_at > conference.starts_at:
        errors["closes_at"] = _("The call must close before the conference starts.")
    if call.revision_closes_at:
        if closes_at is None:
            errors["revision_closes_at"] = _("Set when the call closes before the revision round.")
        elif call.revision_closes_at <= closes_at:
            errors["revision_closes_at"] = _("The revision round must close after the call closes.")
    kinds = call.file_kinds
    if (
        not isinstance(kinds, list)
        or not kinds
        or any(kind not in FileKind.values for kind in kinds)
        or len(set(kinds)) != len(kinds)
    ):
        errors["file_kinds"] = _("Choose one or more of: %(kinds)s.") % {"kinds": ", ".join(FileKind.values)}
    try:
        call.full_clean(exclude=["conference", "file_kinds"])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, messages[0])
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def call_for_papers_update(
    *,
    conference: Conference,
    user=None,
    closes_at: datetime.datetime | None = UNSET,
    topics: list[str] | None = None,
    criteria: list[dict] | None = None,
    **settings: Any,
) -> CallForPapers:
    """Change the call's settings; those left out keep their value.

    `closes_at` is the conference's paper deadline (one deadline, shown everywhere).
    `topics` (labels in order) and `criteria` (dicts with code, label, max_score,
    weight, in order) replace the lists when given; a topic or criterion that papers
    or reviews already use cannot be removed.
    """
    unknown = set(settings) - set(SETTINGS)
    if unknown:
        raise TypeError(f"Unknown call for papers settings: {sorted(unknown)}")
    # Locked: a submission checks the times under the same lock, so it sees the old or the new call.
    call = CallForPapers.objects.select_for_update().select_related("conference").get(conference=conference)
    conference = call.conference
    before = {name: _plain(getattr(call, name)) for name in SETTINGS}
    before["closes_at"] = _plain(conference.paper_deadline)
    for name, value in settings.items():
        setattr(call, name, value)
    if isinstance(call.file_kinds, list | tuple):
        call.file_kinds = [kind for kind in FileKind.values if kind in call.file_kinds] or list(
            call.file_kinds
        )
    deadline = conference.paper_deadline if closes_at is UNSET else closes_at
    call_for_papers_validate(call=call, closes_at=deadline, conference=conference)
    call.save()
    if deadline != conference.paper_deadline:
        conference.paper_deadline = deadline
        conference.save(update_fields=["paper_deadline", "updated_at"])
    changes = {
        name: [before[name], _plain(getattr(call, name))]
        for name in SETTINGS
        if before[name] != _plain(getattr(call, name))
    }
    if before["closes_at"] != _plain(deadline):
        changes["closes_at"] = [before["closes_at"], _plain(deadline)]
    if topics is not None:
        topic_changes = _topics_replace(conference=conference, labels=topics)
        if topic_changes:
            changes["topics"] = topic_changes
    if criteria is not None:
        criterion_changes = review_criteria_replace(
            conference=conference, target=ReviewCriterion.Target.PAPER, rows=criteria
        )
        if criterion_changes:
            changes["criteria"] = criterion_changes
    if changes:
        audit_record(
            action=AuditEntry.Action.CALL_FOR_PAPERS_CHANGED,
            target=call,
            conference=conference,
            actor=user,
            data=changes,
        )
    return call


def _plain(value):
    return value.isoformat() if isinstance(value, datetime.datetime) else value


def _topics_replace(*, conference: Conference, labels: list[str]) -> dict:
    cleaned = [nfc(label, multiline=False) for label in labels]
    cleaned = [label for label in cleaned if label]
    seen: set[str] = set()
    for label in cleaned:
        if fold(label) in seen:
            raise ValidationError({"topics": _("The topic “%(label)s” is listed twice.") % {"label": label}})
        if len(label) > 300:
            raise ValidationError({"topics": _("A topic has at most 300 characters.")})
        seen.add(fold(label))
    existing = {topic.label: topic for topic in PaperTopic.objects.filter(conference=conference)}
    removed = [topic for label, topic in existing.items() if label not in cleaned]
    used = set(Paper.objects.filter(topic__in=removed).values_list("topic_id", flat=True).distinct()) | set(
        PaperRevision.objects.filter(topic__in=removed).values_list("topic_id", flat=True).distinct()
    )
    blocked = [topic.label for topic in removed if topic.pk in used]
    if blocked:
        raise ValidationError(
            {
                "topics": _("Papers were sent under “%(label)s”: that topic cannot be removed.")
                % {"label": blocked[0]}
            }
        )
    PaperTopic.objects.filter(pk__in=[topic.pk for topic in removed]).delete()
    added = []
    for position, label in enumerate(cleaned):
        topic = existing.get(label)
        if topic is None:
            PaperTopic.objects.create(conference=conference, label=label, position=position)
            added.append(label)
        elif topic.position != position:
            topic.position = position
            topic.save(update_fields=["position"])
    if not added and not removed:
        return {}
    return {"added": added, "removed": [topic.label for topic in removed]}


def review_criteria_replace(*, conference: Conference, target: str, rows: list[dict]) -> dict:
    """Replace the conference's criteria of `target` (papers' or the award panel's) by `rows`, in order.

    The one validation of criteria for both. A criterion that scores already use (reviews of
    papers, the panel's scores of nominations) can be neither removed nor rescaled; label and
    weight may change. Return what changed ({} for nothing). The caller holds the lock.
    """
    cleaned, errors = [], []
    for index, row in enumerate(rows, start=1):
        code = slugify(str(row.get("code") or ""))[:32]
        label = nfc(str(row.get("label") or ""), multiline=False)
        if not code or not label:
            errors.append(_("Criterion %(n)d: give a code and a label.") % {"n": index})
            continue
        max_score, weight = row.get("max_score", 10), row.get("weight", 1)
        if not _whole(max_score, 1, 1000):
            errors.append(
                _("Criterion %(n)d: the maximum score is a whole number from 1 to 1000.") % {"n": index}
            )
        if not _whole(weight, 1, 100):
            errors.append(_("Criterion %(n)d: the weight is a whole number from 1 to 100.") % {"n": index})
        cleaned.append({"code": code, "label": label[:200], "max_score": max_score, "weight": weight})
    codes = [row["code"] for row in cleaned]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        errors.append(_("The criterion code “%(code)s” is used twice.") % {"code": duplicates[0]})
    if errors:
        raise ValidationError({"criteria": errors})

    existing = {
        criterion.code: criterion
        for criterion in ReviewCriterion.objects.filter(conference=conference, target=target)
    }
    if target == ReviewCriterion.Target.NOMINATION:
        reviews = NominationScore.objects.filter(nomination__conference=conference)
    else:
        reviews = Review.objects.filter(paper__conference=conference)
    scored = {code for code in existing if reviews.filter(scores__has_key=code).exists()}
    removed = [code for code in existing if code not in codes]
    blocked = [code for code in removed if code in scored]
    if blocked:
        raise ValidationError(
            {
                "criteria": _("Reviews already score “%(code)s”: that criterion cannot be removed.")
                % {"code": blocked[0]}
            }
        )
    rescaled = [
        row["code"]
        for row in cleaned
        if row["code"] in scored and existing[row["code"]].max_score != row["max_score"]
    ]
    if rescaled:
        raise ValidationError(
            {
                "criteria": _("Reviews already score “%(code)s”: its maximum score cannot change.")
                % {"code": rescaled[0]}
            }
        )
    changed = _criteria_changed(existing, cleaned)
    ReviewCriterion.objects.filter(conference=conference, target=target, code__in=removed).delete()
    for position, row in enumerate(cleaned):
        criterion = existing.get(row["code"]) or ReviewCriterion(
            conference=conference, target=target, code=row["code"]
        )
        criterion.label, criterion.max_score, criterion.weight = row["label"], row["max_score"], row["weight"]
        criterion.position = position
        criterion.save()
    added = [code for code in codes if code not in existing]
    if not added and not removed and not changed:
        return {}
    # Weights and the set of criteria decide every review's weighted score.
    review_figures_refresh(conference_id=conference.pk)
    return {"added": added, "removed": removed, "now": cleaned}


def _criteria_changed(existing: dict, cleaned: list[dict]) -> bool:
    return any(
        (existing[row["code"]].label, existing[row["code"]].max_score, existing[row["code"]].weight)
        != (row["label"], row["max_score"], row["weight"])
        for row in cleaned
        if row["code"] in existing
    )


def _whole(value, low: int, high: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
