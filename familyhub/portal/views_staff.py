"""Reception's side of the family's door (under /family-accounts/): the family members waiting
to be confirmed, matched against the register through the access layer's minimal view and
confirmed in person or by a check question."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from familyhub.access import layer
from familyhub.access.candidates import find_candidates
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import PRACTITIONER_ROLES, require_role
from familyhub.people.services import PossibleDuplicates
from familyhub.portal import services
from familyhub.portal.forms import ConfirmLinkForm, ConfirmRegistrationForm, DeclineForm
from familyhub.portal.models import LinkRequest, RequestStatus, SelfRegistration

CONFIRM_ROLES = PRACTITIONER_ROLES


@require_role(CONFIRM_ROLES)
def worklist(request: AuthenticatedRequest):
    return render(
        request,
        "portal/staff/worklist.html",
        {
            "link_requests": LinkRequest.objects.filter(
                status=RequestStatus.WAITING
            ).select_related("account"),
            "registrations": SelfRegistration.objects.filter(
                status=RequestStatus.WAITING
            ).prefetch_related("people"),
        },
    )


def _waiting(model, public_id):
    return get_object_or_404(model, public_id=public_id, status=RequestStatus.WAITING)


@require_role(CONFIRM_ROLES)
@layer.person_view
def link_request(request: AuthenticatedRequest, public_id):
    row = _waiting(LinkRequest, public_id)
    candidates = find_candidates(
        request.user,
        given_name=row.given_name,
        family_name=row.family_name,
        date_of_birth=row.date_of_birth,
        postcode=row.postcode,
    )
    form = ConfirmLinkForm(
        request.POST if request.method == "POST" else None, candidates=candidates
    )
    decline = DeclineForm(prefix="decline")
    if request.method == "POST" and form.is_valid():
        try:
            person = layer.person_for_viewer(
                request.user, form.cleaned_data["person"], purpose="Confirm a family account"
            )
        except Http404:
            form.add_error(
                "person",
                "This record is not shared with your service. Register them with your team "
                "first, then confirm the account",
            )
        else:
            try:
                services.link_request_confirm(
                    request=row,
                    staff_user=request.user,
                    person=person,
                    how_confirmed=form.cleaned_data["how_confirmed"],
                )
            except (ValidationError, PermissionDenied) as error:
                form.add_error("person", _message(error))
            else:
                messages.success(request, f"The account is linked to {person.display_name}.")
                return redirect("portal_staff:worklist")
    return render(
        request,
        "portal/staff/link_request.html",
        {"row": row, "form": form, "decline": decline, "candidates": candidates},
    )


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@require_role(CONFIRM_ROLES)
def decline(request: AuthenticatedRequest, kind: str, public_id):
    model = {"link": LinkRequest, "registration": SelfRegistration}.get(kind)
    if model is None:
        raise Http404
    row = _waiting(model, public_id)
    form = DeclineForm(request.POST if request.method == "POST" else None, prefix="decline")
    if request.method == "POST" and form.is_valid():
        try:
            services.request_decline(
                request=row, staff_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.apply_errors(error)
        else:
            messages.success(request, "The family will see that it could not be confirmed.")
            return redirect("portal_staff:worklist")
    return render(request, "portal/staff/decline.html", {"row": row, "form": form})


@require_role(CONFIRM_ROLES)
@layer.person_view
def registration(request: AuthenticatedRequest, public_id):
    row = _waiting(SelfRegistration, public_id)
    members = list(row.people.all())
    rows = [
        (
            member,
            find_candidates(
                request.user,
                given_name=member.given_name,
                family_name=member.family_name,
                date_of_birth=member.date_of_birth,
                postcode=row.postcode,
            )
            if member.date_of_birth
            else [],
        )
        for member in members
    ]
    form = ConfirmRegistrationForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.self_registration_confirm(
                registration=row,
                staff_user=request.user,
                choices=form.choices(),
                how_confirmed=form.cleaned_data["how_confirmed"],
            )
        except PossibleDuplicates as possible:
            for index in possible.matches:
                form.add_error(
                    f"member_{members[index].pk}",
                    "This person may already be registered: choose their record, or say they "
                    "are new",
                )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, _message(error))
        else:
            messages.success(
                request,
                f"Registered {len(result.people)} people in household "
                f"{result.household.card_number}, and linked the account.",
            )
            return redirect("people:household", public_id=result.household.public_id)
    return render(
        request, "portal/staff/registration.html", {"row": row, "form": form, "rows": rows}
    )
