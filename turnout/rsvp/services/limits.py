"""How many RSVPs one email domain may send to one meeting.

Made-up addresses at one's own domain cost nothing, so a meeting takes at most
``TURNOUT_RSVP_PER_DOMAIN`` RSVPs an hour from one domain. Public mail providers, where
every address is a different person, are not counted by domain; the per-client and
per-address limits of the form still apply to them.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from turnout.core import ratelimit
from turnout.events.models import Event

DOMAIN_WINDOW = 60 * 60
PUBLIC_MAIL_DOMAINS = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr",
    "live.com", "live.co.uk", "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com",
    "icloud.com", "me.com", "mac.com", "aol.com", "proton.me", "protonmail.com", "pm.me",
    "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "zoho.com", "fastmail.com",
    "tutanota.com", "tuta.io", "posteo.de", "mailbox.org", "riseup.net", "btinternet.com",
    "sky.com", "virginmedia.com", "talktalk.net", "orange.fr", "free.fr", "laposte.net",
    "libero.it", "ukr.net", "i.ua", "meta.ua", "mail.ru", "yandex.ru", "yandex.com", "qq.com",
    "163.com",
})  # fmt: skip


class TooManyFromDomain(ValidationError):
    """The meeting took its hour's RSVPs from this email domain."""


def check_domain(*, event: Event, email: str) -> None:
    """Count an RSVP from ``email``'s domain to the event; TooManyFromDomain past the limit.

    Every RSVP counts, whether or not the address has registered already, so the answer
    never tells the two apart. Counted in the caller's transaction: a refused RSVP rolls
    its count back with it, and the limit still holds.
    """
    domain = email.rpartition("@")[2]
    limit = settings.TURNOUT_RSVP_PER_DOMAIN
    if domain in PUBLIC_MAIL_DOMAINS or limit <= 0:
        return
    count = ratelimit.hit(
        action="rsvp-domain", subject=f"{event.pk}:{domain}", window_seconds=DOMAIN_WINDOW
    )
    if count > limit:
        raise TooManyFromDomain(
            _(
                "Too many registrations from addresses at %(domain)s for this meeting. "
                "Try again in an hour, or ask the organisers to add you."
            )
            % {"domain": domain}
        )
