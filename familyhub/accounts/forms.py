from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from familyhub.accounts.roles import Role
from familyhub.core.forms import GovukErrorsMixin, GovukForm


class SignInForm(GovukErrorsMixin, AuthenticationForm):
    username = forms.CharField(label="Username", max_length=150)
    password = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)

    error_messages = {
        "invalid_login": "Enter a correct username and password.",
        "inactive": "This account is inactive. Ask your administrator.",
        "family": "This is the sign-in for staff. Family members sign in at /family/.",
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if user.role == Role.FAMILY:
            # A family account never signs in here, even if someone gave it a password.
            raise forms.ValidationError(self.error_messages["family"], code="family")


class TokenForm(GovukForm):
    token = forms.CharField(
        label="Security code",
        help_text="The 6-digit code from your authenticator app.",
        min_length=6,
        max_length=8,
    )

    def __init__(self, *args, device=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("Enter the security code using numbers only.")
        if self.device is None or not self.device.verify_token(token):
            raise forms.ValidationError("The security code is wrong or has expired. Try again.")
        return token
