"""The organiser's page to write to the people registered for a meeting
(turnout.rsvp.messages), under /organise/groups/<group>/events/<event>/message/, and
each message's progress page under message/<id>/.

One form, three buttons: "Preview" (rendered here with the sanitiser the email uses),
"Send a test to yourself" (to the organiser's own address only) and "Send" (now, or at
the time chosen). Scheduled messages are listed with a button to cancel each. The form
carries a one-time key, so sending it twice emails nobody twice. Other people get 404;
the choice of audience is checked by the service, whatever was posted.
"""

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from turnout.core.markdown import render_markdown
from turnout.events.models import Event
from turnout.rsvp import messages, messages_sending
from turnout.rsvp.models import MeetingMessage
from turnout.rsvp.views.organise import event_for_organiser

HISTORY_SHOWN = 20
KEY_MAX_LENGTH = 64
Status = MeetingMessage.Status


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
        "scheduled": event.meeting_messages.filter(status=Status.SCHEDULED).order_by("send_at"),
        "sent": event.meeting_messages.exclude(status=Status.SCHEDULED)[:HISTORY_SHOWN],
    }
    return render(request, "rsvp/organise/message.html", context)


def _errors(exc: ValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": exc.messages}


def _progress_url(message: MeetingMessage):
    event = message.event
    return redirect(
        "organise:meeting_message_progress",
        group=event.group.slug,
        event=event.slug,
        message=message.pk,
    )


@login_required
@require_http_methods(["GET", "POST"])
def message(request: HttpRequest, group: str, event: str) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    if request.method == "GET":
        values = {"subject": "", "body": "", "audience": "confirmed", "when": "now"}
        return _page(request, found, {**values, "send_at": "", "key": messages.new_send_key()})
    post = request.POST
    values = {
        "subject": post.get("subject", ""),
        "body": post.get("body", ""),
        "audience": post.get("audience", ""),
        "when": "later" if post.get("when") == "later" else "now",
        "send_at": post.get("send_at", "")[: messages.SEND_AT_MAX_LENGTH * 2],
        "key": post.get("key", "")[:KEY_MAX_LENGTH] or messages.new_send_key(),
    }
    action = post.get("action", "")
    try:
        if action == "cancel":
            messages.cancel_scheduled(event=found, message_id=post.get("message", ""))
            flash.success(request, _("The message was cancelled: it will not be sent."))
            return redirect("organise:meeting_message", group=found.group.slug, event=found.slug)
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
            send_at=values["send_at"] if values["when"] == "later" else None,
        )
    except ValidationError as exc:
        errors = _errors(exc)
        earlier = found.meeting_messages.filter(send_key=values["key"]).first()
        if "__all__" in errors and earlier is not None:  # a second click: nothing more to do
            flash.warning(request, errors["__all__"][0])
            return _progress_url(earlier)
        return _page(request, found, values, errors=errors)
    if sent.status == Status.SCHEDULED:
        flash.success(request, _("Scheduled: it goes at the time you chose."))
        return redirect("organise:meeting_message", group=found.group.slug, event=found.slug)
    flash.success(
        request,
        ngettext("Sending to %(n)s person.", "Sending to %(n)s people.", sent.recipient_count)
        % {"n": sent.recipient_count},
    )
    return _progress_url(sent)


@login_required
@require_http_methods(["GET"])
def progress(request: HttpRequest, group: str, event: str, message: int) -> HttpResponse:
    found = event_for_organiser(request, group, event)
    sent = get_object_or_404(MeetingMessage, event=found, pk=message)
    context = {
        "group": found.group,
        "event": found,
        "message": sent,
        "progress": messages_sending.progress(message=sent),
    }
    return render(request, "rsvp/organise/message_progress.html", context)
