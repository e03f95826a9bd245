"""Forms of the delegate's paper pages: the paper and its ordered authors (a formset)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from conferences.forms.grid import grid_row_name
from conferences.models import CallForPapers, FileKind, Organization, PaperRevision, PaperTopic, Registration
from conferences.services.papers import AuthorInput

# Rows shown without JavaScript; static/js/paper_authors.js adds and removes rows.
BLANK_AUTHOR_ROWS = 3
MAX_AUTHORS = 30


class PaperForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=500)
    abstract = forms.CharField(
        label=_("Abstract"), widget=forms.Textarea(attrs={"rows": 6}), max_length=10_000
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=PaperTopic.objects.none(), required=False)
    body = forms.CharField(
        label=_("Text (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 16}),
        required=False,
        max_length=200_000,
        help_text=_("The paper's text and/or a file: at least one of them."),
    )
    file = forms.FileField(
        label=_("File (PDF or DOCX)"), required=False, allow_empty_file=True, max_length=1000
    )
    presenter = forms.TypedChoiceField(label=_("Presents the paper"), coerce=int, required=False)

    def __init__(self, *args, conference, topics: list[PaperTopic], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = PaperTopic.objects.filter(conference=conference)
        self.fields["topic"].required = bool(topics)
        self.fields["presenter"].choices = [(str(i), str(i + 1)) for i in range(MAX_AUTHORS)]


class AuthorForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    organization = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organization.objects.order_by("name"), required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    position = forms.CharField(label=_("Position"), max_length=200, required=False)


AuthorFormSet = forms.formset_factory(
    AuthorForm, extra=0, max_num=MAX_AUTHORS, absolute_max=MAX_AUTHORS, validate_max=True
)


def author_initial(*, registration: Registration, revision: PaperRevision | None) -> list[dict]:
    """The rows a page starts with: the revision's authors, or the delegate themself; then blank rows."""
    if revision is not None:
        rows = [
            {
                "full_name": author["full_name"],
                "organization": author.get("organization"),
                "email": "",
                "position": author.get("position", ""),
            }
            for author in revision.authors
        ]
    else:
        person = registration.person
        rows = [
            {
                "full_name": registration.display_name,
                "organization": registration.organization_id,
                "email": person.email,
                "position": registration.display_position,
            }
        ]
    return rows + [{"organization": registration.organization_id}] * BLANK_AUTHOR_ROWS


def authors_from(formset) -> list[AuthorInput]:
    """The typed rows, blank ones left out (the service refuses what is wrong in them)."""
    return [
        AuthorInput(
            full_name=row.get("full_name", ""),
            organization=row.get("organization"),
            email=row.get("email", ""),
            position=row.get("position", ""),
        )
        for row in (form.cleaned_data for form in formset.forms if form.is_valid())
        if row.get("full_name") or row.get("email")
    ]


def presenter_index(form: PaperForm, formset) -> int:
    """The presenter's place among the non-blank rows (the radio gives the row number)."""
    chosen = form.cleaned_data.get("presenter")
    kept = [
        i
        for i, f in enumerate(formset.forms)
        if f.is_valid() and (f.cleaned_data.get("full_name") or f.cleaned_data.get("email"))
    ]
    return kept.index(chosen) if chosen in kept else -1


class PaperFigureForm(forms.Form):
    """A figure the delegate adds to their paper; the service judges the image."""

    file = forms.FileField(label=_("Image (PNG or JPEG)"), allow_empty_file=True, max_length=1000)
    caption = forms.CharField(label=_("Caption"), required=False, max_length=500)


def errors_to_form(error: ValidationError, form: forms.Form) -> None:
    """Put the service's field errors next to their inputs; the others on top of the form."""
    for field, messages in error.message_dict.items():
        target = field if field in form.fields and field != "presenter" else None
        for message in messages:
            form.add_error(target, message)


# The organizers' settings page ---------------------------------------------------------------------------

_LOCAL_INPUT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CallForPapersForm(forms.Form):
    opens_at = forms.DateTimeField(label=_("Opens at"), required=False, widget=_LOCAL_INPUT)
    closes_at = forms.DateTimeField(
        label=_("Closes at (the paper deadline)"), required=False, widget=_LOCAL_INPUT
    )
    eligibility = forms.ChoiceField(label=_("Who may submit"), choices=CallForPapers.Eligibility.choices)
    title_max_length = forms.IntegerField(label=_("Longest title (characters)"))
    abstract_max_length = forms.IntegerField(label=_("Longest abstract (characters)"))
    file_kinds = forms.MultipleChoiceField(
        label=_("Accepted file kinds"),
        choices=FileKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    max_file_mb = forms.IntegerField(label=_("Largest file (MB)"))
    blind_review = forms.BooleanField(label=_("Blind review"), required=False)
    reviewers_per_paper = forms.IntegerField(label=_("Reviewers per paper"))
    disagreement_margin = forms.IntegerField(label=_("Disagreement margin (points of 100)"))
    revision_closes_at = forms.DateTimeField(
        label=_("Revision round closes at"), required=False, widget=_LOCAL_INPUT
    )
    topics = forms.CharField(
        label=_("Topics, one per line"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )

    def settings(self) -> dict:
        data = dict(self.cleaned_data)
        data["topics"] = [line for line in data["topics"].splitlines() if line.strip()]
        return data


class CriterionForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, required=False)
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    max_score = forms.IntegerField(label=_("Maximum score"), required=False, initial=10)
    weight = forms.IntegerField(label=_("Weight"), required=False, initial=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # In a formset the prefix ends with the row's index ("criteria-0").
        index = (self.prefix or "").rsplit("-", 1)[-1]
        if index.isdigit():
            grid_row_name(self, format_lazy(_("criterion {n}"), n=int(index) + 1))


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=50, absolute_max=50)


def criteria_from(formset) -> list[dict]:
    return [
        {
            "code": form.cleaned_data.get("code") or "",
            "label": form.cleaned_data.get("label") or "",
            "max_score": form.cleaned_data.get("max_score") or 0,
            "weight": form.cleaned_data.get("weight") or 0,
        }
        for form in formset.forms
        if form.is_valid() and (form.cleaned_data.get("code") or form.cleaned_data.get("label"))
    ]
