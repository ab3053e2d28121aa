from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.xlsx import XLSX_CONTENT_TYPE
from groups.excel import MAX_FILE_BYTES


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        help_text=gettext_lazy("Sheets Kelompok and Anggota, as in the template. At most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size).1f MB; at most %(limit)d MB can be imported.")
                % {"size": upload.size / 1024 / 1024, "limit": MAX_FILE_BYTES // (1024 * 1024)}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
            )
        return upload


class ImportConfirmForm(forms.Form):
    """The second step: the previewed file, by the token kept in the user's session."""

    token = forms.UUIDField(widget=forms.HiddenInput)
