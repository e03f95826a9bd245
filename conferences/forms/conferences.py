"""Forms of a conference's set-up: its settings, its rooms, its team.

They read and check input only; the services decide (conference_validate is
called from clean() so each rule's error lands on its field, as in the admin).
"""

import copy

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from conferences.models import Conference, ConferenceRole, Organization, Person, Room
from conferences.services.conferences import conference_validate
from core.text import fold, nfc

_LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_YEAR_INPUT = forms.NumberInput(attrs={"min": 1945, "max": 2100, "inputmode": "numeric"})


def organization_label(name: str, parent_name: str | None) -> str:
    """An agency as the host list names it: a unit is followed by its parent (names repeat across parents)."""
    return f"{name} – {parent_name}" if parent_name else name


def host_choices() -> dict[str, int]:
    """Every agency's label, for the host input's suggestions, with its id (one query)."""
    rows = Organization.objects.order_by("search_name").values_list("pk", "name", "parent__name")
    return {organization_label(name, parent): pk for pk, name, parent in rows}


class HostField(forms.CharField):
    """A text input with the agencies' names as suggestions (a datalist: hundreds of them stay usable)."""

    default_error_messages = {
        "unknown": _("No agency is named “%(name)s”: pick one of the suggestions."),
    }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 400)
        super().__init__(*args, **kwargs)
        self.widget.attrs.update({"list": "host-suggestions", "autocomplete": "off"})

    def clean(self, value):
        name = super().clean(value)
        choices = host_choices()
        pk = choices.get(nfc(name) or "")
        if pk is None:
            folded = {fold(label): pk for label, pk in choices.items()}
            pk = folded.get(fold(name))
        if pk is None:
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"name": name})
        return Organization.objects.get(pk=pk)


class ConferenceForm(forms.ModelForm):
    """Create or edit a conference. The chair is chosen on the edit page, among the host agency's people."""

    host = HostField(label=_("Host agency"), help_text=_("Type to search; pick a name from the list."))
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=settings.LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        initial=["vi"],
        help_text=_("The languages the conference offers its delegates."),
    )
    rooms = forms.CharField(
        label=_("Rooms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One room per line; more can be added later."),
    )

    class Meta:
        model = Conference
        fields = [
            "title_vi",
            "title_en",
            "short_title",
            "slug",
            "kind",
            "legal_basis",
            "review_period_start",
            "review_period_end",
            "host",
            "chair",
            "starts_at",
            "ends_at",
            "rsvp_deadline",
            "paper_deadline",
            "venue_name",
            "venue_address",
            "capacity",
            "default_delegate_quota",
            "languages",
            "description",
        ]
        widgets = {
            "starts_at": _LOCAL_INPUT,
            "ends_at": _LOCAL_INPUT,
            "rsvp_deadline": _LOCAL_INPUT,
            "paper_deadline": _LOCAL_INPUT,
            "review_period_start": _YEAR_INPUT,
            "review_period_end": _YEAR_INPUT,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editing = self.instance.pk is not None
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("The conference's address; made from the title when left empty.")
        for name in ("starts_at", "ends_at", "rsvp_deadline", "paper_deadline"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
            self.fields[name].help_text = _("Vietnam time (Asia/Ho_Chi_Minh).")
        if editing:
            del self.fields["rooms"]  # The edit page manages rooms one by one.
            host = self.instance.host
            self.initial["host"] = organization_label(host.name, host.parent.name if host.parent else None)
            people = Person.objects.filter(organization=self.instance.host_id)
            if self.instance.chair_id:
                people = people | Person.objects.filter(pk=self.instance.chair_id)
            self.fields["chair"].queryset = people.order_by("full_name")
            self.fields["chair"].help_text = _("A person of the host agency.")
        else:
            del self.fields["chair"]  # The host's people are known once the host is.

    def clean_slug(self):
        return self.cleaned_data.get("slug") or ""

    def clean_rooms(self):
        names = [nfc(line) for line in (self.cleaned_data.get("rooms") or "").splitlines()]
        names = [name for name in names if name]
        if len({fold(name) for name in names}) != len(names):
            raise ValidationError(_("Two rooms have the same name."))
        return names

    def clean(self):
        cleaned = super().clean()
        candidate = copy.copy(self.instance)
        for name, value in cleaned.items():
            if name in {field.name for field in Conference._meta.fields}:
                setattr(candidate, name, value)
        try:
            conference_validate(conference=candidate)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    self.add_error(field if field in self.fields else None, error)
        return cleaned

    def _post_clean(self):
        # The services save; the model's own checks run there (validated_save), not on this form's copy,
        # except for the slug, which must be free before the create page calls the service.
        slug = self.cleaned_data.get("slug")
        if not slug:
            return
        try:
            Conference._meta.get_field("slug").run_validators(slug)
        except ValidationError as exc:
            self.add_error("slug", exc)
            return
        if Conference.objects.filter(slug=slug).exclude(pk=self.instance.pk).exists():
            self.add_error("slug", _("Another conference has this address."))

    def service_fields(self) -> dict:
        """The cleaned values as the create and update services take them."""
        return {name: value for name, value in self.cleaned_data.items() if name != "rooms"}


class RoomForm(forms.Form):
    name = forms.CharField(label=_("Room name"), max_length=Room._meta.get_field("name").max_length)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, required=False)


class TeamMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=ConferenceRole.Role.choices)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Used in the invitation when the person has no account yet."),
    )
