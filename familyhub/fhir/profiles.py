"""The UK Core profiles the API claims, and the codes and URLs they fix.

Looked up in the UK Core STU3 sources, NHSDigital/FHIR-R4-UKCORE-STAGING-MAIN (package
UKCore.R4.STU.02.00.00, FHIR 4.0.1; read at commit 3d2827e3), structuredefinitions/, valuesets/
and codesystems/. Each profile's own version is the StructureDefinition's `version` there.

Resources are built and validated with fhir.resources 8.3.0's `fhir.resources.R4B` models: R4B
(4.3) is wire-compatible with R4 (4.0.1) for every resource served here, and the package ships
no R4 models. What the profiles add to the base resource (fixed systems, required elements,
fixed codes) is checked by familyhub.fhir.rules, since fhir.resources knows nothing of UK Core.

SNOMED CT: only the concepts UK Core itself lists in the value sets read here are used (vital
signs, BMI centile). Familyhub cannot ship the SNOMED CT UK edition (it is licensed through NHS
England's TRUD) and has no terminology server, so screening scores (Whooley, EPDS, ASQ-3),
review kinds and contact kinds are coded in Familyhub's own code systems below, with text.
"""

from __future__ import annotations

from typing import Any

UK_CORE_RELEASE = "UK Core STU3 (UKCore.R4.STU.02.00.00, FHIR R4 4.0.1)"
FHIR_VERSION = "4.0.1"
PROFILE_BASE = "https://fhir.hl7.org.uk/StructureDefinition/"

# Profile name -> the StructureDefinition version read.
PROFILE_VERSIONS = {
    "UKCore-Patient": "2.6.1",
    "UKCore-RelatedPerson": "2.5.0",
    "UKCore-Practitioner": "2.4.0",
    "UKCore-PractitionerRole": "2.4.0",
    "UKCore-Organization": "2.5.1",
    "UKCore-EpisodeOfCare": "2.2.0",
    "UKCore-ServiceRequest": "2.5.1",
    "UKCore-Encounter": "2.5.0",
    "UKCore-Observation": "2.5.0",
    "UKCore-Observation-VitalSigns-BodyWeight": "1.0.0",
    "UKCore-Observation-VitalSigns-BodyHeight": "1.1.1",
    "UKCore-Observation-VitalSigns-HeadCircumference": "1.0.0",
    "UKCore-Observation-VitalSigns-BMI": "1.0.0",
    "UKCore-Consent": "2.4.0",
    "UKCore-AuditEvent": "1.2.0",
}


def profile(name: str) -> str:
    return PROFILE_BASE + name


# Patient.identifier: the NHS number slice fixes its system, and its extension the status.
NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number"
NHS_NUMBER_STATUS_EXTENSION = PROFILE_BASE + "Extension-UKCore-NHSNumberVerificationStatus"
NHS_NUMBER_STATUS_EXTENSION_VERSION = "2.1.0"
NHS_NUMBER_STATUS_SYSTEM = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland"
)
# ValueSet-UKCore-NHSNumberVerificationStatus 2.2.0 (England's codes, code system 1.1.0).
NHS_NUMBER_STATUS_DISPLAY = {
    "01": "Number present and verified",
    "02": "Number present but not traced",
    "03": "Trace required",
    "04": "Trace attempted - No match or multiple match found",
    "05": "Trace needs to be resolved - (NHS number or patient detail conflict)",
    "06": "Trace in progress",
    "07": "Number not present and trace not required",
    "08": "Trace postponed (baby under six weeks old)",
}

SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
ROLE_CODE = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
ADDITIONAL_RELATIONSHIP = (
    "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdditionalPersonRelationshipRole"
)
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ENCOUNTER_LOCATION_TYPE = "https://fhir.hl7.org.uk/CodeSystem/UKCore-EncounterLocationTypeEngland"
EPISODE_OF_CARE_TYPE = "http://terminology.hl7.org/CodeSystem/episodeofcare-type"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONSENT_CATEGORY = "http://loinc.org"
AUDIT_EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
AUDIT_ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"

# Familyhub's own identifiers and code systems (URNs: they name, they do not point anywhere).
PERSON_ID_SYSTEM = "urn:familyhub:person"
RECORD_ID_SYSTEM = "urn:familyhub:record"
STAFF_ID_SYSTEM = "urn:familyhub:staff"
SERVICE_ID_SYSTEM = "urn:familyhub:service"
ONS_AUTHORITY_SYSTEM = "urn:familyhub:ons-authority-code"
ASSESSMENT_SYSTEM = "urn:familyhub:codesystem:assessment"
REVIEW_KIND_SYSTEM = "urn:familyhub:codesystem:review-kind"
CONTACT_KIND_SYSTEM = "urn:familyhub:codesystem:contact-kind"
ROLE_SYSTEM = "urn:familyhub:codesystem:role"
SERVICE_KIND_SYSTEM = "urn:familyhub:codesystem:service-kind"
CATEGORY_SYSTEM = "urn:familyhub:codesystem:record-category"

# The vital signs profiles fix a LOINC coding and require a SNOMED CT one (ValueSets
# UKCore-BodyWeightMeasurements 1.0.1, -BodyHeightMeasurements 1.0.2,
# -HeadCircumferenceMeasurements 1.0.1, -BMI 1.0.2), and fix the UCUM unit.
VITAL_SIGNS: dict[str, dict[str, Any]] = {
    "weight": {
        "profile": "UKCore-Observation-VitalSigns-BodyWeight",
        "loinc": ("29463-7", "Body weight"),
        "snomed": ("27113001", "Body weight"),
        "unit": ("kilogram", "kg"),
    },
    "height": {
        "profile": "UKCore-Observation-VitalSigns-BodyHeight",
        "loinc": ("8302-2", "Body height"),
        "snomed": ("50373000", "Body height measure"),
        "unit": ("centimeter", "cm"),
    },
    "head": {
        "profile": "UKCore-Observation-VitalSigns-HeadCircumference",
        "loinc": ("9843-4", "Head Occipital-frontal circumference"),
        "snomed": ("363812007", "Head circumference"),
        "unit": ("centimeter", "cm"),
    },
    "bmi": {
        "profile": "UKCore-Observation-VitalSigns-BMI",
        "loinc": ("39156-5", "Body mass index (BMI) [Ratio]"),
        "snomed": ("60621009", "Body mass index"),
        "unit": ("kilogram / (meter ^ 2)", "kg/m2"),
    },
}
# In ValueSet-UKCore-BMI: the BMI centile, given as a component of the BMI observation.
BMI_CENTILE = ("446974000", "BMI (body mass index) centile")

# Encounter.location.physicalType (preferred binding UKCore-EncounterLocationType, England's
# codes): where a contact or review took place.
LOCATION_TYPES = {
    "home": ("A01", "Patient's Home"),
    "family_hub": ("K01", "Sure Start Children's Centre"),
    "centre": ("K01", "Sure Start Children's Centre"),
    "clinic": ("B01", "Primary Care Health Centre"),
    "school": ("L01", "School"),
    "other": ("X01", "Other locations not elsewhere classified"),
}

# Household relationships (RelatedPerson.relationship, extensible binding
# UKCore-PersonRelationshipType: HL7 v3 RoleCode and UK Core's additional roles).
RELATIONSHIP_CODES = {
    "mother": (ROLE_CODE, "MTH", "mother"),
    "father": (ROLE_CODE, "FTH", "father"),
    "parent": (ROLE_CODE, "PRN", "parent"),
    "step_parent": (ROLE_CODE, "STPPRN", "step parent"),
    "carer": (ADDITIONAL_RELATIONSHIP, "Carer", "Carer of patient"),
    "foster_carer": (ADDITIONAL_RELATIONSHIP, "Carer", "Carer of patient"),
    "grandparent": (ROLE_CODE, "GRPRN", "grandparent"),
    "sibling": (ROLE_CODE, "SIB", "sibling"),
    "half_sibling": (ROLE_CODE, "HSIB", "half-sibling"),
    "partner": (ROLE_CODE, "SIGOTHR", "significant other"),
    "other": (ROLE_CODE, "FAMMEMB", "family member"),
}

# What a search bundle links to and what the CapabilityStatement lists.
RESOURCE_PROFILES = {
    "Patient": "UKCore-Patient",
    "RelatedPerson": "UKCore-RelatedPerson",
    "Practitioner": "UKCore-Practitioner",
    "PractitionerRole": "UKCore-PractitionerRole",
    "Organization": "UKCore-Organization",
    "EpisodeOfCare": "UKCore-EpisodeOfCare",
    "ServiceRequest": "UKCore-ServiceRequest",
    "Encounter": "UKCore-Encounter",
    "Observation": "UKCore-Observation",
    "Consent": "UKCore-Consent",
    "AuditEvent": "UKCore-AuditEvent",
}


def meta(profile_name: str, last_updated=None) -> dict:
    """meta.profile (with the version read, as a canonical's |version) and lastUpdated."""
    version = PROFILE_VERSIONS[profile_name]
    out: dict = {"profile": [f"{profile(profile_name)}|{version}"]}
    if last_updated is not None:
        out["lastUpdated"] = last_updated.isoformat()
    return out
