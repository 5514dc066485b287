"""The organiser's announcements: write, preview, test, send, watch it go out."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.core import headers
from turnout.groups import selectors as groups
from turnout.mailing import selectors_announcements as selectors
from turnout.mailing.forms_announcements import AnnouncementForm
from turnout.mailing.models import Announcement
from turnout.mailing.services import about_meeting, announcements

DRAFT = Announcement.Status.DRAFT


def _announcement_for_organiser(request: HttpRequest, group: str, pk: int) -> Announcement:
    found = groups.group_for_organiser(user=request.user, slug=group)
    announcement = get_object_or_404(Announcement, pk=pk, group=found)
    announcement.group = found
    return announcement


def _to_progress(announcement: Announcement) -> HttpResponse:
    return redirect(
        "organise:announcement_progress",
        group=announcement.group.slug,
        announcement=announcement.pk,
    )


def _to_preview(announcement: Announcement) -> HttpResponse:
    return redirect(
        "organise:announcement_preview",
        group=announcement.group.slug,
        announcement=announcement.pk,
    )


@login_required
def announcement_list(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    context = {
        "group": found,
        "announcements": selectors.announcements_for_organisers(group=found),
    }
    return render(request, "mailing/organise/announcements.html", context)


def _about_meeting(request: HttpRequest, group) -> dict:
    """A first draft about the meeting ``?event=<slug>`` ("Email your followers" after
    publishing); nothing for any other value."""
    event = about_meeting.meeting_for_announcement(group=group, slug=request.GET.get("event", ""))
    return about_meeting.first_draft(event=event) if event else {}


@login_required
@require_http_methods(["GET", "POST"])
def announcement_new(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    form = AnnouncementForm(request.POST or None, initial=_about_meeting(request, found))
    if request.method == "POST" and form.is_valid():
        announcement = announcements.create(
            group=found, created_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Draft saved. Check the preview, then send yourself a test."))
        return _to_preview(announcement)
    return render(
        request, "mailing/organise/announcement_form.html", {"form": form, "group": found}
    )


@login_required
@require_http_methods(["GET", "POST"])
def announcement_edit(request: HttpRequest, group: str, announcement: int) -> HttpResponse:
    found = _announcement_for_organiser(request, group, announcement)
    if found.status != DRAFT:
        messages.info(request, announcements.already_sent_message())
        return _to_progress(found)
    initial = {"subject": found.subject, "body": found.body}
    form = AnnouncementForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            found = announcements.update(announcement=found, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Draft saved."))
            return _to_preview(found)
    context = {"form": form, "group": found.group, "announcement": found}
    return render(request, "mailing/organise/announcement_form.html", context)


@login_required
def announcement_preview(request: HttpRequest, group: str, announcement: int) -> HttpResponse:
    found = _announcement_for_organiser(request, group, announcement)
    subject, text, html = announcements.preview(announcement=found)
    context = {
        "group": found.group,
        "announcement": found,
        "subject": subject,
        "text": text,
        "html": html,
        "from_email": announcements.sender(group=found.group),
        "followers": announcements.audience(group=found.group).count(),
    }
    response = render(request, "mailing/organise/announcement_preview.html", context)
    return headers.allow_style_attributes(response, html)  # the email's own inline styles


@login_required
@require_POST
def announcement_test(request: HttpRequest, group: str, announcement: int) -> HttpResponse:
    found = _announcement_for_organiser(request, group, announcement)
    announcements.send_test(announcement=found, to_user=request.user)
    sent = _("A test is on its way to %(email)s.") % {"email": request.user.email}
    messages.success(request, sent)
    return _to_preview(found)


@login_required
@require_http_methods(["GET", "POST"])
def announcement_send(request: HttpRequest, group: str, announcement: int) -> HttpResponse:
    """GET asks "Send to N people?"; the POST from that page sends."""
    found = _announcement_for_organiser(request, group, announcement)
    if found.status != DRAFT:
        messages.info(request, announcements.already_sent_message())
        return _to_progress(found)
    if request.method == "POST":
        try:
            sent = announcements.send(announcement=found, by=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return _to_preview(found)
        messages.success(request, _("Sending. You can leave this page: it goes on without you."))
        return _to_progress(sent)
    try:
        recipients, problem = announcements.check_sendable(announcement=found), ""
    except ValidationError as exc:
        recipients, problem = 0, " ".join(exc.messages)
    context = {
        "group": found.group,
        "announcement": found,
        "recipients": recipients,
        "problem": problem,
    }
    return render(request, "mailing/organise/announcement_send.html", context)


@login_required
def announcement_progress(request: HttpRequest, group: str, announcement: int) -> HttpResponse:
    found = _announcement_for_organiser(request, group, announcement)
    context = {
        "group": found.group,
        "announcement": found,
        "progress": announcements.progress(announcement=found),
        "failed": selectors.failed_messages(announcement=found),
        "failed_shown": selectors.FAILED_SHOWN,
    }
    return render(request, "mailing/organise/announcement_progress.html", context)
