"""Forms of the letter pages: inbox filters, a new draft, editing a draft, refusing a delivery
and reporting an activity. They check input at the field; the services check the rules."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from giaithuong.common.text import nfc
from giaithuong.directives.drafting import (
    SYMBOL,
    body_to_text,
    default_symbol,
    text_lines,
    text_to_body,
)
from giaithuong.directives.letter import Style
from giaithuong.directives.letters import LetterError, check_evidence
from giaithuong.directives.models import (
    ActivityKind,
    DeliveryState,
    Letter,
    LetterKind,
    LetterStatus,
    OrganisationUnit,
    UnitKind,
)
from giaithuong.directives.permissions import officer_units
from giaithuong.directives.selectors import own_units

# Organisers act for every unit; the new-draft list offers them the top of the tree (the bodies
# that start a cascade) and their own units, not 100,000 wards.
_ORGANISER_CHOICE_DEPTH = 1
_MAX_UNIT_CHOICES = 500


def _unit_choices(units, empty_label=None) -> list[tuple]:
    choices = [("", empty_label)] if empty_label is not None else []
    return choices + [(unit.pk, unit.name) for unit in units]


def _style_of(unit: OrganisationUnit) -> str:
    return Style.PARTY if unit.kind == UnitKind.PARTY else Style.STATE


def _check_symbol(symbol: str, style: str) -> None:
    if not SYMBOL.match(symbol):
        raise ValidationError(_("Write the symbol in letters, digits, '-' and '/' only, e.g. "
                                "MTTQ-BTT or CV/BTGDVTU."), code="symbol")
    if style == Style.PARTY and "/" not in symbol:
        raise ValidationError(_("A Party symbol has the document type and the body, e.g. "
                                "CV/BTGDVTU."), code="party_symbol")


class InboxFilterForm(forms.Form):
    """Narrow the inbox to a state (or overdue letters) and, for a person with several units,
    to one of them."""

    OPEN, OVERDUE = "open", "overdue"

    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), (OPEN, _("Still to handle")), (OVERDUE, _("Overdue")),
        *DeliveryState.choices])
    unit = forms.ModelChoiceField(label=_("Unit"), required=False,
                                  queryset=OrganisationUnit.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = own_units(user)
        listed = list(OrganisationUnit.objects.filter(pk__in=officer_units(user))
                      .order_by("path")[:_MAX_UNIT_CHOICES])
        chosen = self.data.get("unit")
        if chosen and str(chosen).isdigit() and int(chosen) not in {u.pk for u in listed}:
            listed += list(field.queryset.filter(pk=int(chosen)))
        field.choices = _unit_choices(listed, _("All my units"))
        self.several_units = len(listed) > 1


class OutboxFilterForm(InboxFilterForm):
    """Narrow the sent letters to drafts or issued letters, and to one unit."""

    state = forms.ChoiceField(label=_("State"), required=False, choices=[
        ("", _("All")), (LetterStatus.DRAFT, _("Drafts")), (LetterStatus.ISSUED, _("Issued"))])


class NewLetterForm(forms.Form):
    """Start a draft: which unit issues it, its kind and subject; the symbol defaults to the
    unit's usual one."""

    issuer = forms.ModelChoiceField(label=_("Issuing unit"),
                                    queryset=OrganisationUnit.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices,
                             initial=LetterKind.OFFICIAL_LETTER)
    subject = forms.CharField(
        label=_("Subject (V/v)"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written after “V/v”, starting in lower case, e.g. “tuyên truyền, hưởng ứng "
                    "Giải thưởng …”."))
    symbol = forms.CharField(
        label=_("Symbol"), max_length=60, required=False,
        help_text=_("Leave empty for the unit's usual symbol: its code (MTTQ-BTT), with the "
                    "type in front for other kinds (KH-MTTQ-BTT) and “CV/…” for Party units."))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["issuer"]
        field.queryset = own_units(user).filter(is_active=True)
        listed = OrganisationUnit.objects.filter(is_active=True).filter(
            Q(pk__in=officer_units(user))
            | (Q(depth__lte=_ORGANISER_CHOICE_DEPTH) & Q(pk__in=field.queryset.values("pk"))))
        listed = list(listed.order_by("path")[:_MAX_UNIT_CHOICES])
        wanted = self.data.get("issuer") or self.initial.get("issuer")
        if wanted and str(wanted).isdigit() and int(wanted) not in {u.pk for u in listed}:
            listed += list(field.queryset.filter(pk=int(wanted)))
        field.choices = _unit_choices(listed, None if len(listed) == 1 else "")
        if len(listed) == 1:
            field.initial = listed[0].pk

    def clean_subject(self):
        return " ".join(nfc(self.cleaned_data["subject"]).split())

    def clean(self):
        data = super().clean()
        issuer = data.get("issuer")
        if issuer is None:
            return data
        style = _style_of(issuer)
        symbol = nfc(data.get("symbol") or "").strip()
        if not symbol:
            symbol = default_symbol(issuer.code, data.get("kind") or "", party=style == Style.PARTY)
            if not symbol:
                self.add_error("symbol", _("This unit has no symbol code yet; write the symbol."))
                return data
        try:
            _check_symbol(symbol, style)
        except ValidationError as error:
            self.add_error("symbol", error)
        data["symbol"], data["style"] = symbol, style
        return data


class LetterEditForm(forms.Form):
    """Everything of a draft that is written by hand. The body is one paragraph per line."""

    subject = forms.CharField(label=_("Subject (V/v)"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=_("Kind"), choices=LetterKind.choices)
    symbol = forms.CharField(label=_("Symbol"), max_length=60)
    header_parent = forms.CharField(
        label=_("Parent body in the header"), max_length=300, required=False,
        help_text=_("The line above the issuer, e.g. ỦY BAN MTTQ VIỆT NAM PHƯỜNG NAM ĐỒNG."))
    header_name = forms.CharField(label=_("Issuer in the header"), max_length=300,
                                  required=False,
                                  help_text=_("e.g. BAN THƯỜNG TRỰC."))
    place = forms.CharField(label=_("Place on the date line"), max_length=100)
    addressee_units = forms.ModelMultipleChoiceField(
        label=_("Send to these units"), required=False,
        queryset=OrganisationUnit.objects.none(), widget=forms.CheckboxSelectMultiple)
    address_subtree = forms.BooleanField(
        label=_("Also deliver to every unit below the checked units"), required=False)
    addressee_texts = forms.CharField(
        label=_("Kính gửi as written on the letter"), required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One addressee per line, e.g. “Ban Công tác Mặt trận các tổ dân phố”. Leave "
                    "empty to write the checked units by name."))
    body = forms.CharField(
        label=_("Body"), required=False, widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("One paragraph per line. A line starting “1.” is a numbered task, “- ” a "
                    "bullet item, two spaces in front one level down."))
    recipients = forms.CharField(
        label=_("Nơi nhận (distribution list)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line; end with “Lưu: VT”."))
    signature_authority = forms.CharField(
        label=_("Signing authority"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One line each, e.g. “TM. BAN THƯỜNG TRỰC” or “K/T TRƯỞNG BAN”."))
    signature_title = forms.CharField(label=_("Signer's title"), max_length=200, required=False,
                                      help_text=_("e.g. CHỦ TỊCH, PHÓ TRƯỞNG BAN."))
    signature_name = forms.CharField(label=_("Signer's name"), max_length=200, required=False)
    due_date = forms.DateField(
        label=_("Report due by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    attach_trailer_qr = forms.BooleanField(label=_("Attach the trailer QR code"), required=False)

    def __init__(self, *args, letter: Letter, **kwargs):
        self.letter = letter
        selected = list(letter.addressee_units.all())
        names = [unit.name for unit in selected]
        signature = letter.signature or {}
        kwargs.setdefault("initial", {
            "subject": letter.subject, "kind": letter.kind, "symbol": letter.symbol,
            "header_parent": letter.header_parent, "header_name": letter.header_name,
            "place": letter.place, "addressee_units": [unit.pk for unit in selected],
            "address_subtree": letter.address_subtree,
            # Texts that only repeat the checked units' names are shown as "by name" (empty).
            "addressee_texts": ("" if sorted(letter.addressee_texts) == sorted(names)
                                else "\n".join(letter.addressee_texts)),
            "body": body_to_text(letter.body), "recipients": "\n".join(letter.recipients),
            "signature_authority": "\n".join(signature.get("authority") or []),
            "signature_title": signature.get("title", ""),
            "signature_name": signature.get("name", ""),
            "due_date": letter.due_date, "attach_trailer_qr": letter.attach_trailer_qr,
        })
        super().__init__(*args, **kwargs)
        self.fields["addressee_units"].queryset = OrganisationUnit.objects.filter(
            Q(parent=letter.issuer, is_active=True) | Q(pk__in=[unit.pk for unit in selected])
        ).order_by("path")

    def clean_symbol(self):
        symbol = nfc(self.cleaned_data["symbol"]).strip()
        _check_symbol(symbol, self.letter.style)
        return symbol

    def clean_subject(self):
        return " ".join(nfc(self.cleaned_data["subject"]).split())

    def clean_signature_authority(self):
        lines = [" ".join(line.split()).upper() for line in
                 nfc(self.cleaned_data["signature_authority"]).splitlines() if line.strip()]
        if len(lines) > 3:
            raise ValidationError(_("At most three authority lines."), code="authority")
        return lines

    def clean(self):
        data = super().clean()
        if data.get("address_subtree") and not data.get("addressee_units"):
            self.add_error("address_subtree",
                           _("Check at least one unit to deliver to the units below it."))
        return data

    def changes(self) -> dict:
        """The keyword arguments of `letters.update_draft` for what was entered."""
        data = self.cleaned_data
        units = list(data["addressee_units"])
        texts = text_lines(data["addressee_texts"]) or [unit.name for unit in units]
        signature = {"authority": data["signature_authority"],
                     "title": " ".join(nfc(data["signature_title"]).split()).upper(),
                     "name": " ".join(nfc(data["signature_name"]).split())}
        return {
            "subject": data["subject"], "kind": data["kind"], "symbol": data["symbol"],
            "header_parent": data["header_parent"], "header_name": data["header_name"],
            "place": data["place"], "addressee_units": units,
            "address_subtree": data["address_subtree"], "addressee_texts": texts,
            "body": text_to_body(data["body"]), "recipients": text_lines(data["recipients"]),
            "signature": signature if any(signature.values()) else {},
            "due_date": data["due_date"], "attach_trailer_qr": data["attach_trailer_qr"],
        }


class RefuseForm(forms.Form):
    reason = forms.CharField(label=_("Reason for refusing"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("e.g. sent to the wrong unit."))

    def clean_reason(self):
        reason = " ".join(nfc(self.cleaned_data["reason"]).split())
        if not reason:
            raise ValidationError(_("Give a reason for refusing."), code="required")
        return reason


_MAX_COUNT = 10_000_000


class ActivityReportForm(forms.Form):
    """What a unit did for a letter (báo cáo kết quả triển khai)."""

    kind = forms.ChoiceField(label=_("Activity"), choices=ActivityKind.choices)
    date = forms.DateField(label=_("Date"),
                           widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    audience = forms.IntegerField(label=_("People reached"), min_value=0, max_value=_MAX_COUNT,
                                  initial=0)
    channel = forms.CharField(label=_("Where or through which channel"), max_length=200,
                              required=False,
                              help_text=_("e.g. the ward's meeting hall, the loudspeaker system, "
                                          "the ward's Facebook page."))
    description = forms.CharField(label=_("What was done"), required=False, max_length=5000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    links = forms.CharField(label=_("Links"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One web address per line, starting with https:// or "
                                        "http://."))
    evidence = forms.FileField(
        label=_("Evidence file"), required=False,
        widget=forms.ClearableFileInput(attrs={
            "accept": ".pdf,.jpg,.jpeg,.png,.webp,.docx,application/pdf,image/jpeg,image/png,"
                      "image/webp"}),
        help_text=_("Optional: minutes, a photo or a scan; PDF, JPEG, PNG, WebP or DOCX, at most "
                    "20 MB."))
    candidates_introduced = forms.IntegerField(label=_("Candidates introduced"), min_value=0,
                                               max_value=_MAX_COUNT, initial=0)
    entries_submitted = forms.IntegerField(label=_("Entries submitted"), min_value=0,
                                           max_value=_MAX_COUNT, initial=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate

    def clean_date(self):
        date: dt.date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise ValidationError(_("The activity date is in the future."), code="future")
        return date

    def clean_links(self):
        links = [line.strip() for line in nfc(self.cleaned_data["links"]).splitlines()
                 if line.strip()]
        check = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                check(link)
            except ValidationError:
                raise ValidationError(
                    _("“%(link)s” is not a web address starting with https:// or http://."),
                    code="link", params={"link": link[:100]}) from None
        return links

    def clean_evidence(self):
        evidence = self.cleaned_data.get("evidence")
        if evidence:
            try:
                check_evidence(evidence)
            except LetterError as error:
                raise ValidationError(str(error), code="evidence") from None
        return evidence or None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in (
            "kind", "date", "audience", "channel", "description", "links", "evidence",
            "candidates_introduced", "entries_submitted")}
