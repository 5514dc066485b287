"""The organiser's one click to tell the people registered that a meeting changed or was
cancelled (turnout.rsvp.notices), under /organise/groups/<group>/events/<event>/notice/.

The page only shows; only the POST from its buttons sends or dismisses, naming the
notice it showed (so a page left open never sends a later one). Other people get 404.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from turnout.events.models import Event
from turnout.rsvp import notices
from turnout.rsvp.models import ChangeNotice
from turnout.rsvp.views.organise import event_for_organiser

HISTORY_SHOWN = 10


class NoticeForm(forms.Form):
    notice = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)


def _to_event(event: Event) -> HttpResponse:
    return redirect("organise:event_edit", group=event.group.slug, event=event.slug)


def _posted(request: HttpRequest, event: Event) -> ChangeNotice | None:
    """The notice the button named: one of this event's, or 404; None if none was named."""
    form = NoticeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Send or dismiss a notice from its page."))
        return None
    found = get_object_or_404(ChangeNotice, event=event, pk=form.cleaned_data["notice"])
    found.event = event
    return found


@login_required
@require_GET
def notice(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The pending notice with its two buttons, or that nothing is waiting; and the
    notices decided before."""
    found = event_for_organiser(request, group, event)
    context = {
        "group": found.group,
        "event": found,
        "notice": notices.pending_notice(event=found),
        "count": notices.recipients(event=found).count(),
        "decided": notices.decided_notices(event=found)[:HISTORY_SHOWN],
    }
    return render(request, "rsvp/organise/notice.html", context)


def _decide(request: HttpRequest, group: str, event: str, act) -> HttpResponse:
    """Send or dismiss the notice the button named: ``act(request, notice)`` says what was
    done."""
    found = event_for_organiser(request, group, event)
    target = _posted(request, found)
    if target is None:
        return redirect("organise:change_notice", group=found.group.slug, event=found.slug)
    try:
        done = act(request, target)
    except notices.NoticeNotPending as exc:
        messages.warning(request, exc.messages[0])
    else:
        messages.success(request, done)
    return _to_event(found)


def _send(request: HttpRequest, target: ChangeNotice) -> str:
    sent = notices.send_notice(notice=target, by=request.user)
    return ngettext(
        "Emailed %(n)s person registered.", "Emailed %(n)s people registered.", sent
    ) % {"n": sent}


def _dismiss(request: HttpRequest, target: ChangeNotice) -> str:
    notices.dismiss_notice(notice=target)
    return _("Nobody was emailed about this change.")


@login_required
@require_POST
def notice_send(request: HttpRequest, group: str, event: str) -> HttpResponse:
    return _decide(request, group, event, _send)


@login_required
@require_POST
def notice_dismiss(request: HttpRequest, group: str, event: str) -> HttpResponse:
    return _decide(request, group, event, _dismiss)
