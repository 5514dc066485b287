"""draft-cavage-http-signatures-12: reading the ``Signature`` header and building the text
it signs, as Mastodon does (mastodon/mastodon app/controllers/concerns/
signature_verification.rb: its ``SignatureParamsParser`` and ``build_signed_string``).

Strict: a parameter given twice, an unquoted value other than a number, or text between
parameters is malformed; ``keyId`` and ``signature`` are required.
"""

import datetime as dt
import email.utils
import re
from urllib.parse import urlsplit

from turnout.federation.refusals import Refusal, SignatureRefused

_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*(?:"([^"\\]*)"|([0-9]+))\s*(?:,|$)')


def target(url: str) -> str:
    """``(request-target)``'s path and query, as the draft signs them."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def params(text: str) -> dict[str, str]:
    """The ``Signature`` header's parameters: {"keyId": …, "headers": …, …}."""
    text = text.strip()
    if text.startswith("Signature "):  # old node-http-signature's prefix, as Mastodon allows
        text = text[len("Signature ") :]
    parsed: dict[str, str] = {}
    position = 0
    while position < len(text):
        found = _PARAM.match(text, position)
        if not found or found.end() == position:
            raise SignatureRefused(Refusal.MALFORMED, 'Signature is not a list of name="value"')
        name = found.group(1)
        if name in parsed:
            raise SignatureRefused(Refusal.MALFORMED, f"Signature gives {name} twice")
        parsed[name] = found.group(2) if found.group(2) is not None else found.group(3)
        position = found.end()
    if not parsed.get("keyId") or not parsed.get("signature"):
        raise SignatureRefused(Refusal.MALFORMED, "Signature needs keyId and signature")
    return parsed


def base(incoming, names: list[str], params: dict, target: str) -> str:
    """The text the signature is over: one "name: value" line per covered header."""
    lines = []
    for name in names:
        if name == "(request-target)":
            lines.append(f"(request-target): {incoming.method.lower()} {target}")
        elif name == "(created)":
            lines.append(f"(created): {params['created']}")
        else:
            value = incoming.header(name)
            if value is None:
                raise SignatureRefused(Refusal.NOT_COVERED, f"no {name} header")
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def timestamp(value) -> dt.datetime:
    try:
        return dt.datetime.fromtimestamp(int(value), tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise SignatureRefused(Refusal.MALFORMED, "a time out of range") from error


def http_date(value: str | None) -> dt.datetime:
    """The ``Date`` header as an aware datetime (RFC 9110's IMF-fixdate and its elders)."""
    if not value:
        raise SignatureRefused(Refusal.NOT_COVERED, "no Date header")
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError) as error:
        raise SignatureRefused(Refusal.MALFORMED, "Date is not an HTTP date") from error
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
