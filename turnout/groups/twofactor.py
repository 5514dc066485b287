"""Two-factor authentication: every write and rule about an organiser's second factor.

A second factor is a confirmed TOTP device (django-otp's ``TOTPDevice``: an
authenticator app's 6-digit codes, 30 seconds each, one step of clock drift either
way) and ten recovery codes that each work once (a ``StaticDevice``). Recovery codes
are stored as a SHA-256 hash, so neither the database nor the Django admin shows a
working one. Wrong codes are throttled by django-otp: after each failure the account
waits 1, 2, 4, 8 … seconds before the next code is even checked.
"""

import hashlib
import secrets
import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from turnout.core.tokens import new_secret
from turnout.groups.models import User

RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"  # base32: no 0/1/8/9 to misread
RECOVERY_LENGTH = 10  # shown as two groups of five: 50 random bits each
# How far back a code that no longer works is recognised as expired, not wrong.
EXPIRED_STEPS = 10


def has_two_factor(*, user: User) -> bool:
    """Whether the account has a confirmed authenticator (an unconfirmed one counts not)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_key() -> str:
    """A new TOTP secret (20 random bytes, as hex), offered until it is confirmed."""
    return secrets.token_hex(20)


def key_text(key: str) -> str:
    """The secret as people type it into an app: base32, in groups of four."""
    text = b32encode(unhexlify(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def setup_qr_svg(*, user: User, key: str) -> str:
    """The otpauth:// address of an authenticator for ``key``, as an inline SVG QR code."""
    uri = TOTPDevice(user=user, key=key).config_url
    # A viewBox and no fixed size: the page's CSS sizes it to fit a phone.
    qr = segno.make(uri, error="m")
    return qr.svg_inline(border=2, omitsize=True, title=_("Set-up QR code"))


def _stored(code: str) -> str:
    """How a recovery code is kept: 16 hex digits of its SHA-256 (the field's size)."""
    return hashlib.sha256(code.encode()).hexdigest()[:16]


def clean_recovery_code(text: str) -> str | None:
    """The recovery code in ``text`` (any case, hyphen and spaces optional), or None."""
    code = "".join(text.split()).replace("-", "").lower()
    if len(code) == RECOVERY_LENGTH and all(c in RECOVERY_ALPHABET for c in code):
        return code
    return None


def _new_recovery_code() -> str:
    return "".join(secrets.choice(RECOVERY_ALPHABET) for _i in range(RECOVERY_LENGTH))


def _shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


@transaction.atomic
def enable(*, user: User, key: str, code: str) -> list[str]:
    """Confirm an authenticator with a code it shows, and make recovery codes.

    Raises ValidationError (nothing changed) if the code does not match ``key``.
    Returns the recovery codes, to be shown once. Any other session of the account is
    logged out: one opened before the second factor existed should not outlive it.
    """
    if has_two_factor(user=user):
        raise ValidationError(_("Two-factor authentication is already on for your account."))
    device = TOTPDevice(user=user, key=key, name="authenticator", confirmed=False)
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if not code.isdigit() or not totp.verify(int(code), device.tolerance):
        raise ValidationError(
            _(
                "That code does not match. Check the app shows the code for this "
                "account, and that your phone's clock is right, then try the new code."
            ),
            code="wrong",
        )
    device.last_t, device.drift, device.confirmed = totp.t(), totp.drift, True
    device.save()
    codes = new_recovery_codes(user=user)
    log_out_other_sessions(user=user)
    return codes


@transaction.atomic
def new_recovery_codes(*, user: User) -> list[str]:
    """Replace the account's recovery codes with new ones; returns them, to show once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [_new_recovery_code() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_stored(c)) for c in codes)
    return [_shown(code) for code in codes]


def recovery_codes_left(*, user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()


@transaction.atomic
def disable(*, user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def log_out_other_sessions(*, user: User) -> None:
    """Every session of the account stops working at its next request; the caller keeps
    its own with django.contrib.auth.update_session_auth_hash."""
    user.sessions_secret = new_secret()
    user.save(update_fields=["sessions_secret"])


def _throttled(device) -> ValidationError | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    wait = max(1, round((details["locked_until"] - timezone.now()).total_seconds()))
    message = ngettext(
        "Too many wrong codes. Wait %(seconds)d second, then try again.",
        "Too many wrong codes. Wait %(seconds)d seconds, then try again.",
        wait,
    )
    return ValidationError(message % {"seconds": wait}, code="throttled")


def _why_refused(device: TOTPDevice, token: int) -> ValidationError:
    """A refused 6-digit code, told apart: used already, expired, or simply wrong."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    now = totp.t()
    for t in range(now - EXPIRED_STEPS, now + device.tolerance + 1):
        totp.drift = device.drift + t - now
        if totp.token() != token:
            continue
        if t <= device.last_t and t >= now - device.tolerance:
            message = _("That code has been used already. Wait for your app to show the next one.")
            return ValidationError(message, code="reused")
        if t < now - device.tolerance:
            message = _(
                "That code has expired. Type the one your app shows now; if this keeps "
                "happening, check that your phone's clock is right."
            )
            return ValidationError(message, code="expired")
    return ValidationError(
        _("That code is not right. Type the 6 digits your app shows for Turnout."), code="wrong"
    )


def check_code(*, user: User, code: str) -> str:
    """Accept a current authenticator code (6 digits) or an unused recovery code, and
    say which it was ("app" or "recovery").

    Raises ValidationError with the reason otherwise; a refused code only counts
    towards the throttle. A code is accepted once: an authenticator code not again in
    its 30 seconds, a recovery code never again. The device row is locked while it is
    checked, so two requests cannot both spend the same code.
    """
    recovery = clean_recovery_code(code)
    with transaction.atomic():
        if recovery is not None:
            device = StaticDevice.objects.select_for_update().filter(user=user).first()
            refused = device is None or _throttled(device)
            if not refused and not device.verify_token(_stored(recovery)):
                refused = ValidationError(
                    _(
                        "That recovery code is not one of yours, or it has been used "
                        "already: each works once."
                    ),
                    code="recovery_wrong",
                )
        else:
            device = (
                TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
            )
            refused = device is None or _throttled(device)
            if not refused and not (code.isdigit() and device.verify_token(int(code))):
                refused = _why_refused(device, int(code)) if code.isdigit() else True
    # Raised outside the transaction, so the failure the throttle counted is kept.
    if refused is True:
        raise ValidationError(_("That code is not right."), code="wrong")
    if refused:
        raise refused
    return "app" if recovery is None else "recovery"
