"""Forms of the organizers' award pages: a decision, an award, and the ceremony's running order."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from conferences.models import Award, AwardCategory, CeremonyBatch, Conference, Organization, Person

# Batch rows offered beyond the existing ones, for a page without JavaScript.
BLANK_BATCH_ROWS = 2


def errors_into_form(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the fields it names (else on top of the form)."""
    for field, errors in exc.message_dict.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)


class AwardDecisionForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=500,
        initial="Về việc tặng Bằng khen",
        help_text=_('e.g. "Về việc tặng Bằng khen của Bộ trưởng Bộ Khoa học và Công nghệ".'),
    )
    signed_on = forms.DateField(label=_("Signed on"), widget=forms.DateInput(attrs={"type": "date"}))
    signing_authority = forms.CharField(
        label=_("Signing authority"), max_length=100, required=False, help_text=_('e.g. "KT. BỘ TRƯỞNG".')
    )
    signer_title = forms.CharField(label=_("Signer's title"), max_length=100, initial="BỘ TRƯỞNG")
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200)


class AwardForm(forms.Form):
    category = forms.ModelChoiceField(label=_("Category"), queryset=AwardCategory.objects.all())
    recipient_organization = forms.ModelChoiceField(
        label=_("Recipient agency"), queryset=Organization.objects.order_by("name"), required=False
    )
    recipient_person = forms.ModelChoiceField(
        label=_("or recipient person"), queryset=Person.objects.none(), required=False
    )
    citation = forms.CharField(
        label=_("Citation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        initial="Đã có thành tích xuất sắc trong ",
    )
    register_number = forms.CharField(label=_("Register number (số sổ vàng)"), max_length=50, required=False)

    def __init__(self, *args, conference: Conference, **kwargs):
        super().__init__(*args, **kwargs)
        # The people of the conference: its delegates, and anyone already awarded under its decisions.
        self.fields["recipient_person"].queryset = (
            Person.objects.filter(
                Q(registrations__conference=conference) | Q(awards__decision__conference=conference)
            )
            .distinct()
            .order_by("sort_key")
        )

    @staticmethod
    def initial_for(award: Award) -> dict:
        return {name: getattr(award, name) for name in AwardForm.base_fields}


class RunningOrderForm(forms.Form):
    """The running order without JavaScript: batch rows (title, presenter), and each award's batch number."""

    def __init__(self, *args, batches: list[CeremonyBatch], awards: list[Award], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = len(batches) + BLANK_BATCH_ROWS
        self.awards = awards
        for index in range(1, self.rows + 1):
            batch = batches[index - 1] if index <= len(batches) else None
            self.fields[f"title_{index}"] = forms.CharField(
                label=_("Batch %(n)d: title") % {"n": index},
                max_length=255,
                required=False,
                initial=batch.title if batch else "",
            )
            self.fields[f"presenter_{index}"] = forms.CharField(
                label=_("Batch %(n)d: presented by") % {"n": index},
                max_length=255,
                required=False,
                initial=batch.presenter if batch else "",
            )
        choices = [(0, _("not called"))] + [(n, str(n)) for n in range(1, self.rows + 1)]
        positions = {batch.pk: batch.position for batch in batches}
        for award in awards:
            self.fields[f"award_{award.pk}"] = forms.TypedChoiceField(
                label=award.recipient_name,
                choices=choices,
                coerce=int,
                initial=positions.get(award.batch_id, 0),
            )
        # The batch rows are table cells without a <label> of their own.
        for index in range(1, self.rows + 1):
            for name in (f"title_{index}", f"presenter_{index}"):
                self.fields[name].widget.attrs["aria-label"] = self.fields[name].label

    def title_fields(self):
        return [(self[f"title_{n}"], self[f"presenter_{n}"]) for n in range(1, self.rows + 1)]

    def award_fields(self):
        return [(award, self[f"award_{award.pk}"]) for award in self.awards]

    def batches(self) -> list[dict]:
        """The rows in order; a row without a title, a presenter or an award is left out."""
        data = self.cleaned_data
        result = []
        for index in range(1, self.rows + 1):
            award_ids = [award.pk for award in self.awards if data.get(f"award_{award.pk}") == index]
            title, presenter = data.get(f"title_{index}", ""), data.get(f"presenter_{index}", "")
            if title or presenter or award_ids:
                result.append({"title": title, "presenter": presenter, "award_ids": award_ids})
        return result
