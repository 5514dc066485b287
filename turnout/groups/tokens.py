from django.contrib.auth.tokens import PasswordResetTokenGenerator

from turnout.core.tokens import keyed_token


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
    return keyed_token(
        f"turnout.groups.invitation:{invitation.token_secret}", stored_hash=invitation.token_hash
    )
