"""Forms of the review pages: inviting reviewers, conflicts, the review itself, the ranking's filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.models import Organization, Paper, PaperTopic, Review


class ReviewerInviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail"))
    organization = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organization.objects.order_by("search_name"), required=False
    )


class ConflictForm(forms.Form):
    reviewer = forms.IntegerField(widget=forms.HiddenInput, required=False)
    organization = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organization.objects.order_by("search_name")
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"] = forms.TypedChoiceField(
            label=_("Reviewer"), choices=[(r.user_id, r.name) for r in reviewers], coerce=int
        )


class AcceptForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password", "aria-describedby": "accept-help"}),
        required=False,
        strip=False,
    )
    password2 = forms.CharField(
        label=_("Password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        strip=False,
    )

    def clean(self):
        data = super().clean()
        if data.get("password1") != data.get("password2"):
            raise forms.ValidationError(_("The two passwords differ."))
        return data


class ReviewForm(forms.Form):
    """One score per criterion (with its maximum and weight), the comments and the recommendation."""

    comment = forms.CharField(
        label=_("Comment to the authors"), widget=forms.Textarea, required=False, max_length=10_000
    )
    confidential_comment = forms.CharField(
        label=_("Confidential comment to the organizers"),
        widget=forms.Textarea,
        required=False,
        max_length=10_000,
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Review.Recommendation.choices], required=False
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[f"score_{criterion.code}"] = forms.IntegerField(
                label=criterion.label,
                min_value=0,
                max_value=criterion.max_score,
                required=False,
                help_text=_("0 to %(max)s, weight %(weight)s")
                % {"max": criterion.max_score, "weight": criterion.weight},
            )

    def score_fields(self):
        return [self[f"score_{c.code}"] for c in self.criteria]

    def scores(self) -> dict:
        return {
            c.code: self.cleaned_data[f"score_{c.code}"]
            for c in self.criteria
            if self.cleaned_data.get(f"score_{c.code}") is not None
        }


class RankingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Paper.Status.choices], required=False
    )
    topic = forms.ModelChoiceField(label=_("Topic"), queryset=PaperTopic.objects.none(), required=False)
    disagreement = forms.BooleanField(label=_("Reviewers disagree"), required=False)
    incomplete = forms.BooleanField(label=_("Not fully reviewed"), required=False)
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("-mean", _("Weighted mean, highest first")),
            ("mean", _("Weighted mean, lowest first")),
            ("-spread", _("Spread, largest first")),
            ("done", _("Reviews done, fewest first")),
            ("title", _("Title")),
            ("agency", _("Agency")),
            ("status", _("Status")),
            ("id", _("Number")),
            # The other way of each column, which the table's sortable headers link to.
            ("spread", _("Spread, smallest first")),
            ("-done", _("Reviews done, most first")),
            ("-title", _("Title, Z to A")),
            ("-agency", _("Agency, Z to A")),
            ("-status", _("Status, reversed")),
            ("-id", _("Number, highest first")),
        ],
    )

    def __init__(self, *args, conference=None, **kwargs):
        super().__init__(*args, **kwargs)
        if conference is not None:
            self.fields["topic"].queryset = PaperTopic.objects.filter(conference=conference)

    def selector_filters(self) -> dict:
        """The valid filters as paper_ids_matching takes them (none when the form is not valid)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "status": data.get("status", ""),
            "topic": data["topic"].pk if data.get("topic") else None,
            "disagreement": data.get("disagreement", False),
            "incomplete": data.get("incomplete", False),
            "q": data.get("q", ""),
        }

    def filter_fields(self, prefix: str = "") -> list[tuple[str, str]]:
        """The filters in force as (name, value), for a form that sends them on under `prefix`."""
        name = f"{prefix}-{{}}".format if prefix else "{}".format
        data = self.cleaned_data if self.is_valid() else {}
        fields = [(name("status"), data.get("status", "")), (name("q"), data.get("q", ""))]
        if data.get("topic"):
            fields.append((name("topic"), str(data["topic"].pk)))
        fields += [(name(key), "on") for key in ("disagreement", "incomplete") if data.get(key)]
        return [(key, value) for key, value in fields if value]


DECISIONS = [
    (Paper.Status.ACCEPTED, _("Accept")),
    (Paper.Status.REVISION_REQUESTED, _("Accept with revisions")),
    (Paper.Status.REJECTED, _("Reject")),
]


class DecisionForm(forms.Form):
    """The decision for the selected papers, or (all_matching) for every paper the table's filters show.

    The filters come with it under the prefix FILTER_PREFIX, beside the decision's own `status`.
    """

    FILTER_PREFIX = "filter"

    status = forms.ChoiceField(choices=DECISIONS)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=False)
    all_matching = forms.BooleanField(required=False)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Which ids belong to the conference is the service's rule; here only numbers.
        self.fields["ids"].choices = [(v, v) for v in self.data.getlist("ids") if str(v).isdigit()]

    def clean(self):
        data = super().clean()
        if not data.get("all_matching") and not data.get("ids") and "ids" not in self.errors:
            raise forms.ValidationError(_("Select at least one paper."), code="required")
        return data


class AssignForm(forms.Form):
    papers = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": _("Select papers.")}
    )
    reviewers = forms.TypedMultipleChoiceField(
        coerce=int, choices=(), error_messages={"required": _("Select reviewers.")}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("papers", "reviewers"):
            self.fields[name].choices = [(v, v) for v in self.data.getlist(name) if str(v).isdigit()]
