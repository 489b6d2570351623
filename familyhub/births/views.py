"""The births pages (the queue a health visiting team leader resolves) and the endpoint a
system posts NHS event messages to."""

from __future__ import annotations

import hmac
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from familyhub.access import layer
from familyhub.accounts.http import AuthenticatedRequest
from familyhub.accounts.roles import has_role
from familyhub.births import selectors, services
from familyhub.births.forms import ResolveForm
from familyhub.births.models import Channel, MessageStatus, QueueReason, ReceivedMessage
from familyhub.births.nems import BIRTH
from familyhub.births.permissions import QUEUE_ROLES, can_work_queue
from familyhub.births.tasks import apply_received

PURPOSE = "Resolve an NHS birth or newborn event message"
CHOOSE_LABELS: dict[str, str] = {
    QueueReason.UNCERTAIN_BABY: "This is the baby: use their record",
    QueueReason.UNKNOWN_CHILD: "This is the child",
}
CREATE_LABELS: dict[str, str] = {
    QueueReason.UNCERTAIN_BABY: "None of them: add the baby to the register",
}


def _require_queue_worker(request: AuthenticatedRequest) -> None:
    if not can_work_queue(request.user):
        raise PermissionDenied


@layer.person_view
def queue(request: AuthenticatedRequest) -> HttpResponse:
    if not has_role(request.user, QUEUE_ROLES):
        raise PermissionDenied
    if not can_work_queue(request.user):
        # A team leader of another service follows the menu here: say whose queue it is.
        return render(request, "births/not_yours.html")
    page = Paginator(selectors.queue(request.user), 25).get_page(request.GET.get("page"))
    rows = [{"message": m, "summary": selectors.summary(m)} for m in page]
    births = list(selectors.recent_births(request.user, limit=10))
    layer.log_shown(request.user, [b.person for b in births], purpose="Births notified")
    return render(
        request,
        "births/queue.html",
        {
            "page": page,
            "rows": rows,
            "births": births,
            "counts": selectors.counts(request.user),
        },
    )


def _decisions(message: ReceivedMessage, candidates: list) -> list[tuple[str, str]]:
    choices = []
    if candidates:
        who = "the mother" if message.event == BIRTH else "the child"
        choices.append(
            (ResolveForm.CHOOSE, CHOOSE_LABELS.get(message.reason, f"Choose {who} from below"))
        )
    if message.event == BIRTH and message.reason in (
        QueueReason.UNKNOWN_MOTHER,
        QueueReason.UNCERTAIN_MOTHER,
        QueueReason.UNCERTAIN_BABY,
    ):
        choices.append(
            (
                ResolveForm.CREATE,
                CREATE_LABELS.get(message.reason, "She is not on the register: add her"),
            )
        )
    choices.append((ResolveForm.REJECT, "Reject the message (it is kept, with your reason)"))
    return choices


def _candidate_label(person, probability: float) -> str:
    born = (
        f"born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else "birth date not known"
    )
    parts = [person.display_name, born, person.postcode or "no postcode"]
    if person.nhs_number:
        parts.append(f"NHS number {person.nhs_number}")
    return f"{', '.join(parts)} ({probability:.0%} match)"


@layer.person_view
def message(request: AuthenticatedRequest, public_id: uuid.UUID) -> HttpResponse:
    _require_queue_worker(request)
    item = get_object_or_404(selectors.messages_for(request.user), public_id=public_id)
    if item.person is not None and not layer.can_see(request.user, item.person):
        # Applied, it is about someone on the register: their record's rules decide.
        raise Http404("No such message")
    probability = {int(c["person_id"]): float(c["probability"]) for c in item.candidates}
    candidates = layer.match_candidates(
        request.user, list(probability), purpose=PURPOSE, channel="page"
    )
    if item.person_id:
        layer.log_shown(request.user, [item.person], purpose=PURPOSE)
    form = ResolveForm(
        request.POST or None,
        decisions=_decisions(item, candidates),
        people=[(str(p.public_id), _candidate_label(p, probability[p.pk])) for p in candidates],
    )
    if request.method == "POST" and item.status == MessageStatus.QUEUED and form.is_valid():
        try:
            item = _resolve(request, item, form.cleaned_data, candidates)
        except ValidationError as error:
            form.apply_errors(error)
        else:
            if item.status == MessageStatus.QUEUED:
                messages.info(request, f"Still waiting: {item.get_reason_display()}.")
                return redirect("births:message", item.public_id)
            messages.success(request, f"Done: {item.get_status_display().lower()}.")
            return redirect("births:queue")
    return render(
        request,
        "births/message.html",
        {
            "item": item,
            "summary": selectors.summary(item),
            "form": form,
            "open": item.status == MessageStatus.QUEUED,
        },
    )


def _resolve(request: AuthenticatedRequest, item: ReceivedMessage, data: dict, candidates: list):
    decision = data["decision"]
    if decision == ResolveForm.CHOOSE:
        chosen = next((p for p in candidates if str(p.public_id) == data["person"]), None)
        if chosen is None:
            raise ValidationError({"person": ["Choose one of the people listed"]})
        return services.resolve_choose(message=item, person=chosen, by=request.user)
    if decision == ResolveForm.CREATE:
        return services.resolve_create(message=item, by=request.user)
    return services.resolve_reject(message=item, by=request.user, note=data["note"])


# --- the endpoint --------------------------------------------------------------------------


def _authorised(request: HttpRequest) -> bool:
    """A system's credential: `Authorization: Bearer <FAMILYHUB_BIRTHS_ENDPOINT_TOKEN>`. With
    no token configured nobody is let in."""
    expected = settings.FAMILYHUB_BIRTHS_ENDPOINT_TOKEN
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(expected)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), expected.encode())
    )


@csrf_exempt
@login_not_required
@layer.no_person_data("Takes NHS event messages in; answers with the message's id and state")
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    if not _authorised(request):
        response = JsonResponse({"error": "A valid bearer token is required"}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="familyhub-births"'
        return response
    if not request.body:
        return JsonResponse({"error": "The request has no message in its body"}, status=400)
    stored, created = services.receive(request.body, channel=Channel.HTTP)
    if created:
        apply_received.enqueue()
    return JsonResponse(
        {"message_id": stored.message_id, "status": stored.status, "stored": created},
        status=202 if created else 200,
    )
