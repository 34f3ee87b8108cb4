"""No credential, token, signature or signed header in any log record of the AWS SDK.

At DEBUG, botocore logs each request it signs: the canonical request (with the
``x-amz-security-token`` header's value), the string to sign, the signature and the prepared
request's headers (``Authorization: AWS4-HMAC-SHA256 Credential=<access key id>/...,
Signature=...``, ``X-Amz-Security-Token``). pytest shows a failing test's captured log, writes
``--log-file`` and the JUnit XML, so a nightly run at ``--log-level=DEBUG`` would publish the
role's session token.

:class:`CredentialRedactor` is a :class:`logging.Filter` that rewrites each record's message
before any handler sees it: the values of the credentials in use (access key id, secret key,
session token) and, whatever they are, the values of the signed headers, ``Credential=`` and
``Signature=`` become ``[redacted]``. A logger's filters apply only to the records logged on
that logger, not to its children's, so :func:`redact_sdk_logs` attaches it to every logger of
botocore, boto3, urllib3 and s3transfer that exists (the API backends call it when they make
their client and before each request, as botocore creates some loggers lazily) and to those
modules' known logger names before they exist.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

__all__ = ["REDACTED", "CredentialRedactor", "redact_sdk_logs"]

REDACTED = "[redacted]"

_SDK_LOGGERS = ("botocore", "boto3", "urllib3", "s3transfer")
_KNOWN = (
    "botocore.auth",
    "botocore.awsrequest",
    "botocore.client",
    "botocore.credentials",
    "botocore.endpoint",
    "botocore.hooks",
    "botocore.httpsession",
    "botocore.parsers",
    "botocore.regions",
    "botocore.retryhandler",
    "botocore.retries.standard",
    "botocore.retries.adaptive",
    "botocore.utils",
    "urllib3.connectionpool",
)

# A header's value up to the end of its line, its quote or its dict entry, in the shapes
# botocore logs them: "x-amz-security-token:VALUE" (canonical request), "'X-Amz-Security-Token':
# b'VALUE'" (prepared request repr), "Authorization: ..." and the query-string forms.
_SECRET_HEADERS = r"x-amz-security-token|authorization|x-amz-credential|x-amz-signature"
_HEADER_VALUE = re.compile(
    rf"""(?ix)
    (?P<name>["']?(?:{_SECRET_HEADERS})["']?\s*[:=]\s*)
    (?P<value>b?'[^']*'|b?"[^"]*"|[^\s,&'"}}]+)
    """
)
_CREDENTIAL = re.compile(r"(Credential=)[^\s,'\"&]+", re.IGNORECASE)
_SIGNATURE = re.compile(r"(Signature=)[0-9a-fA-F]+", re.IGNORECASE)
_HEX_SIGNATURE_LINE = re.compile(r"(?m)^([0-9a-f]{64})$")
"""botocore.auth logs the signature alone on its line ("Signature:\\n<64 hex digits>")."""


class CredentialRedactor(logging.Filter):
    """Rewrites a record's message without the credentials and signatures in it."""

    def __init__(self) -> None:
        super().__init__()
        self._values: set[str] = set()

    def add(self, values: Iterable[str | None]) -> None:
        """Also redact these exact values (the credentials in use); short ones are ignored
        (moto's ``testing`` is no secret, and redacting it would garble every message)."""
        self._values.update(v for v in values if v and len(v) >= 12)

    def redact(self, text: str) -> str:
        for value in sorted(self._values, key=len, reverse=True):
            text = text.replace(value, REDACTED)
        text = _HEADER_VALUE.sub(lambda m: m["name"] + REDACTED, text)
        text = _CREDENTIAL.sub(rf"\1{REDACTED}", text)
        text = _SIGNATURE.sub(rf"\1{REDACTED}", text)
        return _HEX_SIGNATURE_LINE.sub(REDACTED, text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format: drop the arguments
            message = str(record.msg)
        redacted = self.redact(message)
        if redacted != message or record.args:
            record.msg, record.args = redacted, None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


_REDACTOR = CredentialRedactor()


def _sdk_loggers() -> list[logging.Logger]:
    names = set(_SDK_LOGGERS) | set(_KNOWN)
    names.update(
        name
        for name in list(logging.root.manager.loggerDict)
        if name.split(".", 1)[0] in _SDK_LOGGERS
    )
    return [logging.getLogger(name) for name in sorted(names)]


def redact_sdk_logs(credentials: Iterable[str | None] = ()) -> CredentialRedactor:
    """Attach the process's redactor to every AWS SDK logger (idempotent); ``credentials``
    are values to redact wherever they appear. Returns the redactor."""
    _REDACTOR.add(credentials)
    for logger in _sdk_loggers():
        if _REDACTOR not in logger.filters:
            logger.addFilter(_REDACTOR)
    return _REDACTOR
