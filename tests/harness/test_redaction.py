"""The AWS SDK's log records lose credentials, tokens, signatures and signed headers."""

from __future__ import annotations

import logging

import pytest

from iamspec.harness.backends.redaction import REDACTED, CredentialRedactor, redact_sdk_logs

TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENVALUE0123456789"
KEY_ID = "ASIAEXAMPLEKEYID0001"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SIG = "754747e8b7db06ae68a2e531042a623028709212a5d233383578ae2831544f90"


@pytest.mark.parametrize(
    "message",
    [
        # botocore.auth: the canonical request
        f"CanonicalRequest:\nPOST\n/\n\ncontent-type:application/x-www-form-urlencoded\n"
        f"host:iam.amazonaws.com\nx-amz-date:20261207T000000Z\nx-amz-security-token:{TOKEN}\n",
        # botocore.auth: the signature on its own line
        f"Signature:\n{SIG}",
        # botocore.endpoint: the prepared request's headers
        f"Sending http request: <AWSPreparedRequest headers={{'X-Amz-Security-Token': "
        f"b'{TOKEN}', 'Authorization': b'AWS4-HMAC-SHA256 Credential={KEY_ID}/20261207/"
        f"us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-security-token, "
        f"Signature={SIG}'}}>",
        # a presigned URL's query string
        f"GET /?X-Amz-Credential={KEY_ID}%2F20261207&X-Amz-Signature={SIG}&X-Amz-Security-Token="
        f"{TOKEN}",
    ],
)
def test_redacts_botocores_shapes(message):
    redactor = CredentialRedactor()
    redacted = redactor.redact(message)
    for value in (TOKEN, KEY_ID, SIG):
        assert value not in redacted
    assert REDACTED in redacted


def test_redacts_known_values_anywhere_and_keeps_the_rest():
    redactor = CredentialRedactor()
    redactor.add([SECRET, "testing", None])
    assert redactor.redact(f"a {SECRET} b") == f"a {REDACTED} b"
    assert redactor.redact("testing host:iam.amazonaws.com") == "testing host:iam.amazonaws.com"


def test_the_filter_is_on_every_sdk_logger_even_those_made_later(caplog):
    redact_sdk_logs([SECRET])
    late = logging.getLogger("botocore.made_after_the_client")
    redact_sdk_logs()
    with caplog.at_level("DEBUG"):
        late.debug("key %s token x-amz-security-token:%s", SECRET, TOKEN)
        logging.getLogger("urllib3.connectionpool").debug("%s", SECRET)
    assert SECRET not in caplog.text
    assert TOKEN not in caplog.text
    assert caplog.text.count(REDACTED) == 3
