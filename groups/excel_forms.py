from django import forms
from django.utils.translation import gettext_lazy

from core.xlsx import XLSX_CONTENT_TYPE
from core.xlsx_reader import not_xlsx_message, too_large_message
from groups.workbook import LIMITS


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        help_text=gettext_lazy("Sheets Kelompok and Anggota, as in the template. At most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": f".xlsx,{XLSX_CONTENT_TYPE}"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > LIMITS.file_bytes:
            raise forms.ValidationError(too_large_message(upload.size, LIMITS.file_bytes))
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(not_xlsx_message())
        return upload


class ImportConfirmForm(forms.Form):
    """The second step: the previewed file, by the token kept in the user's session."""

    token = forms.UUIDField(widget=forms.HiddenInput)
