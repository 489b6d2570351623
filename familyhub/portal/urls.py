from __future__ import annotations

from django.urls import include, path

from familyhub.portal import views

app_name = "portal"

# The family's own pages live under /family/. Signing in, registering, asking for help and
# booking are here; the family's record (what is shared with them, who looked, consent, their
# data) is in urls_record.py.
urlpatterns: list = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-in/code/", views.code, name="code"),
    path("sign-in/passkey/options/", views.passkey_sign_in_options, name="passkey-sign-in-options"),
    path("sign-in/passkey/", views.passkey_sign_in, name="passkey-sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("passkeys/", views.passkey_list, name="passkeys"),
    path("passkeys/options/", views.passkey_register_options, name="passkey-options"),
    path("passkeys/add/", views.passkey_register, name="passkey-add"),
    path("link/", views.link_request, name="link"),
    path("register/", views.register, name="register"),
    path("help/", views.help_list, name="help"),
    path("help/new/", views.help_new, name="help-new"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<uuid:public_id>/book/", views.session_book, name="session-book"),
    path("bookings/", views.bookings, name="bookings"),
    path("bookings/<uuid:public_id>/cancel/", views.booking_cancel, name="booking-cancel"),
    path("record/", include("familyhub.portal.urls_record")),
]
