"""The organiser's side of statements, quotes and the blocks a meeting shows (on its
page and its flyer): attach, order, remove, write and edit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from turnout.comparisons import selectors as comparisons
from turnout.core.forms import add_service_errors
from turnout.events import selectors as events
from turnout.events.models import Event
from turnout.flyers import selectors
from turnout.flyers import services as flyers
from turnout.flyers.forms import AttachForm, QuoteForm, StatementForm
from turnout.flyers.models import EventBlock, Quote, Statement
from turnout.groups import selectors as groups

NEW = {
    "statement": (
        StatementForm,
        flyers.add_statement,
        gettext_lazy("Statement added to this meeting."),
    ),
    "quote": (QuoteForm, flyers.add_quote, gettext_lazy("Quote added to this meeting.")),
}


def _event(request: HttpRequest, group: str, event: str) -> Event:
    return events.event_for_organiser(user=request.user, group_slug=group, event_slug=event)


def _to_blocks(event: Event) -> HttpResponse:
    return redirect("organise:event_blocks", group=event.group.slug, event=event.slug)


def _offer(event: Event, blocks: list[EventBlock]) -> dict:
    """What may still be attached, by choice value: the group's statements, quotes and
    tables (drafts too: they show once published) that the meeting does not show."""
    shown = {(block.kind, block.content.pk) for block in blocks}
    offer = {}
    for kind, items in (
        ("statement", selectors.statements(group=event.group)),
        ("quote", selectors.quotes(group=event.group)),
        ("comparison", comparisons.comparisons_for_organisers(group=event.group)),
    ):
        offer.update({f"{kind}-{i.pk}": i for i in items if (kind, i.pk) not in shown})
    return offer


def _choices(offer: dict) -> list:
    groups_ = {"statement": _("Statements"), "quote": _("Quotes"), "comparison": _("Tables")}
    choices = [("", _("Choose…"))]
    for kind, label in groups_.items():
        options = []
        for value, item in offer.items():
            if value.startswith(f"{kind}-"):
                name = str(item) if kind == "quote" else item.title  # a quote: who, and its start
                if kind == "comparison" and not item.is_published:
                    name = _("%(title)s (draft: shown once published)") % {"title": name}
                options.append((value, name))
        if options:
            choices.append((label, options))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def event_blocks(request: HttpRequest, group: str, event: str) -> HttpResponse:
    """The meeting's blocks in order, and a form to attach one more."""
    found = _event(request, group, event)
    blocks = selectors.blocks_for_organisers(event=found)
    offer = _offer(found, blocks)
    form = AttachForm(request.POST or None, choices=_choices(offer))
    if request.method == "POST" and form.is_valid():
        try:
            flyers.attach(event=found, content=offer[form.cleaned_data["content"]])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Added to this meeting."))
            return _to_blocks(found)
    context = {"group": found.group, "event": found, "blocks": blocks, "form": form}
    context["offered"] = bool(offer)
    return render(request, "flyers/organise/blocks.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def block_new(request: HttpRequest, group: str, event: str, kind: str) -> HttpResponse:
    """Write a statement or a quote; saving shows it with this meeting."""
    found = _event(request, group, event)
    if kind not in NEW:
        raise Http404
    form_class, add, done = NEW[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add(event=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return _to_blocks(found)
    context = {"group": found.group, "event": found, "form": form, "kind": kind}
    return render(request, "flyers/organise/content_form.html", context)


def _block(request: HttpRequest, group: str, event: str, block: int) -> EventBlock:
    found = _event(request, group, event)
    return get_object_or_404(
        EventBlock.objects.select_related("event__group"), event=found, pk=block
    )


@login_required
@require_POST
def block_move(request: HttpRequest, group: str, event: str, block: int) -> HttpResponse:
    found = _block(request, group, event, block)
    try:
        flyers.move_block(block=found, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_blocks(found.event)


@login_required
@require_POST
def block_remove(request: HttpRequest, group: str, event: str, block: int) -> HttpResponse:
    found = _block(request, group, event, block)
    flyers.detach(block=found)
    messages.success(
        request, _("Removed from this meeting. The group keeps it for other meetings.")
    )
    return _to_blocks(found.event)


EDIT = {
    Statement: (
        StatementForm,
        lambda item, data: flyers.update_statement(statement=item, **data),
        gettext_lazy("Statement saved: every meeting showing it shows the new text."),
    ),
    Quote: (
        QuoteForm,
        lambda item, data: flyers.update_quote(quote=item, **data),
        gettext_lazy("Quote saved: every meeting showing it shows the new text."),
    ),
}


def _edit(request: HttpRequest, group: str, model, pk: int) -> HttpResponse:
    """Edit a statement or a quote, for every meeting that shows it."""
    found = groups.group_for_organiser(user=request.user, slug=group)
    item = get_object_or_404(model.objects.select_related("group"), group=found, pk=pk)
    form_class, update, done = EDIT[model]
    fields = form_class.base_fields
    form = form_class(request.POST or None, initial={n: getattr(item, n) for n in fields})
    if request.method == "POST" and form.is_valid():
        try:
            update(item, form.cleaned_data)
        except ValidationError as error:
            item.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, done)
            return redirect(request.path)
    meetings = selectors.meetings_showing(item)
    context = {"group": item.group, "item": item, "form": form, "meetings": meetings}
    context["kind"] = type(item).__name__.lower()
    return render(request, "flyers/organise/content_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def statement_edit(request: HttpRequest, group: str, statement: int) -> HttpResponse:
    return _edit(request, group, Statement, statement)


@login_required
@require_http_methods(["GET", "POST"])
def quote_edit(request: HttpRequest, group: str, quote: int) -> HttpResponse:
    return _edit(request, group, Quote, quote)
