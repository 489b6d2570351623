"""Referrals through the API (DRF, token or session). The same service as the form checks the
input, so the API accepts exactly what the form accepts.

    GET  /referrals/api/referrals/            referrals the caller may see (paginated)
    POST /referrals/api/referrals/            make a referral; `person` is a public id from the register
    GET  /referrals/api/referrals/<uuid>/     one referral
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from familyhub.access.layer import person_view
from familyhub.referrals import access, services
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
    user = request.user
    if request.method == "POST":
        incoming = ReferralInSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = dict(incoming.validated_data)
        try:
            person = access.person_to_refer(user, data.pop("person"), channel="api")
        except Http404:
            return Response(
                {"person": ["No person with this id in the register that you may refer."]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        try:
            referral = services.referral_create(person=person, recorded_by=user, **data)
        except ValidationError as error:
            return Response(error.message_dict, status=status.HTTP_400_BAD_REQUEST)
        access.log_person_access(
            user, [referral.person], action="create", purpose="referral", channel="api"
        )
        return Response(ReferralOutSerializer(referral).data, status=status.HTTP_201_CREATED)
    referrals = (
        access.referrals_for_viewer(user)
        .select_related("person", "level", "allocated_team")
        .order_by("-received_at")
    )
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(referrals, request)
    rows = list(page or [])
    if rows:
        access.log_person_access(
            user, [r.person for r in rows], action="read", purpose="referrals", channel="api"
        )
    return paginator.get_paginated_response(ReferralOutSerializer(rows, many=True).data)


@extend_schema(operation_id="referrals_retrieve", responses=ReferralOutSerializer)
@login_not_required
@person_view
@api_view(["GET"])
def referral_detail(request: Request, public_id) -> Response:
    referral = access.referral_for_viewer(request.user, public_id)
    access.log_person_access(
        request.user, [referral.person], action="read", purpose="referral", channel="api"
    )
    return Response(ReferralOutSerializer(referral).data)
