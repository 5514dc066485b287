"""A whole table out and in as one JSON document: title, introduction, criteria,
cases, and every cell with its citations. Checked as the CSV import is
(``turnout.comparisons.transfer``): nothing changes unless all of it is right."""

import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from turnout.comparisons import services as comparisons
from turnout.comparisons.models import Comparison
from turnout.comparisons.transfer import (
    ErrorList,
    TableData,
    add_citation,
    as_text,
    csv_text,
    decode,
    parse_csv,
    replace_table,
    table_data,
)

JSON_FORMAT = "turnout-comparison"


def export_json(comparison: Comparison) -> str:
    data = table_data(comparison)
    document = {
        "format": JSON_FORMAT,
        "version": 1,
        "title": comparison.title,
        "introduction": comparison.introduction,
        "criteria": data.criteria,
        "cases": data.cases,
        "cells": [
            {
                "criterion": criterion,
                "case": case,
                "text": data.cells.get((criterion, case), ""),
                "citations": [
                    {name: as_text(value) for name, value in citation.items()}
                    for citation in data.citations.get((criterion, case), [])
                ],
            }
            for criterion in data.criteria
            for case in data.cases
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def parse_json(content: bytes | str) -> tuple[TableData, dict]:
    """The table, and its title and introduction."""
    errors = ErrorList("file")
    text = decode(content, errors)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        document = None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        errors.add(_("This is not a table exported from Turnout as JSON."))
        errors.raise_if_any()
    fields = {}
    for name in ("title", "introduction"):
        if not isinstance(document.get(name, ""), str):
            errors.add(_("“%(name)s” must be text.") % {"name": name})
        fields[name] = document.get(name, "")
    lists = {name: document.get(name) for name in ("criteria", "cases", "cells")}
    if not all(isinstance(value, list) for value in lists.values()):
        errors.add(_("The file needs the lists “criteria”, “cases” and “cells”."))
        errors.raise_if_any()
    header = ["criterion", *(str(v) if isinstance(v, str) else "" for v in lists["cases"])]
    blanks = [""] * len(lists["cases"])
    rows = [header] + [[str(v) if isinstance(v, str) else "", *blanks] for v in lists["criteria"]]
    # The same checks on labels and limits as the CSV's ("Row 2" is the first criterion).
    data = parse_csv(csv_text(rows))
    for n, cell in enumerate(lists["cells"], start=1):
        where = _("Cell %(n)s") % {"n": n}
        if not isinstance(cell, dict) or not isinstance(cell.get("citations", []), list):
            errors.add(_("%(where)s is not a cell.") % {"where": where})
            continue
        key = (str(cell.get("criterion")), str(cell.get("case")))
        if key[0] not in data.criteria or key[1] not in data.cases:
            errors.add(
                _("%(where)s: the table has no criterion “%(criterion)s” or no case “%(case)s”.")
                % {"where": where, "criterion": key[0], "case": key[1]}
            )
            continue
        try:
            data.cells[key] = comparisons.clean_text(cell.get("text", ""))
        except ValidationError as error:
            errors.add(f"{where}: {error.messages[0]}")
        for citation in cell.get("citations", []):
            raw = (
                {**citation, "criterion": key[0], "case": key[1]}
                if isinstance(citation, dict)
                else {}
            )
            add_citation(data.citations, raw, data, where, errors)
    errors.raise_if_any()
    return data, fields


@transaction.atomic
def import_json(*, comparison: Comparison, content: bytes | str) -> None:
    data, fields = parse_json(content)
    comparisons.update_comparison(comparison=comparison, **fields)
    replace_table(comparison=comparison, data=data)
