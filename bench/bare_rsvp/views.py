from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods

from bare_rsvp.models import Event, Outbox, Registration

Status = Registration.Status


@require_http_methods(["GET", "POST"])
def event_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_object_or_404(Event, slug=slug)
    if request.method == "GET":
        return render(request, "bare_rsvp/page.html", {"event": event})
    name = " ".join(request.POST.get("name", "").split())[:200]
    email = request.POST.get("email", "").strip().lower()
    local, _at, domain = email.partition("@")
    if not name or not local or "." not in domain or len(email) > 254:
        error = "Give your name and a valid email address."
        return render(request, "bare_rsvp/page.html", {"event": event, "error": error}, status=400)
    try:
        with transaction.atomic():
            capacity = Event.objects.select_for_update().values_list("capacity", flat=True)
            capacity = capacity.get(pk=event.pk)
            counts = Registration.objects.filter(event=event).aggregate(
                seated=Count("pk", filter=Q(status=Status.SEATED)),
                waiting=Count("pk", filter=Q(status=Status.WAITLISTED)),
            )
            if counts["seated"] < capacity:
                status, position = Status.SEATED, None
            else:
                status, position = Status.WAITLISTED, counts["waiting"] + 1
            Registration.objects.create(
                event=event, name=name, email=email, status=status, waitlist_position=position
            )
            Outbox.objects.create(
                to_email=email,
                subject=f"Your place at {event.title}",
                body=f"Hello {name},\n\nYou are {status} for {event.title}.\n",
            )
    except IntegrityError:  # this address has registered already
        status = "registered"
    context = {"event": event, "done": True, "status": status}
    return render(request, "bare_rsvp/page.html", context)


def upcoming(request: HttpRequest) -> HttpResponse:
    """One SELECT and a small template, no form: the reference of bench/public_pages.py."""
    events = Event.objects.order_by("pk")[:20]
    return render(request, "bare_rsvp/list.html", {"events": events})
