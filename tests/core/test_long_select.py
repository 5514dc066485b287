"""The long menus (time zones) come out exactly as Django's own Select draws them."""

import pytest
from django import forms

from turnout.core.forms import LongSelect
from turnout.core.timezones import time_zone_choices, zone_menu


@pytest.mark.parametrize(
    "choices",
    [time_zone_choices(), zone_menu(first="Europe/Kyiv", keep=("Etc/GMT+5",))],
    ids=["every zone", "the meeting form's menu, by region"],
)
@pytest.mark.parametrize("value", ["Europe/Kyiv", "Etc/GMT+5", "", '"><script>'])
def test_a_long_menu_is_drawn_as_djangos_own(choices, value):
    attrs = {"id": "id_time_zone", "required": True, "aria-describedby": "x"}

    ours = LongSelect(choices=choices, attrs=attrs).render("time_zone", value)

    assert ours == forms.Select(choices=choices, attrs=attrs).render("time_zone", value)
    assert "<script>" not in ours
