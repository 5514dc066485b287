"""The meeting page: the event, its RSVP panel, its statements, tables and quotes, its
JSON-LD and link preview, built by one function (``meeting_context``) for the GET, for
an RSVP that failed and for an organiser looking at it; and the RSVP form's POST. An
ActivityPub client is sent (303) to the meeting's Event at its federation id."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.core import pagecache, ratelimit
from turnout.core.views import too_many_requests
from turnout.events import places
from turnout.events import selectors as events
from turnout.events.models import Event
from turnout.federation import ids, negotiation
from turnout.feeds import jsonld
from turnout.flyers import selectors as flyers
from turnout.groups.selectors import TwoFactorRequired
from turnout.mailing.services import subscriptions
from turnout.rsvp import services as rsvp
from turnout.rsvp.forms import RSVPForm
from turnout.rsvp.models import Registration
from turnout.rsvp.panel import rsvp_panel

PAGE = "pages/event.html"
CHECK_INBOX = "rsvp/check_inbox.html"
EMAIL_PLACEHOLDER = "turnout-email-placeholder"  # no character that escaping changes
# (action, limit, window in seconds): attempts from one client address, then
# registrations of one address for one event.
PER_CLIENT = ("rsvp-address", settings.TURNOUT_RSVP_PER_CLIENT, 60)
PER_EMAIL = ("rsvp-email", settings.TURNOUT_RSVP_PER_EMAIL, 60 * 60)
HOUR = dt.timedelta(hours=1)


def meeting_context(event: Event, *, form: RSVPForm | None = None, closed: str = "") -> dict:
    """Everything the meeting page shows. ``form`` is the RSVP form with its errors after
    a failed POST; ``closed`` why registration turned out to be closed."""
    panel = rsvp_panel(event, form, closed)
    return {
        "event": event,
        "group": event.group,
        # The place as the public may read it: the area only, if the address is private.
        "place": places.public_place(event),
        **panel,
        # Its schema.org JSON-LD and link preview, from what is loaded already.
        **jsonld.page_context(event, panel),
        # Read only when the page draws them: not when they come from the cache
        # (the template's ``fragment``).
        "blocks": SimpleLazyObject(lambda: flyers.event_blocks(event)),
    }


@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The meeting, with the RSVP form; its POST registers.

    Anonymous visitors may get the page from a few seconds' cache, without a query, and
    the POST may use the event as it was a few seconds ago (``turnout.core.pagecache``).
    """
    if request.method == "POST":
        # The event as the page showed it, up to a few seconds old: the statement that
        # takes a seat checks that registration is still open (turnout.rsvp.services).
        found = pagecache.recent(
            f"event:{group}:{event}",
            lambda: events.public_event(group_slug=group, event_slug=event),
            follows=[pagecache.group_scope(group)],
        )
        if found is None:
            raise Http404
        return _rsvp(request, found)

    if negotiation.wants_activity_json(request):
        response = _to_the_event_object(group, event)
    else:
        response = _page(request, group, event)
    # Decided before the cache: HTML and ActivityPub are never served for each other.
    patch_vary_headers(response, ("Accept",))
    return response


def _to_the_event_object(group: str, event: str) -> HttpResponse:
    """A 303 to the meeting's Event for a listed meeting; 404 for anything else (a draft,
    an unlisted meeting: never named to another server)."""
    found = events.public_event(group_slug=group, event_slug=event)
    if found is None or found.unlisted:
        return JsonResponse({"error": "not found"}, status=404)
    response = HttpResponse(status=303)
    response["Location"] = ids.event_id(found)
    return response


def _page(request: HttpRequest, group: str, event: str) -> HttpResponse:
    if request.user.is_authenticated:
        own = _page_for_its_organisers(request, group, event)
        if own is not None:
            return own

    def render_page(extra: dict) -> str:
        found = events.public_event(group_slug=group, event_slug=event)
        if found is None:
            raise Http404
        html = render_to_string(PAGE, {**meeting_context(found), **extra}, request)
        return html, events.robots_headers(found)

    return pagecache.anonymous_page(
        request, f"event:{group}:{event}", render_page, follows=[pagecache.group_scope(group)]
    )


def _page_for_its_organisers(request: HttpRequest, group: str, event: str) -> HttpResponse | None:
    """The page as one of the meeting's organisers sees it: with an Edit link, and a draft
    too, under its "Draft" band; None for anyone else (a draft is then 404).

    Never cached, here or on the way: a logged-in visitor never gets or fills the page
    cache (``pagecache.cacheable``), and ``Cache-Control: private, no-store`` keeps
    proxies and the browser's back-forward cache from holding it."""
    try:
        found = events.event_for_organiser(user=request.user, group_slug=group, event_slug=event)
    except (Http404, TwoFactorRequired):  # not theirs, or not until their second factor
        return None
    context = {**meeting_context(found), "organiser_view": True}
    response = render(request, PAGE, context)
    if found.unlisted or found.status == Event.Status.DRAFT:
        response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response


def _rsvp(request: HttpRequest, event: Event) -> HttpResponse:
    """The RSVP form's POST. Whatever the address's state, the answer is "check your inbox"."""
    # Both limits counted in one statement, before anything else: garbage counts too.
    typed = request.POST.get("email", "").strip().lower()
    over_client, over_email = ratelimit.over_limits(
        request,
        [(PER_CLIENT, ratelimit.client_address(request)), (PER_EMAIL, f"{event.pk}:{typed}")],
    )
    if over_client:
        message = _("Too many requests from your connection. Wait a minute and try again.")
        return too_many_requests(request, message, PER_CLIENT[2])
    form = RSVPForm(request.POST, event=event)
    if not form.is_valid():
        return render(request, PAGE, meeting_context(event, form=form))
    if form.is_bot():  # the page a person would see, as the address is stored
        return _check_inbox(request, event, form.cleaned_data["email"].strip().lower())
    if over_email:
        message = _("Too many requests for this email address. Wait an hour and try again.")
        return too_many_requests(request, message, PER_EMAIL[2])
    try:
        registration = _register_and_keep_posted(event, form)
    except rsvp.RegistrationClosed as exc:
        return render(request, PAGE, meeting_context(event, closed=exc.messages[0]))
    except ValidationError as exc:
        form.add_error(None, exc)
        return render(request, PAGE, meeting_context(event, form=form))
    return _check_inbox(request, event, registration.email)


def _register_and_keep_posted(event: Event, form: RSVPForm) -> Registration:
    """Register; with "keep me posted" ticked, the group's mailing list also emails its own
    confirmation link (whether or not the registration is new). Both in one transaction:
    both happen or neither. Without it, the registration's transaction is the only one
    (no savepoint inside another)."""
    if not form.cleaned_data["keep_posted"]:
        return _register(event, form)
    with transaction.atomic():
        registration = _register(event, form)
        subscriptions.request_subscription(
            group=event.group, email=registration.email, source="form"
        )
    return registration


def _register(event: Event, form: RSVPForm) -> Registration:
    registration, _created = rsvp.register(
        event=event, language=get_language(), **form.registration_fields()
    )
    return registration


def _check_inbox(request: HttpRequest, event: Event, email: str) -> HttpResponse:
    """The answer to every RSVP that was not refused. For an anonymous visitor, the page
    is kept a few seconds (as the meeting page is) with a placeholder where the address
    goes, then the address put in, escaped as the template would: a rush of RSVPs renders
    it once per meeting, language and seats-left state, not once each."""
    context = {
        "event": event,
        "group": event.group,
        "email": email,
        "hold_hours": rsvp.HOLD_FOR // HOUR,
        # What the meeting shows anyone (its recent copy), never the address's own state.
        "full": event.is_full,
    }
    if not pagecache.anonymous(request):
        return render(request, CHECK_INBOX, context)
    group = event.group.slug
    html = pagecache.recent(
        f"check-inbox:{group}:{event.slug}:{context['full']}",
        lambda: render_to_string(CHECK_INBOX, {**context, "email": EMAIL_PLACEHOLDER}, request),
        follows=[pagecache.group_scope(group)],
    )
    response = HttpResponse(html.replace(EMAIL_PLACEHOLDER, escape(email)))
    patch_vary_headers(response, ("Cookie",))  # as a rendered page reads the session
    return response
