from allauth.account import forms as allauth_forms
from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from territoire.errors import Refused
from territoire.models import User


def apply_refusal(form: forms.BaseForm, refusal: Refused) -> None:
    """Show a domain refusal the one way forms show it: on its field when the form has that
    field, else for the whole form. What the person typed stays."""
    target = refusal.field if refusal.field in form.fields else None
    form.add_error(target, str(refusal))


class AccountSetupForm(forms.Form):
    """What an invitee types to set up their account. The password is optional."""

    full_name = forms.CharField(label=_("Votre nom complet"), max_length=150)
    password1 = forms.CharField(
        label=_("Mot de passe (facultatif)"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Laissez vide pour vous connecter avec un code reçu par e-mail à chaque visite."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmez le mot de passe"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_full_name(self) -> str:
        name = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."))
        return name

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        password1: str = cleaned.get("password1") or ""
        password2: str = cleaned.get("password2") or ""
        if password1 or password2:
            if password1 != password2:
                self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
            else:
                candidate = User(email=self.email, full_name=cleaned.get("full_name", ""))
                try:
                    password_validation.validate_password(password1, candidate)
                except forms.ValidationError as error:
                    self.add_error("password1", error)
        return cleaned


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in form, with the words the rest of the site uses."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Adresse e-mail")


class RequestLoginCodeForm(allauth_forms.RequestLoginCodeForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = _("Adresse e-mail")
