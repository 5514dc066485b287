"""Statements, quotes and the blocks a meeting shows: the services' rules and bad input."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comparisons.helpers import make_table
from tests.factories import make_event, make_group
from turnout.flyers import selectors
from turnout.flyers import services as flyers
from turnout.flyers.models import EventBlock, Quote, Statement

TODAY = timezone.localdate()


def statement_fields(**fields) -> dict:
    return {
        "title": "What internationalism means",
        "body": "Solidarity without *double standards*.",
        "dated": dt.date(2024, 3, 1),
        **fields,
    }


def quote_fields(**fields) -> dict:
    return {
        "text": "We stand with every people under occupation.",
        "speaker": "Oksana Petrenko",
        "role": "trade union organiser, Kharkiv",
        "said_on": dt.date(2024, 2, 24),
        "source_title": "Kyiv Independent",
        "source_url": "https://kyivindependent.example.org/article",
        **fields,
    }


def errors(call) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def order(event) -> list[str]:
    return [str(block.content) for block in selectors.blocks_for_organisers(event=event)]


# --- statements and quotes ---


def test_create_statement_keeps_clean_text(group):
    statement = flyers.create_statement(
        group=group, **statement_fields(title="  Unite   the struggles ", body="Line 1\r\nLine 2 ")
    )

    assert (statement.title, statement.body) == ("Unite the struggles", "Line 1\nLine 2")
    assert statement.dated == dt.date(2024, 3, 1)


@pytest.mark.parametrize(
    "typed",
    [
        "From Ukraine to Palestine,\r\noccupation is a crime",  # a line break typed
        "From Ukraine to Palestine,\\\noccupation is a crime",  # Markdown's backslash
        "From Ukraine to Palestine,  \noccupation is a crime",  # Markdown's two spaces
        "From Ukraine   to Palestine,\n\n\noccupation is a crime\n",
    ],
)
def test_a_statement_heading_keeps_its_line_breaks(group, typed):
    statement = flyers.create_statement(group=group, **statement_fields(title=typed))

    assert statement.title == "From Ukraine to Palestine,\noccupation is a crime"


def test_a_statement_heading_has_at_most_three_lines(group):
    found = errors(
        lambda: flyers.create_statement(group=group, **statement_fields(title="a\nb\nc\nd"))
    )

    assert found == {"title": ["Keep the heading to three lines or fewer."]}
    assert not Statement.objects.exists()


def test_create_statement_reads_a_typed_date(group):
    statement = flyers.create_statement(group=group, **statement_fields(dated="2024-03-31"))

    assert statement.dated == dt.date(2024, 3, 31)


def test_create_quote_keeps_every_field(group):
    quote = flyers.create_quote(group=group, **quote_fields())

    assert Quote.objects.filter(group=group).get() == quote
    assert (quote.speaker, quote.source_url) == (
        "Oksana Petrenko",
        "https://kyivindependent.example.org/article",
    )


def test_quote_with_no_speaker_is_refused_with_a_clear_message(group):
    assert errors(lambda: flyers.create_quote(group=group, **quote_fields(speaker="   "))) == {
        "speaker": ["Say who said it: a quote needs a speaker."]
    }
    assert Quote.objects.count() == 0


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,hi", "file:///etc/passwd", "example.org"]
)
def test_quote_source_must_be_a_web_address(group, url):
    assert errors(lambda: flyers.create_quote(group=group, **quote_fields(source_url=url))) == {
        "source_url": ["Enter a web address starting with https:// or http://."]
    }
    assert Quote.objects.count() == 0


def test_dates_in_the_future_are_refused(group):
    tomorrow = TODAY + dt.timedelta(days=1)

    assert errors(lambda: flyers.create_quote(group=group, **quote_fields(said_on=tomorrow))) == {
        "said_on": ["This date is in the future."]
    }
    assert errors(
        lambda: flyers.create_statement(group=group, **statement_fields(dated=tomorrow))
    ) == {"dated": ["This date is in the future."]}


def test_a_date_that_is_not_a_date_is_refused(group):
    assert errors(
        lambda: flyers.create_statement(group=group, **statement_fields(dated="31/03/2024"))
    ) == {"dated": ["Enter the date as year-month-day, like 2024-03-31."]}


def test_control_characters_are_refused(group):
    assert errors(
        lambda: flyers.create_statement(
            group=group, **statement_fields(body="a\x00b", title="x\x07")
        )
    ) == {
        "title": ["This cannot hold control characters."],
        "body": ["This cannot hold control characters."],
    }
    assert errors(lambda: flyers.create_quote(group=group, **quote_fields(text="\x1b[31m"))) == {
        "text": ["This cannot hold control characters."]
    }


def test_over_long_text_is_refused_with_the_limit(group):
    assert errors(
        lambda: flyers.create_statement(group=group, **statement_fields(body="a" * 10_001))
    ) == {"body": ["Keep this to 10,000 characters; it has 10,001."]}
    assert errors(lambda: flyers.create_quote(group=group, **quote_fields(text="b" * 1_001))) == {
        "text": ["Keep this to 1,000 characters; it has 1,001."]
    }
    assert errors(
        lambda: flyers.create_statement(group=group, **statement_fields(title="t" * 201))
    ) == {"title": ["Keep this to 200 characters."]}
    assert Statement.objects.count() == Quote.objects.count() == 0


def test_update_quote_that_fails_changes_nothing(group):
    quote = flyers.create_quote(group=group, **quote_fields())

    errors(lambda: flyers.update_quote(quote=quote, **quote_fields(speaker="")))

    quote.refresh_from_db()
    assert quote.speaker == "Oksana Petrenko"


def test_update_statement_changes_it_for_every_meeting(group, event):
    other = make_event(group=group, title="Second meeting")
    statement = flyers.create_statement(group=group, **statement_fields())
    flyers.attach(event=event, content=statement)
    flyers.attach(event=other, content=statement)

    flyers.update_statement(statement=statement, **statement_fields(title="New heading"))

    assert order(event) == order(other) == ["New heading"]


# --- attaching, ordering, removing ---


def test_attach_puts_each_block_after_the_others(group, event):
    statement = flyers.create_statement(group=group, **statement_fields())
    quote = flyers.create_quote(group=group, **quote_fields())
    table = make_table(group=group, criteria=["Cost"], cases=["A"], title="Costs")

    for content in (quote, table, statement):
        flyers.attach(event=event, content=content)

    assert [b.kind for b in selectors.event_blocks(event)] == ["quote", "comparison", "statement"]


def test_attach_refuses_another_groups_content(event):
    other = make_group(name="Another Group")
    foreign = [
        flyers.create_statement(group=other, **statement_fields()),
        flyers.create_quote(group=other, **quote_fields()),
        make_table(group=other, criteria=["Cost"], cases=["A"]),
    ]

    for content in foreign:
        with pytest.raises(ValidationError) as caught:
            flyers.attach(event=event, content=content)
        assert caught.value.messages == [
            "Only the group's own statements, quotes and tables can be shown."
        ]

    assert EventBlock.objects.count() == 0


def test_attach_twice_is_refused(group, event):
    quote = flyers.create_quote(group=group, **quote_fields())
    flyers.attach(event=event, content=quote)

    with pytest.raises(ValidationError) as caught:
        flyers.attach(event=event, content=quote)

    assert caught.value.messages == ["This meeting already shows it."]
    assert EventBlock.objects.count() == 1


def test_a_21st_block_is_refused(group, event):
    for i in range(20):
        flyers.attach(
            event=event,
            content=flyers.create_statement(group=group, **statement_fields(title=f"S{i}")),
        )
    extra = flyers.create_statement(group=group, **statement_fields(title="One too many"))

    with pytest.raises(ValidationError) as caught:
        flyers.attach(event=event, content=extra)

    assert caught.value.messages == ["A meeting can show up to 20 blocks."]
    assert EventBlock.objects.filter(event=event).count() == 20


def test_add_statement_keeps_nothing_when_the_meeting_is_full(group, event):
    for i in range(20):
        flyers.add_quote(event=event, **quote_fields(text=f"Words {i}"))

    with pytest.raises(ValidationError):
        flyers.add_statement(event=event, **statement_fields())

    assert Statement.objects.count() == 0


def test_add_quote_creates_and_attaches(group, event):
    block = flyers.add_quote(event=event, **quote_fields())

    assert block.quote == Quote.objects.get()
    assert block.quote.group == group


def test_move_swaps_with_the_neighbour(group, event):
    for title in ("A", "B", "C"):
        flyers.add_statement(event=event, **statement_fields(title=title))
    b = EventBlock.objects.get(statement__title="B")

    flyers.move_block(block=b, direction="up")
    assert order(event) == ["B", "A", "C"]

    flyers.move_block(block=b, direction="down")
    flyers.move_block(block=b, direction="down")
    assert order(event) == ["A", "C", "B"]


def test_move_at_the_ends_changes_nothing(group, event):
    for title in ("A", "B"):
        flyers.add_statement(event=event, **statement_fields(title=title))
    first, last = selectors.blocks_for_organisers(event=event)

    flyers.move_block(block=first, direction="up")
    flyers.move_block(block=last, direction="down")

    assert order(event) == ["A", "B"]


def test_move_in_another_direction_is_refused(group, event):
    block = flyers.add_statement(event=event, **statement_fields())

    with pytest.raises(ValidationError) as caught:
        flyers.move_block(block=block, direction="sideways")

    assert caught.value.messages == ["Move a block up or down."]


def test_detach_keeps_the_statement_for_other_meetings(group, event):
    block = flyers.add_statement(event=event, **statement_fields())

    flyers.detach(block=block)

    assert order(event) == []
    assert Statement.objects.filter(group=group).count() == 1


def test_event_blocks_leaves_out_draft_tables(group, event):
    draft = make_table(group=group, criteria=["Cost"], cases=["A"], published=False)
    flyers.attach(event=event, content=draft)

    assert selectors.event_blocks(event) == []
    assert [b.kind for b in selectors.event_blocks(event, with_drafts=True)] == ["comparison"]


# --- arbitrary text never raises anything but ValidationError ---

TEXT = st.one_of(
    st.none(),
    st.text(max_size=1_200),
    st.sampled_from(["", "<script>alert(1)</script>", "javascript:alert(1)", "\x00", "2024-02-30"]),
    st.dates().map(str),
)


@settings(max_examples=200, deadline=None)
@given(
    raw=st.fixed_dictionaries(
        dict.fromkeys(("text", "speaker", "role", "said_on", "source_title", "source_url"), TEXT)
    )
)
def test_clean_quote_takes_any_text(raw):
    try:
        clean = flyers.clean_quote(raw)
    except ValidationError as error:
        assert error.message_dict
    else:
        assert clean["speaker"] and clean["text"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.fixed_dictionaries(dict.fromkeys(("title", "body", "dated"), TEXT)))
def test_clean_statement_takes_any_text(raw):
    try:
        clean = flyers.clean_statement(raw)
    except ValidationError as error:
        assert error.message_dict
    else:
        assert clean["title"] and clean["body"] and clean["dated"] <= TODAY
