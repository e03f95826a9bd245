"""Forms of the organizer's agenda editor; the choices its selects offer come from
conferences.selectors.agenda (the agenda items API offers the same).

The forms only read and type the input; every write goes through
conferences.services.agenda, whose ValidationErrors are put back on the form
(`add_service_errors`) so nothing typed is lost.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from conferences.models import AgendaItem, Conference, Organization, Paper, Person, Room
from conferences.selectors.agenda import agenda_organizations, agenda_papers, agenda_people
from core.validators import validate_id

MAX_SLOT_MINUTES = 8 * 60

# Fields ------------------------------------------------------------------------------------------------


class LocalDateTimeField(forms.SplitDateTimeField):
    """A date and a time typed in the browser's date and time inputs, read in Vietnam time."""

    def __init__(self, **kwargs):
        # The pair is rendered as a fieldset whose legend is the field's label; each input
        # still needs a name of its own ("Starts: date", "Starts: time").
        label = kwargs.get("label", "")
        widget = forms.SplitDateTimeWidget(
            date_attrs={"type": "date", "aria-label": format_lazy(_("{label}: date"), label=label)},
            time_attrs={"type": "time", "aria-label": format_lazy(_("{label}: time"), label=label)},
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

    def _check_values(self, value):
        # Out-of-range ids are refused before the query: SQLite cannot bind them.
        for pk in value:
            try:
                validate_id(int(pk))
            except (TypeError, ValueError, ValidationError) as exc:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                ) from exc
        return super()._check_values(value)


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
        label=_("Description"),
        max_length=AgendaItem._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
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
