"""Names for inputs laid out as table cells.

A form shown as rows of a table (review criteria, ceremony batches) has column headers
but no <label> per input, so a screen reader would announce "edit text" and nothing
more. Each input gets an aria-label naming its column and its row instead.
"""

from django import forms
from django.utils.text import format_lazy


def grid_row_name(form: forms.BaseForm, row: object) -> None:
    """Name each of the form's inputs "<field label> (<row>)"; the row is a number or a name."""
    for field in form.fields.values():
        field.widget.attrs["aria-label"] = format_lazy("{label} ({row})", label=field.label, row=row)
