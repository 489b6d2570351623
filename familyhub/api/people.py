"""API of the register for partner systems: search people, register a family, read a person.

The same checks and matching as the pages: searching goes through access.candidates (the
matching engine, then the access layer's minimal view, logged); registering calls the one service
people.services.family_register (which logs it); reading a person goes through the access layer
(channel "api"). Someone whose record the caller may not see cannot be put into a family here.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from familyhub.access import layer
from familyhub.access.candidates import find_candidates
from familyhub.accounts.models import User
from familyhub.accounts.roles import PRACTITIONER_ROLES, has_role
from familyhub.matching.search import search_candidates
from familyhub.people import services, validation
from familyhub.people.forms import MEMBER_ROLES, PARENT_RELATIONSHIPS
from familyhub.people.models import Person, Sex
from familyhub.people.selectors import current_household, registering_team
from familyhub.services.selectors import authority_of

# Token first, so that a request without credentials gets 401 with "WWW-Authenticate: Token"
# (a partner system's cue to sign in) rather than the 403 session authentication gives.
AUTHENTICATION = [TokenAuthentication, SessionAuthentication]


class PractitionerOnly:
    """Partner systems sign in as a practitioner account (session or token)."""

    @staticmethod
    def check(request: Request) -> None:
        from rest_framework.exceptions import PermissionDenied

        if not has_role(request.user, PRACTITIONER_ROLES) and not request.user.is_superuser:
            raise PermissionDenied("Your account's role may not use the register")


class CheckedDateField(serializers.DateField):
    def to_internal_value(self, value):
        try:
            return validation.parse_date(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages)


def _django_errors(error: DjangoValidationError) -> dict:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"non_field_errors": error.messages}


class SearchSerializer(serializers.Serializer):
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = CheckedDateField(required=False, allow_null=True)
    postcode = serializers.CharField(required=False, allow_blank=True, max_length=10)
    nhs_number = serializers.CharField(required=False, allow_blank=True, max_length=12)

    def validate_date_of_birth(self, value):
        return _run(validation.clean_date_of_birth, value)

    def validate_postcode(self, value):
        return _run(validation.clean_postcode, value)

    def validate_nhs_number(self, value):
        return _run(validation.clean_nhs_number, value)

    def validate(self, attrs):
        if not (attrs.get("family_name") or attrs.get("date_of_birth") or attrs.get("nhs_number")):
            raise serializers.ValidationError(
                {"family_name": ["Give a family name, a date of birth or an NHS number to search"]}
            )
        return attrs


def _run(fn, value):
    try:
        return fn(value)
    except DjangoValidationError as error:
        raise serializers.ValidationError(error.messages)


class CandidateSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)
    postcode_district = serializers.CharField()
    household_size = serializers.IntegerField()
    probability = serializers.FloatField()
    score = serializers.FloatField()
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.CharField(), help_text="field -> agree | close | differ | missing"
    )


class PersonSerializer(serializers.ModelSerializer):
    household = serializers.SerializerMethodField()

    class Meta:
        model = Person
        fields = [
            "public_id",
            "given_name",
            "family_name",
            "known_as",
            "date_of_birth",
            "expected_date_of_delivery",
            "is_unborn",
            "sex",
            "nhs_number",
            "upn",
            "ethnicity",
            "first_language",
            "interpreter_needed",
            "address_line1",
            "address_line2",
            "town",
            "postcode",
            "household",
        ]

    def get_household(self, person: Person) -> str | None:
        household = current_household(person)
        return str(household.public_id) if household else None


class MemberSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=MEMBER_ROLES)
    existing = serializers.UUIDField(
        required=False, allow_null=True, help_text="An existing person's public_id, to reuse"
    )
    given_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    family_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    known_as = serializers.CharField(required=False, allow_blank=True, max_length=100)
    date_of_birth = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    is_unborn = serializers.BooleanField(required=False, default=False)
    expected_date_of_delivery = serializers.CharField(
        required=False, allow_blank=True, allow_null=True
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    nhs_number = serializers.CharField(required=False, allow_blank=True)
    upn = serializers.CharField(required=False, allow_blank=True)
    ethnicity = serializers.CharField(required=False, allow_blank=True)
    first_language = serializers.CharField(required=False, allow_blank=True)
    relationship = serializers.ChoiceField(
        choices=PARENT_RELATIONSHIPS, required=False, default="parent"
    )
    parental_responsibility = serializers.BooleanField(required=False, default=True)
    create_new = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True after checking the candidates returned with a 409: this is a new person",
    )


class AddressSerializer(serializers.Serializer):
    line1 = serializers.CharField(max_length=160)
    line2 = serializers.CharField(required=False, allow_blank=True, max_length=160)
    town = serializers.CharField(required=False, allow_blank=True, max_length=80)
    postcode = serializers.CharField(max_length=10)

    def validate_postcode(self, value):
        return _run(lambda v: validation.clean_postcode(v, required=True), value)


class FamilySerializer(serializers.Serializer):
    address = AddressSerializer(required=False)
    members = MemberSerializer(many=True)

    def validate_members(self, value):
        if not value:
            raise serializers.ValidationError("Add at least one person")
        return value


PERSON_FIELDS = (
    "given_name",
    "family_name",
    "known_as",
    "date_of_birth",
    "is_unborn",
    "expected_date_of_delivery",
    "sex",
    "nhs_number",
    "upn",
    "ethnicity",
    "first_language",
)


class PersonViewSet(viewsets.GenericViewSet):
    """People on the register: read one (if your service is involved) and search for duplicates."""

    access_checked = True  # every person comes through the access layer
    authentication_classes = AUTHENTICATION
    serializer_class = PersonSerializer
    lookup_field = "public_id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    # Each action takes **suffix: the router's format-suffix routes (/api/people/<id>.json) pass
    # format=..., which DRF has already used to choose the renderer.

    def get_queryset(self):
        return layer.visible_people(self.request.user)

    @extend_schema(
        responses={200: PersonSerializer, 404: OpenApiResponse(description="Absent or not yours")}
    )
    def retrieve(self, request: Request, public_id: str | None = None, **suffix) -> Response:
        PractitionerOnly.check(request)
        person = layer.person_for_viewer(
            request.user, str(public_id), purpose="Partner system read", channel="api"
        )
        if str(person.public_id) != str(public_id):
            response = Response(status=status.HTTP_301_MOVED_PERMANENTLY)
            response["Location"] = reverse("api:person-detail", args=[person.public_id])
            return response
        return Response(PersonSerializer(person).data)

    @extend_schema(
        parameters=[SearchSerializer],
        responses={
            200: CandidateSerializer(many=True),
            400: OpenApiResponse(description="Bad input, by field"),
        },
    )
    # Not paginated: the answer is a short list, best first (the schema said paginated before;
    # found by schemathesis).
    @action(detail=False, methods=["get"], pagination_class=None)
    def search(self, request: Request, **suffix) -> Response:
        """Possible matches for a person's details, best first: the minimal view only."""
        PractitionerOnly.check(request)
        query = SearchSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        found = find_candidates(request.user, channel="api", **query.validated_data)
        return Response(CandidateSerializer(found, many=True).data)


class FamilyViewSet(viewsets.GenericViewSet):
    """Register a family once: the same service, checks and matching as the registration pages."""

    access_checked = True
    authentication_classes = AUTHENTICATION
    serializer_class = FamilySerializer

    def get_queryset(self):
        return Person.objects.none()

    @extend_schema(
        request=FamilySerializer,
        responses={
            201: inline_serializer(
                "FamilyRegistered",
                {
                    "household": serializers.UUIDField(),
                    "card_number": serializers.CharField(),
                    "people": serializers.ListField(child=serializers.UUIDField()),
                    "created": serializers.ListField(child=serializers.UUIDField()),
                    "reused": serializers.ListField(child=serializers.UUIDField()),
                },
            ),
            400: OpenApiResponse(
                description="Bad input: messages by field, e.g. members[0].date_of_birth"
            ),
            409: OpenApiResponse(
                description="Possible duplicates: choose `existing` or set `create_new`"
            ),
        },
    )
    def create(self, request: Request, **suffix) -> Response:
        PractitionerOnly.check(request)
        body = FamilySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        members = [
            services.FamilyMember(
                role=item["role"],
                existing=item.get("existing"),
                fields={name: item.get(name) for name in PERSON_FIELDS if name in item},
                relationship=item.get("relationship") or "parent",
                parental_responsibility=item.get("parental_responsibility", True),
                create_new=item.get("create_new", False),
            )
            for item in data["members"]
        ]
        authority = authority_of(request.user)
        if authority is None:
            return Response({"detail": "Your account is not in a team"}, status=403)

        try:
            result = services.family_register(
                authority=authority,
                by=cast(User, request.user),  # IsAuthenticated let only staff through
                members=members,
                team=registering_team(request.user),
                address=data.get("address"),
                resolve_existing=lambda public_id: layer.person_for_viewer(
                    request.user, public_id, purpose="Register a family (API)", channel="api"
                ),
                search=search_candidates,
                channel="api",
            )
        except services.PossibleDuplicates as possible:
            shown = {}
            for index in possible.matches:
                fields = members[index].fields
                shown[f"members[{index}]"] = CandidateSerializer(
                    find_candidates(
                        request.user,
                        given_name=fields.get("given_name") or "",
                        family_name=fields.get("family_name") or "",
                        date_of_birth=validation.parse_date(fields.get("date_of_birth")),
                        postcode=(data.get("address") or {}).get("postcode", ""),
                        nhs_number=validation.clean_nhs_number(fields.get("nhs_number") or ""),
                        channel="api",
                    ),
                    many=True,
                ).data
            return Response(
                {"detail": "Some people may already be registered", "candidates": shown},
                status=status.HTTP_409_CONFLICT,
            )
        except DjangoValidationError as error:
            return Response(_django_errors(error), status=status.HTTP_400_BAD_REQUEST)
        except Http404:
            return Response({"members": ["That existing person cannot be chosen"]}, status=400)
        return Response(
            {
                "household": str(result.household.public_id),
                "card_number": result.household.card_number,
                "people": [str(p.public_id) for p in result.people],
                "created": [str(p.public_id) for p in result.created],
                "reused": [str(p.public_id) for p in result.reused],
            },
            status=status.HTTP_201_CREATED,
        )


def register(router) -> None:
    router.register("people", PersonViewSet, basename="person")
    router.register("families", FamilyViewSet, basename="family")
