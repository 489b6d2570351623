from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from familyhub.accounts.forms import SignInForm, TokenForm
from familyhub.accounts.models import is_two_factor_verified


@method_decorator(login_not_required, name="dispatch")
class SignInView(auth_views.LoginView):
    template_name = "accounts/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/signed_out.html"


def _qr_svg(device: TOTPDevice) -> str:
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def two_factor(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app (first time) or enter a code from it (every sign-in)."""
    user = request.user
    if is_two_factor_verified(user):
        return redirect("home")
    confirmed = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    if confirmed is not None:
        form = TokenForm(request.POST or None, device=confirmed)
        if request.method == "POST" and form.is_valid():
            otp_login(request, confirmed)
            return redirect("home")
        return render(request, "accounts/two_factor_verify.html", {"form": form})

    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TokenForm(request.POST or None, device=device)
    if request.method == "POST" and form.is_valid():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        return redirect("home")
    secret = base64.b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr_svg": _qr_svg(device), "secret": secret},
    )
