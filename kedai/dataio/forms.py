"""Forms of the data pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kedai.dataio.exports import FORMATS
from kedai.dataio.importers import IMPORTERS
from kedai.dataio.migrate import MIGRATORS
from kedai.dataio.tables import TABLES


class ExportForm(forms.Form):
    table = forms.ChoiceField(label=_("Table"),
                              choices=[(k, t.label) for k, t in TABLES.items()])
    format = forms.ChoiceField(label=_("Format"),
                               choices=[(f, f.upper()) for f in FORMATS])
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=forms.DateInput(format="%Y-%m-%d",
                                                       attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=forms.DateInput(format="%Y-%m-%d",
                                                     attrs={"type": "date"}))
    q = forms.CharField(label=_("Containing"), required=False, max_length=100)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What the file holds"),
        choices=[(k, i.label) for k, i in {**IMPORTERS, **MIGRATORS}.items()])
    file = forms.FileField(label=_("File (CSV, XLSX or JSON)"))


class RestoreForm(forms.Form):
    file = forms.FileField(label=_("Backup archive (.zip)"))
    confirm = forms.BooleanField(
        label=_("I understand the restore only goes into an empty shop"))
