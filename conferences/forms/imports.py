"""The upload form of the agency import; what a file may hold is the import service's rule."""

from pathlib import PurePath

from django import forms
from django.utils.translation import gettext_lazy as _

from conferences.services.imports import EXTENSIONS, MAX_FILE_BYTES


class OrganizationImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("A .csv (UTF-8) or .xlsx file; the first row holds the column headings."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = PurePath(upload.name).suffix.lower().lstrip(".")
        if extension not in EXTENSIONS:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)d MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
