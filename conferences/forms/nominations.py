"""Forms of the nomination pages: a nomination (organizers, an agency), approval, the panel's scores."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.forms.reviews import ReviewForm
from conferences.models import AwardCategory, Organization, Person
from conferences.models.nomination import JUSTIFICATION_MAX_LENGTH


class _NominationFields(forms.Form):
    category = forms.ModelChoiceField(label=_("Award"), queryset=AwardCategory.objects.order_by("name_vi"))
    justification = forms.CharField(
        label=_("Justification"),
        widget=forms.Textarea,
        max_length=JUSTIFICATION_MAX_LENGTH,
        help_text=_("The achievements the award would recognise."),
    )
    file = forms.FileField(
        label=_("Supporting file"),
        required=False,
        help_text=_("PDF or Word (DOCX), up to 10 MB."),
    )


class OrganizerNominationForm(_NominationFields):
    """Organizers nominate any agency or any person."""

    nominee_organization = forms.ModelChoiceField(
        label=_("Agency nominated"), queryset=Organization.objects.order_by("name"), required=False
    )
    nominee_person = forms.ModelChoiceField(
        label=_("Person nominated"),
        queryset=Person.objects.none(),
        required=False,
        help_text=_("Or a person: one of the conference's delegates."),
    )

    def __init__(self, *args, conference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominee_person"].queryset = (
            Person.objects.filter(registrations__conference=conference)
            .select_related("organization")
            .order_by("full_name")
        )
        self.order_fields(["category", "nominee_organization", "nominee_person", "justification", "file"])


class AgencyNominationForm(_NominationFields):
    """An agency's link nominates the agency itself or one of its people."""

    nominee = forms.ChoiceField(label=_("Nominated"))

    def __init__(self, *args, organization: Organization, people: list[Person], **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.people = {str(person.pk): person for person in people}
        self.fields["nominee"].choices = [
            ("agency", _("Our agency: %(name)s") % {"name": organization.name}),
            *[(pk, person.full_name) for pk, person in self.people.items()],
        ]
        self.order_fields(["category", "nominee", "justification", "file"])

    def nominee_kwargs(self) -> dict:
        value = self.cleaned_data["nominee"]
        if value == "agency":
            return {"nominee_organization": self.organization}
        return {"nominee_person": self.people[value]}


class ApproveForm(forms.Form):
    decision = forms.ModelChoiceField(label=_("Into the decision"), queryset=None)
    citation = forms.CharField(
        label=_("Citation"),
        max_length=2000,
        initial="Đã có thành tích xuất sắc trong ",
        help_text=_('Printed with every approved award, e.g. "Đã có thành tích xuất sắc trong ...".'),
    )

    def __init__(self, *args, decisions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].queryset = decisions
        self.fields["decision"].label_from_instance = lambda d: f"{d.document.formatted} – {d.subject}"


class NominationScoreForm(ReviewForm):
    """The papers' review form without what only papers have: one score per panel criterion and a comment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["confidential_comment"]
        del self.fields["recommendation"]
        self.fields["comment"].label = _("Comment to the organizers")
