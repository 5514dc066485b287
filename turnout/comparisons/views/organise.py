"""The organiser's side of comparison tables: list, create, edit the grid, import,
export, publish (after seeing the consistency check)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from turnout.comparisons import jsonfile, selectors, transfer
from turnout.comparisons import services as comparisons
from turnout.comparisons.forms import (
    CellForm,
    CitationFormSet,
    ComparisonForm,
    LabelForm,
    NewComparisonForm,
    UploadForm,
)
from turnout.comparisons.models import Case, Cell, Comparison, Criterion
from turnout.core import uploads
from turnout.core.forms import add_service_errors
from turnout.groups import selectors as groups


def _table(request: HttpRequest, group: str, comparison: str) -> Comparison:
    found = groups.group_for_organiser(user=request.user, slug=group)
    return get_object_or_404(
        Comparison.objects.select_related("group"), group=found, slug=comparison
    )


def _to_edit(table: Comparison) -> HttpResponse:
    return redirect("organise:comparison_edit", group=table.group.slug, comparison=table.slug)


@login_required
@require_http_methods(["GET", "POST"])
def comparison_list(request: HttpRequest, group: str) -> HttpResponse:
    found = groups.group_for_organiser(user=request.user, slug=group)
    form = NewComparisonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = comparisons.create_comparison(group=found, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Table created. Add criteria and cases."))
            return _to_edit(table)
    tables = selectors.comparisons_for_organisers(group=found)
    context = {"group": found, "tables": tables, "form": form}
    return render(request, "comparisons/organise/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def comparison_edit(request: HttpRequest, group: str, comparison: str) -> HttpResponse:
    table = _table(request, group, comparison)
    initial = {"title": table.title, "introduction": table.introduction}
    form = ComparisonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            comparisons.update_comparison(comparison=table, **form.cleaned_data)
        except ValidationError as error:
            table.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, _("Table saved."))
            return _to_edit(table)
    context = {
        "group": table.group,
        "comparison": table,
        "form": form,
        "label_form": LabelForm(),
        "table": selectors.table_view(table),
    }
    return render(request, "comparisons/organise/edit.html", context)


@login_required
@require_POST
def comparison_add(request: HttpRequest, group: str, comparison: str, kind: str) -> HttpResponse:
    """Add a criterion (row) or a case (column); its cells start "not yet assessed"."""
    table = _table(request, group, comparison)
    add = {"criterion": comparisons.add_criterion, "case": comparisons.add_case}.get(kind)
    if add is None:
        raise Http404
    form = LabelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["label"])
        add(comparison=table, label=form.cleaned_data["label"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _to_edit(table)


@login_required
@require_POST
def comparison_move(
    request: HttpRequest, group: str, comparison: str, kind: str, item: int
) -> HttpResponse:
    table = _table(request, group, comparison)
    model = {"criterion": Criterion, "case": Case}.get(kind)
    if model is None:
        raise Http404
    found = get_object_or_404(model, comparison=table, pk=item)
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        comparisons.move(item=found, direction=direction)
    return _to_edit(table)


@login_required
@require_http_methods(["GET", "POST"])
def cell_edit(request: HttpRequest, group: str, comparison: str, cell: int) -> HttpResponse:
    table = _table(request, group, comparison)
    found = get_object_or_404(
        Cell.objects.select_related("criterion", "case"), criterion__comparison=table, pk=cell
    )
    citations = [
        {name: getattr(c, name) for name in transfer.CITATION_COLUMNS[2:]}
        for c in found.citations.all()
    ]
    form = CellForm(request.POST or None, initial={"text": found.text})
    formset = CitationFormSet(request.POST or None, initial=citations, prefix="citations")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        used = [data for data in formset.cleaned_data if data]
        try:
            comparisons.set_cell(cell=found, text=form.cleaned_data["text"], citations=used)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cell saved."))
            return _to_edit(table)
    context = {"group": table.group, "comparison": table, "cell": found}
    return render(
        request, "comparisons/organise/cell.html", {**context, "form": form, "formset": formset}
    )


@login_required
@require_http_methods(["GET", "POST"])
def comparison_publish(request: HttpRequest, group: str, comparison: str) -> HttpResponse:
    """The consistency check first; publishing anyway is allowed."""
    table = _table(request, group, comparison)
    if request.method == "POST":
        if request.POST.get("action") == "unpublish":
            comparisons.unpublish(comparison=table)
            messages.success(request, _("The table is a draft again."))
        else:
            problems = comparisons.publish(comparison=table)
            messages.success(request, _("Published."))
            if problems:
                messages.warning(
                    request,
                    _("Published with %(count)s problems still listed below.")
                    % {"count": len(problems)},
                )
        return redirect(
            "organise:comparison_publish", group=table.group.slug, comparison=table.slug
        )
    context = {"group": table.group, "comparison": table}
    context["problems"] = comparisons.consistency_check(table)
    return render(request, "comparisons/organise/publish.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def comparison_import(request: HttpRequest, group: str, comparison: str) -> HttpResponse:
    table = _table(request, group, comparison)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, too_large=uploads.too_large(request))
    else:
        form = UploadForm()
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["file"].read(transfer.MAX_FILE_BYTES + 1)
        cites = form.cleaned_data["citations_file"]
        try:
            if content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":  # JSON, else CSV
                jsonfile.import_json(comparison=table, content=content)
            else:
                cites = cites.read(transfer.MAX_FILE_BYTES + 1) if cites else None
                transfer.import_csv(comparison=table, content=content, citations=cites)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Table imported."))
            return _to_edit(table)
    context = {"group": table.group, "comparison": table, "form": form}
    return render(request, "comparisons/organise/import.html", context)


EXPORTS = {
    "table.csv": (transfer.export_csv, "text/csv; charset=utf-8"),
    "citations.csv": (transfer.export_citations_csv, "text/csv; charset=utf-8"),
    "table.json": (jsonfile.export_json, "application/json"),
}


@login_required
def comparison_export(request: HttpRequest, group: str, comparison: str) -> HttpResponse:
    """``?file=table.csv`` (the default), ``citations.csv`` or ``table.json``."""
    table = _table(request, group, comparison)
    name = request.GET.get("file", "table.csv")
    export = EXPORTS.get(name)
    if export is None:
        raise Http404
    render_file, content_type = export
    response = HttpResponse(render_file(table), content_type=content_type)
    filename = f"{table.slug}-{name}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
