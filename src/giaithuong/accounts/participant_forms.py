"""Forms of the participant pages. They parse and show errors at the field; the rules
themselves live in `accounts.participants`, so the pages and the API answer alike."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from giaithuong.accounts import participants
from giaithuong.accounts.countries import country_choices
from giaithuong.accounts.models import Residence


class ServiceErrorsMixin:
    """Put a service's {field: [messages]} at the fields of this form."""

    field_map: dict[str, str] = {}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            field = self.field_map.get(name, name)
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    field_map = {"password": "password1"}

    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.CharField(label=_("E-mail address"), max_length=254,
                            help_text=_("You will sign in with it; we send a link to check it."),
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"), strip=False,
        help_text=_("At least 8 characters, not only digits, not a common password and not "
                    "like your name or address."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("Password again"), strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    consent = forms.BooleanField(
        label=_("I consent to the processing of my personal data for the award"),
        help_text=participants.CONSENT_TEXT, required=False)

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second is not None and first != second:
            self.add_error("password2", _("The two passwords differ; type the same one twice."))
        # Required-field errors already shown stay; the service adds the rest.
        errors = participants.registration_errors(
            full_name=data.get("full_name", self.data.get("full_name", "")),
            email=data.get("email", ""), password=first or "",
            consent=bool(data.get("consent")))
        self.add_service_errors({name: messages for name, messages in errors.items()
                                 if self.field_map.get(name, name) not in self.errors})
        return data

    def registration(self) -> dict:
        data = self.cleaned_data
        return {"full_name": data["full_name"], "email": data["email"],
                "password": data["password1"], "consent": bool(data["consent"])}


class EmailForm(forms.Form):
    email = forms.CharField(label=_("E-mail address"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))


def _countries():
    return [("", _("— choose —")), *country_choices((get_language() or "vi")[:2])]


class ProfileForm(ServiceErrorsMixin, forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    pen_name = forms.CharField(label=_("Pen name"), max_length=200, required=False,
                               help_text=_("The name your works are published under, if not "
                                           "your own."))
    position = forms.CharField(label=_("Position"), max_length=200, required=False,
                               widget=forms.TextInput(attrs={"autocomplete":
                                                             "organization-title"}))
    workplace = forms.CharField(label=_("Workplace"), max_length=300, required=False,
                                widget=forms.TextInput(attrs={"autocomplete": "organization"}))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "tel",
                                                          "type": "tel"}))
    postal_address = forms.CharField(
        label=_("Postal address"), max_length=500, required=False,
        widget=forms.Textarea(attrs={"rows": 3, "autocomplete": "street-address"}))
    nationality = forms.ChoiceField(label=_("Nationality"), required=False, choices=_countries)
    residence = forms.ChoiceField(
        label=_("Where you live"), required=False,
        choices=[("", _("— choose —")), *Residence.choices])
    preferred_language = forms.ChoiceField(
        label=_("Language of our mail to you"),
        choices=[("vi", "Tiếng Việt"), ("en", "English")])

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in participants.PROFILE_FIELDS}


class EmailChangeForm(ServiceErrorsMixin, forms.Form):
    email = forms.CharField(label=_("New e-mail address"), max_length=254,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Your password"), strip=False,
        help_text=_("So that nobody else who finds your session open can take your account."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="password_incorrect")
        return password


class ErasureForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"), strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    confirm = forms.BooleanField(
        label=_("I understand that this closes my account and cannot be undone"))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError(_("This is not your password."), code="password_incorrect")
        return password


class SignInForm(AuthenticationForm):
    """Sign in with an e-mail address (or a username). An account whose address is not verified
    yet is told so, with a way to get the link again, once the password is right."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "unverified": _("Your e-mail address is not verified yet. Open the link we sent you, "
                        "or ask for a new one below."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        username.label = _("E-mail address or username")
        # Room for a whole e-mail address (usernames stop at 150 characters).
        username.max_length, username.validators = 254, []
        username.widget.attrs.update(maxlength="254", autocomplete="username")
        self.unverified_email = ""

    def clean(self):
        if self.cleaned_data.get("username"):
            self.cleaned_data["username"] = participants.account_for_sign_in(
                self.cleaned_data["username"])
        try:
            return super().clean()
        except ValidationError:
            pending = participants.pending_account(self.cleaned_data.get("username", ""),
                                                   self.cleaned_data.get("password", ""))
            if pending is None:
                raise
            self.unverified_email = pending.email
            raise ValidationError(self.error_messages["unverified"],
                                  code="unverified") from None
