"""Forms of the organizer's proceedings page: starting a build and editing the foreword."""

from django import forms
from django.utils.translation import gettext_lazy

from conferences.models import Conference, Proceedings


class BuildForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Book"), choices=Proceedings.Kind.choices, initial=Proceedings.Kind.BOOK
    )
    variant = forms.ChoiceField(
        label=gettext_lazy("Variant"),
        choices=Proceedings.Variant.choices,
        initial=Proceedings.Variant.STANDARD,
    )


class ForewordForm(forms.Form):
    foreword = forms.CharField(
        label=gettext_lazy("Foreword (Markdown)"),
        required=False,
        max_length=Conference._meta.get_field("proceedings_foreword").max_length,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
