from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from familyhub.core.models import Job


@login_not_required
def health(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: answers without a database query."""
    return JsonResponse({"status": "ok"})


def job_progress(request: HttpRequest, public_id) -> HttpResponse:
    """The progress page of a background job; only the person who started it may watch it."""
    job = get_object_or_404(Job, public_id=public_id, created_by=request.user)
    if request.GET.get("format") == "json":
        return JsonResponse(
            {
                "status": job.status,
                "percent": job.percent,
                "done": job.done,
                "total": job.total,
                "message": job.message,
                "result_url": job.result_url,
            }
        )
    return render(request, "core/job_progress.html", {"job": job})
