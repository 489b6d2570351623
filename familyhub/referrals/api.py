"""Referrals through the API (DRF, token or session). The same service as the form checks the
input, so the API accepts exactly what the form accepts.

    GET  /referrals/api/referrals/            referrals the caller may see (paginated)
    POST /referrals/api/referrals/            make a referral; `person` is a public id from the register
    GET  /referrals/api/referrals/<uuid>/     one referral
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from familyhub.access import layer
from familyhub.access.layer import person_view
from familyhub.accounts.models import User
from familyhub.people.models import Person
from familyhub.referrals import services
from familyhub.referrals.models import Consent, Referral, ReferrerKind, Urgency
from familyhub.referrals.needs import Need


class ReferralInSerializer(serializers.Serializer):
    person = serializers.UUIDField(help_text="The referred person's public id in the register")
    referrer_kind = serializers.ChoiceField(choices=ReferrerKind.choices)
    referrer_name = serializers.CharField(max_length=160)
    referrer_organisation = serializers.CharField(max_length=160, required=False, allow_blank=True)
    referrer_role = serializers.CharField(max_length=120, required=False, allow_blank=True)
    referrer_phone = serializers.CharField(max_length=40, required=False, allow_blank=True)
    referrer_email = serializers.EmailField(required=False, allow_blank=True)
    needs = serializers.ListField(
        child=serializers.ChoiceField(choices=Need.choices), required=False, default=list
    )
    concerns = serializers.CharField()
    consent = serializers.ChoiceField(choices=Consent.choices)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.STANDARD)


class ReferralOutSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    person = serializers.UUIDField(source="person.public_id")
    level = serializers.CharField(source="level.level", default=None)
    allocated_team = serializers.CharField(source="allocated_team.name", default=None)

    class Meta:
        model = Referral
        fields = [
            "id",
            "person",
            "referrer_kind",
            "referrer_name",
            "referrer_organisation",
            "referrer_role",
            "needs",
            "concerns",
            "consent",
            "urgency",
            "received_at",
            "decision_due_at",
            "status",
            "level",
            "decision_reason",
            "decided_at",
            "allocated_team",
        ]


@extend_schema(
    methods=["GET"],
    operation_id="referrals_list",
    responses=ReferralOutSerializer(many=True),
    summary="Referrals the caller may see, newest first",
)
@extend_schema(
    methods=["POST"],
    operation_id="referrals_create",
    request=ReferralInSerializer,
    responses={201: ReferralOutSerializer},
    summary="Refer a person in the register to the front door",
)
@login_not_required
@person_view
@api_view(["GET", "POST"])
def referral_list(request: Request) -> Response:
    user = cast(User, request.user)  # IsAuthenticated let only staff through
    if request.method == "POST":
        incoming = ReferralInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            person = layer.person_minimal(
                user, data.pop("person"), purpose="Make a referral (API)", channel="api"
            )
        except Http404:
            return Response(
                {"person": ["No person with this id in the register that you may refer."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            referral = services.referral_create(
                person=Person.objects.get(pk=person.pk), recorded_by=user, channel="api", **data
            )
        except ValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response(ReferralOutSerializer(referral).data, status=status.HTTP_201_CREATED)
    referrals = (
        layer.records_visible_to(user, Referral.objects.all())
        .select_related("person", "level", "allocated_team")
        .order_by("-received_at")
    )
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(referrals, request)
    rows = list(page or [])
    layer.log_shown(user, [r.person for r in rows], purpose="Referrals (API)", channel="api")
    return paginator.get_paginated_response(ReferralOutSerializer(rows, many=True).data)


@extend_schema(operation_id="referrals_retrieve", responses=ReferralOutSerializer)
@login_not_required
@person_view
@api_view(["GET"])
def referral_detail(request: Request, public_id) -> Response:
    referral = layer.record_for_viewer(
        request.user, Referral, public_id, purpose="Read a referral (API)", channel="api"
    )
    return Response(ReferralOutSerializer(referral).data)
