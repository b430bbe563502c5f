"""Forms of the import pages: hand in a letter (a file or pasted text), then review every field
that was read before the letter is saved."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from giaithuong.directives.import_fields import ImportFields, ImportReference
from giaithuong.directives.import_files import (
    MAX_BYTES,
    ReadError,
    ReadLetter,
    check_file,
    read_letter_file,
    read_pasted_text,
)
from giaithuong.directives.letter import Style
from giaithuong.directives.models import LetterKind, Relation

LOW_CONFIDENCE = 0.7
MAX_PASTED_CHARS = 400_000

# How each refusal of a file reads on the page (the detail from the reader follows when useful).
READ_MESSAGES = {
    "too_large": _("The file is larger than %(limit)s MB; send a smaller file."),
    "wrong_type": _("Only .txt, .docx and .pdf files can be read; save the letter in one of "
                    "these formats."),
    "empty": _("The file is empty or holds no text."),
    "no_text_layer": _("This PDF has no text layer; scan it with OCR first, then upload the "
                       "result. The letter was not guessed at."),
    "zip_bomb": _("This DOCX would unpack to far more than any letter needs (a zip bomb); it "
                  "was not opened."),
    "unreadable": _("The file cannot be read: %(detail)s"),
    "not_a_letter": _("No letter was recognised in this file: it has no number, symbol or "
                      "subject (V/v). Check that it is the right file."),
}


def read_error_message(error: ReadError) -> str:
    return READ_MESSAGES[error.code] % {"limit": MAX_BYTES // 1024 // 1024, "detail": error}


class UploadForm(forms.Form):
    """Step 1: a file, or the text pasted in."""

    file = forms.FileField(
        label=_("Letter file"), required=False, allow_empty_file=True,  # refused below, clearly
        help_text=_("A .txt, .docx or .pdf file (a PDF needs a text layer), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,.pdf,text/plain,"
                                                         "application/pdf,application/vnd."
                                                         "openxmlformats-officedocument."
                                                         "wordprocessingml.document"}))
    text = forms.CharField(
        label=_("Or paste the text of the letter"), required=False, strip=False,
        max_length=MAX_PASTED_CHARS, widget=forms.Textarea(attrs={"rows": 10}))

    read: ReadLetter | None = None

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), data.get("text") or ""
        if self.errors:
            return data
        if upload and text.strip():
            self.add_error("text", _("Give either a file or pasted text, not both."))
        elif upload:
            try:
                # Size and name are refused before the bytes are read into memory.
                check_file(upload.name, upload.size)
                self.read = read_letter_file(upload.name, upload.read())
            except ReadError as error:
                self.add_error("file", read_error_message(error))
        elif text.strip():
            try:
                self.read = read_pasted_text(text)
            except ReadError as error:
                self.add_error("text", read_error_message(error))
        else:
            self.add_error("file", _("Choose a letter file, or paste its text below."))
        return data


def _lines(value: str) -> list[str]:
    return [line.strip(" -–•;\t") for line in (value or "").splitlines()
            if line.strip(" -–•;\t")]


class ReviewForm(forms.Form):
    """Step 2: every field read from the letter, for the officer to check and correct. The file
    itself stays on the server; the form carries only its checksum."""

    source_sha = forms.RegexField(regex=re.compile(r"^[0-9a-f]{64}$"), widget=forms.HiddenInput)
    source_name = forms.CharField(max_length=255, widget=forms.HiddenInput)

    style = forms.ChoiceField(label=_("Layout"), choices=[
        (Style.STATE.value, _("State and Front (Decree 30/2020)")),
        (Style.PARTY.value, _("Party (Guidance 36-HD/VPTW)"))])
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    number = forms.IntegerField(label=_("Letter number"), required=False, min_value=1,
                                max_value=999_999,
                                help_text=_("Empty for a draft whose number was left blank."))
    symbol = forms.CharField(label=_("Symbol"), max_length=60, required=False,
                             help_text=_("As written after the number, e.g. MTTQ-BTT or "
                                         "CV/BTGDVTW."))
    header_parent = forms.CharField(label=_("Issuer's parent body"), max_length=200,
                                    required=False)
    header_name = forms.CharField(label=_("Issuer (header line)"), max_length=200,
                                  required=False)
    issuer_name = forms.CharField(
        label=_("Issuer's full name"), max_length=300, required=False,
        help_text=_("As other letters cite it, e.g. Ban Thường trực Ủy ban MTTQ Việt Nam "
                    "phường Nam Đồng."))
    issuer_unit = forms.TypedChoiceField(
        label=_("Issuing unit in the system"), required=False, coerce=int, empty_value=None,
        help_text=_("Link the letter to the unit that issued it, if that unit is here."))
    place = forms.CharField(label=_("Place"), max_length=100, required=False)
    date = forms.DateField(label=_("Date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                           help_text=_("Empty for a draft whose day was left blank."))
    subject = forms.CharField(label=_("Subject (V/v)"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    addressees = forms.CharField(label=_("Addressees (Kính gửi)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_("One per line."))
    recipients = forms.CharField(label=_("Distribution list (Nơi nhận)"), required=False,
                                 widget=forms.Textarea(attrs={"rows": 4}),
                                 help_text=_("One per line."))
    signature_authority = forms.CharField(
        label=_("Signing authority"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One line each, e.g. TM. BAN THƯỜNG TRỰC or K/T TRƯỞNG BAN."))
    signer_title = forms.CharField(label=_("Signer's title"), max_length=200, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)

    # Which confidence of the reading belongs to which field.
    CONFIDENCE_KEYS = {
        "number": "number", "symbol": "symbol", "header_name": "issuer",
        "header_parent": "issuer_parent", "place": "place", "date": "date",
        "subject": "subject", "addressees": "addressees", "recipients": "recipients",
        "signature_authority": "signature_authority", "signer_title": "signer_title",
        "signer_name": "signer_name",
    }

    def __init__(self, *args, unit_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_unit"].choices = [
            ("", _("— not in the system —")),
            *((unit.pk, unit.name) for unit in unit_choices)]

    def clean(self):
        data = super().clean()
        if not (data.get("header_name") or data.get("issuer_name")
                or data.get("issuer_unit")):
            self.add_error("header_name", _("Give the issuer, or choose the issuing unit."))
        if data.get("number") and not data.get("symbol"):
            self.add_error("symbol", _("A numbered letter has a symbol after its number."))
        return data

    @staticmethod
    def initial_from(fields: ImportFields, *, sha: str, name: str, unit=None) -> dict:
        signature = fields.signature or {}
        return {
            "source_sha": sha, "source_name": name, "style": fields.style,
            "kind": fields.kind, "number": fields.number, "symbol": fields.symbol,
            "header_parent": fields.header_parent, "header_name": fields.header_name,
            "issuer_name": fields.issuer_name, "issuer_unit": unit.pk if unit else None,
            "place": fields.place, "date": fields.date, "subject": fields.subject,
            "addressees": "\n".join(fields.addressees),
            "recipients": "\n".join(fields.recipients),
            "signature_authority": "\n".join(signature.get("authority") or ()),
            "signer_title": signature.get("title", ""), "signer_name": signature.get("name", ""),
        }

    def to_fields(self, read: ImportFields, references: list[ImportReference]) -> ImportFields:
        """The reviewed letter: the officer's fields, with the body, footnotes and the written
        year taken from the reading of the stored file."""
        data = self.cleaned_data
        date = data["date"]
        return ImportFields(
            style=data["style"], kind=data["kind"], header_name=data["header_name"],
            header_parent=data["header_parent"], issuer_name=data["issuer_name"],
            number=data["number"], symbol=data["symbol"], place=data["place"], date=date,
            year=date.year if date else read.year, month=date.month if date else read.month,
            subject=data["subject"], addressees=_lines(data["addressees"]),
            references=references, body=read.body, recipients=_lines(data["recipients"]),
            signature={"authority": _lines(data["signature_authority"]),
                       "title": data["signer_title"], "name": data["signer_name"]},
            footnotes=read.footnotes)

    def confidence_notes(self, confidence: dict[str, float]) -> dict[str, dict]:
        """Per field: the confidence of the reading, flagged when low; and the widget points at
        the note (and at its help and error) for screen readers."""
        notes = {}
        for name, key in self.CONFIDENCE_KEYS.items():
            value = float(confidence.get(key, 0.0))
            bound = self[name]
            notes[name] = {"value": value, "low": value < LOW_CONFIDENCE,
                           "missing": value == 0.0, "id": f"{bound.auto_id}_confidence"}
            described = [notes[name]["id"]]
            if self.fields[name].help_text:
                described.append(f"{bound.auto_id}_helptext")
            if self.is_bound and self.errors.get(name):
                described.append(f"{bound.auto_id}_error")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)
        return notes


class ReferenceForm(forms.Form):
    """One reference of the letter: what it implements, is based on or follows."""

    relation = forms.ChoiceField(label=_("Relation"), required=False,
                                 choices=[("", "—"), *Relation.choices])
    kind = forms.CharField(label=_("Kind"), max_length=60, initial="Công văn", required=False)
    number = forms.IntegerField(label=_("Letter number"), required=False, min_value=1,
                                max_value=999_999)
    symbol = forms.CharField(label=_("Symbol"), max_length=60, required=False)
    date = forms.DateField(label=_("Date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    issuer = forms.CharField(label=_("Issuer"), max_length=300, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=500, required=False)

    @property
    def has_content(self) -> bool:
        data = getattr(self, "cleaned_data", None) or {}
        return bool(data.get("number") or data.get("symbol") or data.get("issuer"))

    def clean(self):
        data = super().clean()
        if self.has_content and not data.get("relation"):
            self.add_error("relation", _("Say how the letter cites this one."))
        return data

    def to_reference(self) -> ImportReference:
        data = self.cleaned_data
        return ImportReference(relation=data["relation"], kind=data["kind"],
                               number=data["number"], symbol=data["symbol"] or "",
                               date=data["date"], issuer=data["issuer"] or "",
                               subject=data["subject"] or "")


ReferenceFormSet = forms.formset_factory(ReferenceForm, extra=1, can_delete=True, max_num=30,
                                         validate_max=True)


def reference_initial(references: list[ImportReference]) -> list[dict]:
    return [{"relation": ref.relation, "kind": ref.kind, "number": ref.number,
             "symbol": ref.symbol, "date": ref.date, "issuer": ref.issuer,
             "subject": ref.subject} for ref in references]


def reviewed_references(formset) -> list[ImportReference]:
    """The rows the officer kept: not deleted, not left blank."""
    return [form.to_reference() for form in formset.forms
            if form.is_valid() and form.has_content and not form.cleaned_data.get("DELETE")]
