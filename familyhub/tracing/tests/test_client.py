"""The PDS client against the stand-in, which answers as the published API and its sandbox do."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from familyhub.tracing.pds import Credentials, PdsClient, PdsError, PdsUnavailable, forget_tokens
from familyhub.tracing.standin import StandIn


def client_for(standin: StandIn, **extra) -> PdsClient:
    return PdsClient(Credentials(base_url=standin.base_url, timeout=1, **extra))


def test_one_match_is_the_sandbox_patient_with_its_verification_status(standin):
    result = client_for(standin).search(
        family="Smith", given="Jane", gender="female", birth_date="2010-10-22", postcode="LS1 6AE"
    )
    assert result.patient is not None and not result.multiple
    assert result.patient.nhs_number == "9000000009"
    assert result.patient.verification == "01"
    assert result.patient.score == 1.0
    sent = standin.requests[-1]
    assert sent["params"]["_max-results"] == ["1"]  # application-restricted: one match or none
    assert sent["params"]["birthdate"] == ["eq2010-10-22"]
    uuid.UUID(sent["headers"]["x-request-id"])  # the mandatory header, a UUID


def test_multiple_matches_are_too_many_matches_not_a_list(standin):
    # The sandbox's own scenario: Jane Smith and Jayne Smyth both match "Sm*", female, 2010-10-22.
    result = client_for(standin).search(family="Sm*", gender="female", birth_date="2010-10-22")
    assert result.patient is None and result.multiple


def test_no_match_is_an_empty_searchset(standin):
    result = client_for(standin).search(family="Nobody", birth_date="1999-01-01")
    assert result.patient is None and not result.multiple


def test_fuzzy_search_finds_a_homophone_with_a_lower_score(standin):
    standin.add_patient(
        "9449304424", family="Smith", given="Aisha", birth_date="2020-01-02", gender="female"
    )
    plain = client_for(standin).search(family="Smythe", given="Aisha", birth_date="2020-01-02")
    fuzzy = client_for(standin).search(
        family="Smythe", given="Aisha", birth_date="2020-01-02", fuzzy=True
    )
    assert plain.patient is None
    assert fuzzy.patient is not None and fuzzy.patient.nhs_number == "9449304424"
    assert fuzzy.patient.score < 1


def test_restricted_patient_comes_without_address(standin):
    result = client_for(standin).search(family="Smythe", given="Janet", birth_date="2005-06-16")
    assert result.patient is not None and result.patient.restricted
    assert result.patient.postcode == ""
    # A postcode in the search never finds a restricted patient, as the specification says.
    assert (
        client_for(standin)
        .search(family="Smythe", given="Janet", birth_date="2005-06-16", postcode="LS1 6AE")
        .patient
        is None
    )


def test_retrieve_verifies_a_number_and_knows_unknown_and_superseded_ones(standin):
    client = client_for(standin)
    patient = client.retrieve("9000000009")
    assert patient is not None and patient.family_name == "Smith"
    assert client.retrieve("9449305552") is None  # valid, but PDS holds no such record
    standin.supersede("9449305552", "9000000009")
    assert client.retrieve("9449305552").nhs_number == "9000000009"
    with pytest.raises(PdsError) as invalid:
        client.retrieve("1234567890")  # fails the check digit: 400 INVALID_RESOURCE_ID
    assert invalid.value.code == "INVALID_RESOURCE_ID" and invalid.value.status == 400


@pytest.mark.parametrize("status", [401, 403, 429, 500, 503])
def test_refusals_are_unavailable_to_try_later(standin, status):
    standin.refuse(status, retry_after=7)
    with pytest.raises(PdsUnavailable) as refused:
        client_for(standin).retrieve("9000000009")
    assert refused.value.status == status
    if status == 429:
        assert refused.value.code == "TOO_MANY_REQUESTS" and refused.value.retry_after == 7


def test_a_hanging_service_is_a_time_out_not_a_wait(standin):
    standin.hang(30)
    with pytest.raises(PdsUnavailable, match="did not answer within 1 s"):
        client_for(standin).retrieve("9000000009")
    standin.behave()


def test_unreachable_and_unconfigured_are_unavailable():
    with pytest.raises(PdsUnavailable, match="could not be reached"):
        PdsClient(Credentials(base_url="http://127.0.0.1:9", timeout=1)).retrieve("9000000009")
    with pytest.raises(PdsUnavailable, match="FAMILYHUB_PDS_BASE_URL"):
        PdsClient(Credentials(base_url="")).retrieve("9000000009")


def _raw(standin: StandIn, path: str, headers: dict[str, str]):
    request = urllib.request.Request(standin.base_url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _code(body) -> str:
    return body["issue"][0]["details"]["coding"][0]["code"]


def test_the_standin_checks_headers_and_parameters_as_the_sandbox_does(standin):
    request_id = {"X-Request-ID": str(uuid.uuid4())}
    status, body = _raw(standin, "/Patient/9000000009", {})
    assert (status, _code(body)) == (400, "MISSING_VALUE")
    status, body = _raw(standin, "/Patient/9000000009", {"X-Request-ID": "not-a-uuid"})
    assert (status, _code(body)) == (400, "INVALID_VALUE")
    status, body = _raw(
        standin, "/Patient?family=Smith&birthdate=eq2010-10-22&colour=red", request_id
    )
    assert (status, _code(body)) == (400, "ADDITIONAL_PROPERTIES")
    status, body = _raw(standin, "/Patient?family=Smith&birthdate=22-10-2010", request_id)
    assert (status, _code(body)) == (400, "INVALID_VALUE")
    status, body = _raw(standin, "/Patient?birthdate=eq2010-10-22", request_id)
    assert (status, _code(body)) == (400, "INVALID_SEARCH_DATA")
    status, body = _raw(
        standin, "/Patient?family=Smith&birthdate=eq2010-10-22&_max-results=5", request_id
    )
    assert (status, _code(body)) == (403, "INVALID_VALUE")
    status, body = _raw(standin, "/Patient/9000000009", {**request_id, "Authorization": "Basic x"})
    assert (status, _code(body)) == (401, "ACCESS_DENIED")


@pytest.fixture
def keys():
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = (
        private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )
    return pem, public


def test_signed_jwt_sign_in_then_bearer_token(keys):
    private, public = keys
    forget_tokens()
    with StandIn(require_token=True, api_key="app-key", key_id="test-1", public_key=public) as pds:
        client = client_for(
            pds, token_url=pds.token_url, api_key="app-key", key_id="test-1", private_key=private
        )
        assert client.retrieve("9000000009").nhs_number == "9000000009"
        client.retrieve("9000000009")
        posts = [r for r in pds.requests if r["method"] == "POST"]
        assert len(posts) == 1  # the token is kept until it expires
        assert pds.requests[-1]["headers"]["authorization"].startswith("Bearer ")
        # Without a token the stand-in refuses, as PDS does outside the sandbox.
        assert _raw(pds, "/Patient/9000000009", {"X-Request-ID": str(uuid.uuid4())})[0] == 401
    forget_tokens()


def test_the_client_assertion_has_the_claims_the_platform_checks(keys):
    private, public = keys
    from familyhub.tracing.pds import client_assertion

    credentials = Credentials(
        base_url="x",
        token_url="https://api.service.nhs.uk/oauth2/token",
        api_key="k",
        key_id="kid-1",
        private_key=private,
    )
    token = client_assertion(credentials, now=1_700_000_000)
    assert jwt.get_unverified_header(token) == {"alg": "RS512", "kid": "kid-1", "typ": "JWT"}
    claims = jwt.decode(
        token,
        public,
        algorithms=["RS512"],
        audience=credentials.token_url,
        options={"verify_exp": False},
    )
    assert claims["iss"] == claims["sub"] == "k"
    assert claims["exp"] - 1_700_000_000 == 300
    uuid.UUID(claims["jti"])


def test_a_wrong_key_is_refused_at_sign_in(keys):
    _, public = keys
    other = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    forget_tokens()
    with StandIn(require_token=True, api_key="app-key", key_id="test-1", public_key=public) as pds:
        client = client_for(
            pds, token_url=pds.token_url, api_key="app-key", key_id="test-1", private_key=other
        )
        with pytest.raises(PdsUnavailable) as refused:
            client.retrieve("9000000009")
        assert refused.value.status == 401
    forget_tokens()


def test_requests_in_parallel_each_get_their_answer(standin):
    client = client_for(standin)
    answers: list[str] = []

    def ask():
        answers.append(client.retrieve("9000000009").nhs_number)

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == ["9000000009"] * 5
