"""RFC 9421 (HTTP Message Signatures): reading ``Signature-Input``/``Signature`` and
building the signature base, for the components Turnout signs and checks.

Only what an inbox needs: the derived components ``@method``, ``@target-uri``,
``@authority``, ``@path``, ``@query``, ``@scheme``, ``@request-target`` and plain header
fields. Component parameters (``;sf``, ``;key``, ``;bs``, ``;req``) are refused as
unsupported rather than half understood. The structured fields are parsed by ``http_sf``
(RFC 8941/9651), strictly: a duplicated label or parameter is malformed.
"""

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

import http_sf

from turnout.federation.refusals import Refusal, SignatureRefused

_DERIVED = {"@method", "@target-uri", "@authority", "@path", "@query", "@scheme", "@request-target"}


def authority(url: str) -> str:
    """The Host of ``url``: lower case, its port only if not the scheme's default."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError as error:
        raise _refuse("MALFORMED", "the URL's port") from error
    return f"{host}:{port}" if port and port != default else host


@dataclass(frozen=True)
class Parsed:
    label: str
    components: list[str]
    serialised: str  # the inner list with its parameters, as "@signature-params" signs it
    key_id: str
    created: dt.datetime
    expires: dt.datetime | None
    alg: str | None
    signature: bytes


def _refuse(reason: str, detail: str) -> SignatureRefused:
    return SignatureRefused(Refusal[reason], detail)


def _duplicate(key: str, context: str) -> None:
    raise http_sf.StructuredFieldError(f"{key} given twice in the {context}")


def _dictionary(value: str, name: str) -> dict:
    try:
        return http_sf.parse(value.encode(), tltype="dictionary", on_duplicate_key=_duplicate)
    except (ValueError, TypeError, KeyError, UnicodeError) as error:
        raise _refuse("MALFORMED", f"{name}: {error}") from error


def _moment(params: dict, name: str) -> dt.datetime | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _refuse("MALFORMED", f"{name} is not an integer")
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise _refuse("MALFORMED", f"{name} out of range") from error


def parse(incoming) -> Parsed:
    """The first signature of ``incoming`` named in both headers (the label is not signed,
    so which one is first does not matter to its security)."""
    inputs = _dictionary(incoming.header("Signature-Input") or "", "Signature-Input")
    values = _dictionary(incoming.header("Signature") or "", "Signature")
    label = next((label for label in inputs if label in values), None)
    if label is None:
        raise _refuse("MALFORMED", "no signature named in both Signature-Input and Signature")
    members, params = inputs[label]
    signature, _ = values[label]
    if not isinstance(members, list) or not isinstance(signature, bytes):
        raise _refuse("MALFORMED", "Signature-Input is not an inner list or Signature not bytes")
    components = []
    for member, member_params in members:
        if not isinstance(member, str) or isinstance(member, http_sf.Token):
            raise _refuse("MALFORMED", "a component is not a string")
        if member_params:
            raise _refuse("UNSUPPORTED", f"component parameters on {member}")
        if member.startswith("@") and member not in _DERIVED:
            raise _refuse("UNSUPPORTED", member)
        if member != member.lower() or member in components:
            raise _refuse("MALFORMED", f"component {member} not lower case or repeated")
        components.append(member)
    key_id = params.get("keyid")
    if not isinstance(key_id, str) or not key_id:
        raise _refuse("MALFORMED", "no keyid")
    created = _moment(params, "created")
    if created is None:
        raise _refuse("NOT_COVERED", "no created time")
    alg = params.get("alg")
    if alg is not None and not isinstance(alg, str):
        raise _refuse("MALFORMED", "alg is not a string")
    serialised = http_sf.ser({label: inputs[label]})[len(label) + 1 :]
    return Parsed(
        label, components, serialised, key_id, created, _moment(params, "expires"), alg, signature
    )


def serialise_input(components: list[str], params: dict) -> str:
    """The inner list for ``Signature-Input``: ("@method" …);created=…;keyid="…"."""
    return http_sf.ser({"s": ([(name, {}) for name in components], params)})[2:]


def _header(headers: Mapping[str, str], name: str) -> str | None:
    values = [value.strip() for key, value in headers.items() if key.lower() == name]
    return ", ".join(values) if values else None


def _derived(name: str, method: str, url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    query = f"?{parts.query}"
    return {
        "@method": method,
        "@target-uri": f"{parts.scheme.lower()}://{authority(url)}{path}"
        + (query if parts.query else ""),
        "@authority": authority(url),
        "@path": path,
        "@query": query,
        "@scheme": parts.scheme.lower(),
        "@request-target": path + (query if parts.query else ""),
    }[name]


def signature_base(
    components: list[str], serialised: str, method: str, url: str, headers: Mapping[str, str]
) -> str:
    """The text RFC 9421 signs: one line per component, then "@signature-params"."""
    lines = []
    for name in components:
        value = _derived(name, method, url) if name.startswith("@") else _header(headers, name)
        if value is None:
            raise _refuse("NOT_COVERED", f"no {name} header")
        if "\n" in value or "\r" in value or not value.isascii():
            raise _refuse("MALFORMED", f"{name} holds a line break or non-ASCII text")
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {serialised}')
    return "\n".join(lines)
