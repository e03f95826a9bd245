"""Forms of the organizer's agenda editor, and the choices its selects (and the API) offer.

The forms only read and type the input; every write goes through
conferences.services.agenda, whose ValidationErrors are put back on the form
(`add_service_errors`) so nothing typed is lost.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from conferences.models import (
    AgendaItem,
    AgendaVersion,
    Conference,
    Invitation,
    Organization,
    Paper,
    PaperAuthor,
    Person,
    Registration,
    Room,
)

MAX_SLOT_MINUTES = 8 * 60

# Choices -----------------------------------------------------------------------------------------------
# Reads shared by the editor page and the agenda items API (candidates for conferences/selectors/agenda.py).


def agenda_people(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Person]:
    """Who can chair or speak: the conference's registered people, its papers' authors, its chair.

    An item's current chair and speakers stay choosable even if they no longer
    qualify (a cancelled registration), so editing the item does not drop them.
    """
    related = (
        Q(pk__in=Registration.objects.filter(conference=conference).values("person_id"))
        | Q(pk__in=PaperAuthor.objects.filter(paper__conference=conference).values("person_id"))
        | Q(pk=conference.chair_id)
    )
    if item is not None and item.pk:
        related |= Q(pk__in=item.speakers.values("pk")) | Q(pk=item.chair_id)
    return Person.objects.filter(related).order_by("sort_key", "id")


def agenda_organizations(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Organization]:
    """Agencies that can present: invited, registered, presenting a paper, or hosting."""
    related = (
        Q(pk__in=Invitation.objects.filter(conference=conference).values("organization_id"))
        | Q(pk__in=Registration.objects.filter(conference=conference).values("organization_id"))
        | Q(pk__in=Paper.objects.filter(conference=conference).values("presenting_organization_id"))
        | Q(pk=conference.host_id)
    )
    if item is not None and item.presenting_organization_id:
        related |= Q(pk=item.presenting_organization_id)
    return Organization.objects.filter(related).order_by("name", "id")


def agenda_papers(*, conference: Conference, item: AgendaItem | None = None) -> QuerySet[Paper]:
    """Accepted papers not yet on the agenda, plus the item's own paper (whatever its status now)."""
    choosable = Q(status=Paper.Status.ACCEPTED, agenda_item__isnull=True)
    if item is not None and item.paper_id:
        choosable |= Q(pk=item.paper_id)
    return Paper.objects.filter(choosable, conference=conference).order_by("title", "id")


def agenda_notice_count(*, version: AgendaVersion) -> int:
    """How many change notices publishing this version wrote (the outbox rows under its keys)."""
    from notifications.models import Notification

    # The prefix of the idempotency keys agenda_change_notify gives this version's notices.
    prefix = f"agenda:{version.conference_id}:v{version.number}:"
    return Notification.objects.filter(
        conference_id=version.conference_id, kind="agenda_change", idempotency_key__startswith=prefix
    ).count()


# Fields ------------------------------------------------------------------------------------------------


class LocalDateTimeField(forms.SplitDateTimeField):
    """A date and a time typed in the browser's date and time inputs, read in Vietnam time."""

    def __init__(self, **kwargs):
        widget = forms.SplitDateTimeWidget(
            date_attrs={"type": "date"},
            time_attrs={"type": "time"},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        )
        super().__init__(widget=widget, **kwargs)


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.position}" if obj.position else obj.full_name


class PersonMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return f"{obj.full_name}, {obj.position}" if obj.position else obj.full_name


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages)


# Forms -------------------------------------------------------------------------------------------------


class AgendaItemForm(forms.Form):
    """Add or edit one item of the working agenda."""

    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)
    kind = forms.ChoiceField(label=_("Kind"), choices=AgendaItem.Kind.choices, initial=AgendaItem.Kind.OTHER)
    title = forms.CharField(label=_("Title"), max_length=500)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
    presenter_text = forms.CharField(
        label=_("Presented by"),
        max_length=255,
        required=False,
        help_text=_('Shown in the "presented by" column, e.g. "Ban Tổ chức".'),
    )
    presenting_organization = forms.ModelChoiceField(
        label=_("Presenting organization"), queryset=Organization.objects.none(), required=False
    )
    chair = PersonChoiceField(label=_("Chair"), queryset=Person.objects.none(), required=False)
    speakers = PersonMultipleChoiceField(
        label=_("Speakers"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    paper = forms.ModelChoiceField(label=_("Paper"), queryset=Paper.objects.none(), required=False)

    def __init__(self, *args, conference: Conference, item: AgendaItem | None = None, **kwargs):
        if item is not None and not args and "data" not in kwargs and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(item)
        super().__init__(*args, **kwargs)
        self.conference = conference
        self.fields["room"].queryset = conference.rooms.all()
        self.fields["presenting_organization"].queryset = agenda_organizations(
            conference=conference, item=item
        )
        people = agenda_people(conference=conference, item=item)
        self.fields["chair"].queryset = people
        self.fields["speakers"].queryset = people
        self.fields["paper"].queryset = agenda_papers(conference=conference, item=item)

    @staticmethod
    def initial_for(item: AgendaItem) -> dict:
        return {
            "starts_at": item.starts_at,
            "ends_at": item.ends_at,
            "room": item.room_id,
            "kind": item.kind,
            "title": item.title,
            "description": item.description,
            "presenter_text": item.presenter_text,
            "presenting_organization": item.presenting_organization_id,
            "chair": item.chair_id,
            "speakers": [person.pk for person in item.speakers.all()],
            "paper": item.paper_id,
        }

    def service_arguments(self) -> dict:
        """The cleaned input as keyword arguments of agenda_item_create / agenda_item_update."""
        data = dict(self.cleaned_data)
        data["speakers"] = list(data["speakers"])
        return data


class AgendaMoveForm(forms.Form):
    """Move an item to a new start; its length stays, its room changes only if one is chosen."""

    starts_at = LocalDateTimeField(label=_("New start"))
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("Keep the current room"),
    )

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = conference.rooms.all()


class AgendaFillForm(forms.Form):
    """Put every accepted paper not yet on the agenda into back-to-back slots."""

    starts_at = LocalDateTimeField(label=_("First slot starts"))
    slot_minutes = forms.IntegerField(
        label=_("Slot length (minutes)"), min_value=1, max_value=MAX_SLOT_MINUTES, initial=15
    )
    room = forms.ModelChoiceField(label=_("Room"), queryset=Room.objects.none(), required=False)

    def __init__(self, *args, conference: Conference, **kwargs):
        kwargs.setdefault("prefix", "fill")
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = conference.rooms.all()
