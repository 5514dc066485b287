"""Organiser accounts: sign up, verify the email, reset the password (called through
``turnout.groups.services``, which re-exports them).

Anyone can type any address into these forms, so each email is rate-limited per
address and per client (turnout.groups.sending). Over a limit nothing is sent, and
nothing says so: the pages answer alike whether an account exists, and a refusal
would tell.
"""

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils import translation

from turnout.core import languages
from turnout.groups import emails, sending
from turnout.groups.models import User


@transaction.atomic
def sign_up(*, email: str, name: str, password: str, client: str = "") -> User | None:
    """Create an unverified account and email it its verification link; or, if the
    address has an account already, email that account that someone tried to sign up
    with it. The new account, or None. ``client``: the address the form came from.
    The account keeps the language of the page it was made from, for its emails.

    Nothing tells the two apart but the email: the page answers alike, and both ways
    hash the password once (the costly step), so they take as long. Over the rate
    limits (sending.account_mail_allowed) nothing is made and nothing sent, alike too."""
    email = email.strip()
    existing = User.objects.filter(email__iexact=email).first()
    # One count for both ways, so the limit cannot tell them apart either.
    if not sending.account_mail_allowed(kind="sign-up", to=email, client=client):
        make_password(password)  # thrown away: the same work as the other ways
        return None
    if existing is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    email=email, name=name, password=password, language=_page_language()
                )
                emails.queue_account_email(kind=emails.VERIFY, user=user)
            return user
        except IntegrityError:  # the same address signed up a moment ago
            existing = User.objects.get(email__iexact=email)
    make_password(password)  # thrown away: the work a new account's password costs
    emails.queue_account_email(kind=emails.SIGN_UP_ATTEMPT, user=existing)
    return None


def _page_language() -> str:
    """The language of the page the organiser is on (that of the request), if offered."""
    language = translation.get_language()
    return language if languages.is_offered(language) else ""


def send_verification_email(*, user: User, client: str = "") -> None:
    """Queue the email with the verification link (made when it is delivered), unless
    the address or the client (the login form's re-send) is over its limit."""
    if sending.account_mail_allowed(kind=emails.VERIFY, to=user.email, client=client):
        emails.queue_account_email(kind=emails.VERIFY, user=user)


def request_password_reset(*, email: str, client: str = "") -> None:
    """Queue the email with a password reset link to whatever address was typed. Which
    account it is for (if any) is looked up only when the worker delivers it
    (emails.render_password_reset), so this request does the same work either way and
    its timing cannot tell whether the address has an account. Over the limits of the
    address or the client, nothing is queued, whether or not it has one."""
    email = email.strip().lower()
    if sending.account_mail_allowed(kind=emails.PASSWORD_RESET, to=email, client=client):
        emails.queue_password_reset(email=email)


def set_account_language(*, user: User, language: str) -> None:
    """Keep the language the organiser chose in the switcher, for their pages and emails
    (the caller checks that it is offered)."""
    user.language = language
    user.save(update_fields=["language"])


def verify_email(*, user: User) -> None:
    user.email_verified = True
    user.save(update_fields=["email_verified"])
