import base64
import hmac

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator


class EmailVerificationTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring and single-use: the hash changes once the email is verified."""

    key_salt = "turnout.groups.tokens.EmailVerificationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.email_verified}{timestamp}"


email_verification_token = EmailVerificationTokenGenerator()


def invitation_token(invitation) -> str:
    """The invitation link's token: an HMAC of the invitation's stored secret under
    SECRET_KEY, as for an attendee's link (turnout.rsvp.links). The same each time the
    email is rendered; a copy of the database alone gives no working link."""
    key = settings.SECRET_KEY.encode()
    message = f"turnout.groups.invitation:{invitation.token_secret}".encode()
    digest = hmac.new(key, message, "sha256")
    return base64.urlsafe_b64encode(digest.digest()).rstrip(b"=").decode()
