"""The notifications pages: a signed-in user's own notifications and their email choice. Thin:
read through the selectors, write through the services. Another user's notification answers
404, the same as one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from familyhub.core.pagination import Page
from familyhub.notifications import selectors, services
from familyhub.notifications.forms import PreferenceForm
from familyhub.notifications.models import Notification

PAGE_SIZE = 25


def _own(request: HttpRequest, public_id) -> Notification:
    return get_object_or_404(selectors.for_user(request.user), public_id=public_id)


def _back_to_list(request: HttpRequest) -> HttpResponse:
    """Back to the page of the list the button was on (the list shows the nearest page if it
    is now past the end)."""
    page = str(request.POST.get("page", ""))
    url = reverse("notifications:list")
    return redirect(f"{url}?page={int(page)}" if page.isdigit() and int(page) > 1 else url)


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    rows = selectors.for_user(request.user)
    page = Page.of(request.GET.get("page"), total=rows.count(), size=PAGE_SIZE)
    return render(
        request,
        "notifications/list.html",
        {"notifications": list(rows[page.start : page.end]), "page": page},
    )


@require_GET
def open_notification(request: HttpRequest, public_id) -> HttpResponse:
    """Follow a notification's link: it is marked read and the page it names opens."""
    notification = _own(request, public_id)
    services.mark_read(request.user, [notification.pk])
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:list")
    return HttpResponseRedirect(notification.url)


@require_POST
def read(request: HttpRequest, public_id) -> HttpResponse:
    notification = _own(request, public_id)
    if services.mark_read(request.user, [notification.pk]):
        messages.success(request, "Notification marked as read")
    return _back_to_list(request)


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
    return _back_to_list(request)


@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = PreferenceForm(request.POST)
        if form.is_valid():
            try:
                services.set_preference(
                    request.user,
                    email=form.cleaned_data["email"],
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                # The form shows the choice now saved's version, so saving again is possible.
                data = request.POST.copy()
                data["version"] = str(selectors.preference_of(request.user).version)
                form = PreferenceForm(data)
                form.is_valid()
                form.apply_errors(error)
            else:
                messages.success(request, "Your email choice has been saved")
                return redirect("notifications:preferences")
    else:
        current = selectors.preference_of(request.user)
        form = PreferenceForm(initial={"email": current.email, "version": current.version})
    status = 400 if request.method == "POST" else 200
    return render(request, "notifications/preferences.html", {"form": form}, status=status)
