"""The organiser's page to write to the people registered for a meeting
(turnout.rsvp.messages), under /organise/groups/<group>/events/<event>/message/.

One form, three buttons: "Preview" (rendered here with the sanitiser the email uses),
"Send a test to yourself" (to the organiser's own address only) and "Send now". The
form carries a one-time key, so sending it twice emails nobody twice. Other people get
404; the choice of audience is checked by the service, whatever was posted.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from turnout.core.markdown import render_markdown
from turnout.events.models import Event
from turnout.rsvp import messages
from turnout.rsvp.views.organise import event_for_organiser

HISTORY_SHOWN = 20
KEY_MAX_LENGTH = 64


def _page(request: HttpRequest, event: Event, values: dict, errors=None, preview=None):
    counts = messages.audience_counts(event=event)
    choices = [(value, label, counts[value]) for value, label in messages.Audience.choices]
    context = {
        "group": event.group,
        "event": event,
        "values": values,
        "choices": choices,
        "errors": errors or {},
        "problems": (errors or {}).get("__all__", []),
        "preview": preview,
        "subject_max": messages.SUBJECT_MAX_LENGTH,
        "body_max": messages.BODY_MAX_LENGTH,
        "sent": event.meeting_messages.select_related("sent_by")[:HISTORY_SHOWN],
    }
    return render(request, "rsvp/organise/message.html", context)


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    if request.method == "GET":
        values = {"subject": "", "body": "", "audience": "confirmed"}
        return _page(request, found, {**values, "key": messages.new_send_key()})
    post = request.POST
    values = {
        "subject": post.get("subject", ""),
        "body": post.get("body", ""),
        "audience": post.get("audience", ""),
        "key": post.get("key", "")[:KEY_MAX_LENGTH] or messages.new_send_key(),
    }
    action = post.get("action", "")
    try:
        if action == "preview":
            _subject, body = messages.clean(
                subject=values["subject"], body=values["body"], audience=values["audience"]
            )
            return _page(request, found, values, preview=render_markdown(body))
        if action == "test":
            messages.send_test(
                event=found, by=request.user, subject=values["subject"], body=values["body"]
            )
            flash.success(
                request, _("A test was sent to %(email)s only.") % {"email": request.user.email}
            )
            return _page(request, found, values)
        sent = messages.send_message(
            event=found,
            by=request.user,
            subject=values["subject"],
            body=values["body"],
            audience=values["audience"],
            key=values["key"],
        )
    except ValidationError as exc:
        errors = _errors(exc)
        if "__all__" in errors:  # sent already (a second click): nothing more to do here
            flash.warning(request, errors["__all__"][0])
            return redirect("organise:registrations", group=found.group.slug, event=found.slug)
        return _page(request, found, values, errors=errors)
    flash.success(
        request,
        ngettext("Emailed %(n)s person.", "Emailed %(n)s people.", sent.recipient_count)
        % {"n": sent.recipient_count},
    )
    return redirect("organise:registrations", group=found.group.slug, event=found.slug)
