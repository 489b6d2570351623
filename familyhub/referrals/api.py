"""Referrals through the API (DRF, token or session). The same service as the form checks the
input, so the API accepts exactly what the form accepts.

    GET  /referrals/api/referrals/            referrals the caller may see (paginated)
    POST /referrals/api/referrals/            make a referral; `person` is a public id from the
                                              register, `to_service` a service's (the front door
                                              when left out)
    GET  /referrals/api/referrals/<uuid>/     one referral
    GET  /referrals/api/services/             the council's directory of services to refer to
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response

from familyhub.access import layer
from familyhub.access.layer import no_person_data, person_view
from familyhub.accounts.models import User
from familyhub.people.models import Person
from familyhub.referrals import selectors, services
from familyhub.referrals.models import Consent, Referral, ReferrerKind, SentBy, Urgency
from familyhub.referrals.needs import Need
from familyhub.services.models import Service
from familyhub.services.selectors import authority_of


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
    to_service = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The receiving service's id (GET /referrals/api/services/); the front door if left out",
    )
    sent_by = serializers.ChoiceField(
        choices=SentBy.choices,
        required=False,
        allow_blank=True,
        help_text="For a service not on Familyhub: a letter or secure email",
    )


class ReferralOutSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="public_id")
    person = serializers.UUIDField(source="person.public_id")
    level = serializers.CharField(source="level.level", default=None)
    allocated_team = serializers.CharField(source="allocated_team.name", default=None)
    to_service = serializers.CharField(source="owning_service.name")
    from_service = serializers.CharField(source="from_service.name", default=None)

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
            "to_service",
            "from_service",
            "first_contact_due_at",
            "first_contact_on",
        ]


@extend_schema(
    methods=["GET"],
    operation_id="referrals_list",
    # Paginated like every list (PageNumberPagination): the schema says so (found by schemathesis).
    responses=inline_serializer(
        name="PaginatedReferralOutList",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": ReferralOutSerializer(many=True),
        },
    ),
    summary="Referrals the caller may see, newest first",
)
@extend_schema(
    methods=["POST"],
    operation_id="referrals_create",
    request=ReferralInSerializer,
    responses={201: ReferralOutSerializer, 400: OpenApiResponse(description="Bad input, by field")},
    summary="Refer a person in the register to a service (the front door by default)",
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
        to_service = data.pop("to_service", None)
        if to_service is not None:
            data["to_service"] = Service.objects.filter(
                public_id=to_service, authority_id=person.authority_id
            ).first()
            if data["to_service"] is None:
                return Response(
                    {"to_service": ["No service with this id in the person's council."]},
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


@extend_schema(
    operation_id="referrals_retrieve",
    responses={200: ReferralOutSerializer, 404: OpenApiResponse(description="Absent or not yours")},
)
@login_not_required
@person_view
@api_view(["GET"])
def referral_detail(request: Request, public_id) -> Response:
    referral = layer.record_for_viewer(
        request.user, Referral, public_id, purpose="Read a referral (API)", channel="api"
    )
    return Response(ReferralOutSerializer(referral).data)


class DirectoryEntrySerializer(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    on_familyhub = serializers.BooleanField(
        help_text="False: a partner reached by letter or secure email (sent_by)"
    )


@extend_schema(
    operation_id="referral_services_list",
    responses=DirectoryEntrySerializer(many=True),
    summary="The services of the caller's council a referral can go to, the front door first",
)
@login_not_required
@no_person_data("A directory of services")
@api_view(["GET"])
def service_directory(request: Request) -> Response:
    authority = authority_of(request.user)
    if authority is None:
        return Response([])
    directory = selectors.receiving_services(authority.pk)
    external = selectors.external_service_ids(directory)
    for service in directory:
        service.on_familyhub = service.pk not in external
    return Response(DirectoryEntrySerializer(list(directory), many=True).data)
