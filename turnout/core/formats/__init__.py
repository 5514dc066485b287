"""Turnout's own number formats where Django's for a language do not suit its readers
(``FORMAT_MODULE_PATH``; whatever a module leaves out comes from Django's). Dates and
times are not here: they are translatable formats (turnout.core.timefmt)."""

from django.utils.formats import number_format
from django.utils.functional import lazy


def grouped(number: int) -> str:
    """A count with its thousands grouped the active language's way: "1,000" in English
    and Arabic, "1 000" (a no-break space) in Ukrainian."""
    return number_format(number, force_grouping=True)


grouped_lazy = lazy(grouped, str)  # for a text made at import, shown in the reader's language
