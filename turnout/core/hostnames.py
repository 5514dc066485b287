"""A public server’s host name as a visitor types it ("mastodon.social"), checked before
the site sends anyone there.

Only a DNS-style name with a dot is taken: never an IP address (v4 or v6, bracketed or
not), ``localhost`` or a name under a suffix that never leads to a public server
(``.localhost``, ``.local``, ``.internal``…), and nothing but the name: no scheme, user
name, port or path. Names in other scripts are fine and come back in their ASCII
(punycode) form, which is what goes into a URL. Each refusal says what to change.
"""

import ipaddress
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_LENGTH = 253  # a DNS name's limit
# Top-level names that never lead to a public server (RFC 2606, RFC 6761, RFC 6762, and
# the home and company networks' own).
NOT_PUBLIC = frozenset(
    {"localhost", "local", "localdomain", "internal", "invalid", "test", "example", "arpa"}
    | {"lan", "home", "intranet", "corp"}
)
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TOP = re.compile(r"[a-z]{2,63}|xn--[a-z0-9-]{1,59}")
_PORT = re.compile(r".*:\d*")


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    return True


def _ascii(text: str) -> str:
    """The name in ASCII (IDNA), or a ValidationError for a name that has none."""
    try:
        return text.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise _not_a_name() from None


def _not_a_name() -> ValidationError:
    return ValidationError(
        _(
            "This is not a server’s name. Type it as it appears in your profile’s address, "
            "like mastodon.social."
        ),
        code="invalid",
    )


def _check_shape(text: str) -> None:
    """Refuse anything but a bare name, saying what is in the way (the first that is)."""
    without_scheme = _("Type only the server’s name, like mastodon.social, without https://.")
    problems = [
        (
            "@" in text,
            "userinfo",
            _("Type only the server’s name, like mastodon.social: not your user name."),
        ),
        ("://" in text, "scheme", without_scheme),
        (
            any(c in text for c in "/\\?#"),
            "path",
            _("Type only the server’s name, like mastodon.social, without a path after it."),
        ),
        (
            text.startswith("[") or _is_ip_address(text),
            "address",
            _("Type your server’s name, like mastodon.social: not an IP address."),
        ),
        (
            bool(_PORT.fullmatch(text)),
            "port",
            _("Type only the server’s name, like mastodon.social, without a port."),
        ),
        (":" in text, "scheme", without_scheme),
    ]
    for found, code, message in problems:
        if found:
            raise ValidationError(message, code=code)


def clean_public_host(typed: str) -> str:
    """``typed`` as a public host name in lower-case ASCII; a ValidationError saying
    what is wrong otherwise."""
    text = (typed or "").strip().lower()
    if not text:
        raise ValidationError(
            _("Type the name of your Mastodon server, like mastodon.social."), code="required"
        )
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("This is too long for a server’s name: it has at most %(limit)s characters.")
            % {"limit": MAX_LENGTH},
            code="max_length",
        )
    _check_shape(text)
    if any(c.isspace() or ord(c) < 32 for c in text):
        raise _not_a_name()
    name = _ascii(text)
    labels = name.split(".")
    if labels[-1] in NOT_PUBLIC:
        raise ValidationError(
            _("%(name)s is not a public server. Type the name of your Mastodon server.")
            % {"name": text},
            code="not_public",
        )
    if len(labels) < 2:
        raise ValidationError(
            _("A server’s name has a dot in it, like mastodon.social."), code="no_dot"
        )
    if len(name) > MAX_LENGTH or not all(_LABEL.fullmatch(label) for label in labels):
        raise _not_a_name()
    if not _TOP.fullmatch(labels[-1]):
        raise _not_a_name()
    return name
