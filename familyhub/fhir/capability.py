"""The CapabilityStatement at /fhir/metadata: what the server reads and searches, the UK Core
profile of each resource, and how a system signs in. Open to anyone; it holds no one's data."""

from __future__ import annotations

from django.conf import settings

from familyhub.fhir import profiles as p
from familyhub.fhir import rules
from familyhub.fhir.resources import KINDS

RELEASED = "2026-12-04"


def statement(base_url: str) -> dict:
    resources = []
    for name, kind in KINDS.items():
        profile_name = p.RESOURCE_PROFILES[name]
        entry = {
            "type": name,
            "profile": f"{p.profile(profile_name)}|{p.PROFILE_VERSIONS[profile_name]}",
            "documentation": kind.documentation,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": [
                {"name": param, "type": kind_type} for param, kind_type in kind.params.items()
            ]
            + [{"name": "_count", "type": "number"}],
        }
        if name == "Observation":
            entry["supportedProfile"] = [
                f"{p.profile(spec['profile'])}|{p.PROFILE_VERSIONS[spec['profile']]}"
                for spec in p.VITAL_SIGNS.values()
            ]
        resources.append(entry)
    resource = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": RELEASED,
        "publisher": settings.FAMILYHUB_COUNCIL_NAME or "Familyhub",
        "kind": "instance",
        "software": {"name": "Familyhub"},
        "implementation": {
            "description": f"{settings.FAMILYHUB_SERVICE_NAME or 'Familyhub'} FHIR API "
            f"({p.UK_CORE_RELEASE})",
            "url": base_url,
        },
        "fhirVersion": p.FHIR_VERSION,
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "documentation": "Read and search only. Each read goes through the data-sharing "
                "protocol as the client's service account and is logged.",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "OAuth",
                                }
                            ]
                        }
                    ],
                    "description": f"OAuth 2.0 client credentials: POST {base_url}token with "
                    "grant_type=client_credentials, client_id, client_secret and scope "
                    "(patient/*.read or patient/<Resource>.read); send the token as "
                    "'Authorization: Bearer <token>'.",
                },
                "resource": resources,
            }
        ],
    }
    rules.check_schema(resource)
    return resource
