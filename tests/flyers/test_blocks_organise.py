"""The organiser's block pages, and the blocks on the public event page."""

import datetime as dt
import re

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comparisons.helpers import citation, make_table
from tests.factories import make_event
from tests.flyers.helpers import QUOTE as REFERENCE_QUOTE
from tests.flyers.helpers import pdf_text_lines
from turnout.flyers import render, selectors
from turnout.flyers import services as flyers
from turnout.flyers.models import EventBlock, Quote, Statement

QUOTE = {
    "text": "We stand with every people under occupation.",
    "speaker": "Oksana Petrenko",
    "role": "trade union organiser",
    "said_on": "2024-02-24",
    "source_title": "Kyiv Independent",
    "source_url": "https://kyivindependent.example.org/article",
}
STATEMENT = {
    "title": "Unite the struggles",
    "body": "No *double standards*.",
    "dated": "2024-03-01",
}


def blocks_url(event, *rest) -> str:
    return "/".join([f"/organise/groups/{event.group.slug}/events/{event.slug}/blocks", *rest, ""])


def public_url(event) -> str:
    return f"/{event.group.slug}/events/{event.slug}/"


def order(event) -> list[str]:
    return [str(block.content) for block in selectors.blocks_for_organisers(event=event)]


def text_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def statement(group):
    return flyers.create_statement(group=group, **STATEMENT)


@pytest.fixture
def quote(group):
    return flyers.create_quote(group=group, **QUOTE)


# --- permissions ---


def test_anonymous_is_sent_to_log_in(client, event):
    response = client.get(blocks_url(event))

    assert response.status_code == 302
    assert response["Location"].startswith("/organise/login/")


def test_another_groups_organiser_gets_404_and_changes_nothing(outsider_client, event, quote):
    block = flyers.attach(event=event, content=quote)

    for path in (
        blocks_url(event),
        blocks_url(event, "new", "quote"),
        blocks_url(event, str(block.pk), "move"),
        blocks_url(event, str(block.pk), "remove"),
        f"/organise/groups/{event.group.slug}/quotes/{quote.pk}/",
    ):
        assert outsider_client.get(path).status_code in (404, 405)
        assert outsider_client.post(path, {**QUOTE, "direction": "up"}).status_code == 404

    assert EventBlock.objects.count() == Quote.objects.count() == 1


def test_another_groups_block_id_is_404(organiser_client, group, event, quote):
    other_event = make_event(group=group, title="Other meeting")
    block = flyers.attach(event=other_event, content=quote)

    for action in ("move", "remove"):
        response = organiser_client.post(blocks_url(event, str(block.pk), action))
        assert response.status_code == 404
    assert order(other_event) == [str(quote)]


def test_a_statement_of_another_group_is_404(organiser_client, outsider, group):
    from turnout.groups.models import Group

    theirs = flyers.create_statement(group=Group.objects.get(slug="another"), **STATEMENT)

    response = organiser_client.get(f"/organise/groups/{group.slug}/statements/{theirs.pk}/")

    assert response.status_code == 404


def test_new_of_an_unknown_kind_is_404(organiser_client, event):
    assert organiser_client.get(blocks_url(event, "new", "comparison")).status_code == 404
    assert organiser_client.post(blocks_url(event, "new", "poem"), QUOTE).status_code == 404


def test_get_on_post_only_pages_is_405(organiser_client, event, quote):
    block = flyers.attach(event=event, content=quote)

    for action in ("move", "remove"):
        response = organiser_client.get(blocks_url(event, str(block.pk), action))
        assert response.status_code == 405
    assert order(event) == [str(quote)]


def test_posts_need_the_csrf_token(organiser, event, quote):
    block = flyers.attach(event=event, content=quote)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)

    for path, data in (
        (blocks_url(event, "new", "statement"), STATEMENT),
        (blocks_url(event, str(block.pk), "remove"), {}),
        (blocks_url(event, str(block.pk), "move"), {"direction": "down"}),
        (f"/organise/groups/{event.group.slug}/quotes/{quote.pk}/", {**QUOTE, "speaker": "X"}),
    ):
        assert client.post(path, data).status_code == 403

    assert order(event) == [str(quote)]
    assert Statement.objects.count() == 0


# --- the pages ---


def test_event_edit_page_links_to_the_blocks(organiser_client, event):
    response = organiser_client.get(f"/organise/groups/{event.group.slug}/events/{event.slug}/")

    assert f'href="{blocks_url(event)}">Statements, quotes and flyer</a>' in text_of(response)


def test_blocks_page_lists_blocks_and_flyer_links(organiser_client, event, statement, quote):
    flyers.attach(event=event, content=statement)
    flyers.attach(event=event, content=quote)

    html = text_of(organiser_client.get(blocks_url(event)))

    assert html.index("Unite the struggles") < html.index("Oksana Petrenko")
    assert html.count(">Move up</button>") == 1  # not on the first
    assert html.count(">Move down</button>") == 1  # not on the last
    assert html.count(">Remove from this meeting</button>") == 2
    for link in ("flyer.pdf?size=A4", "flyer.pdf?size=A5", "flyer.png"):
        assert f'href="/{event.group.slug}/events/{event.slug}/{link}"' in html


def test_new_statement_creates_and_attaches(organiser_client, event):
    response = organiser_client.post(blocks_url(event, "new", "statement"), STATEMENT)

    assert response.status_code == 302
    assert response["Location"] == blocks_url(event)
    assert order(event) == ["Unite the struggles"]
    page = text_of(organiser_client.get(response["Location"]))
    assert "Statement added to this meeting." in page


def test_new_quote_form_has_labelled_date_fields(organiser_client, event):
    html = text_of(organiser_client.get(blocks_url(event, "new", "quote")))

    assert '<label for="id_said_on">Date said:</label>' in html
    assert re.search(
        r'<input type="date" name="said_on"[^>]*aria-describedby="id_said_on_helptext"', html
    )
    assert '<label for="id_speaker">Who said it:</label>' in html


def test_quote_with_no_speaker_gets_the_message_and_changes_nothing(organiser_client, event):
    response = organiser_client.post(blocks_url(event, "new", "quote"), {**QUOTE, "speaker": ""})

    assert response.status_code == 200
    assert "Say who said it: a quote needs a speaker." in text_of(response)
    assert 'value="We stand' not in text_of(response)  # the textarea keeps it instead
    assert "We stand with every people under occupation." in text_of(response)
    assert Quote.objects.count() == EventBlock.objects.count() == 0


def test_quote_with_a_javascript_source_is_refused(organiser_client, event):
    data = {**QUOTE, "source_url": "javascript:alert(1)"}

    response = organiser_client.post(blocks_url(event, "new", "quote"), data)

    assert "Enter a web address starting with https:// or http://." in text_of(response)
    assert Quote.objects.count() == 0


def test_future_date_is_refused_on_the_form(organiser_client, event):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()

    response = organiser_client.post(
        blocks_url(event, "new", "statement"), {**STATEMENT, "dated": tomorrow}
    )

    assert "This date is in the future." in text_of(response)
    assert Statement.objects.count() == 0


def test_the_picker_shortens_a_quote_at_a_word_boundary(organiser_client, group, event):
    flyers.create_quote(group=group, **{**REFERENCE_QUOTE, "speaker": "Sergei Lavrov"})
    page = text_of(organiser_client.get(blocks_url(event)))

    # Not "…its ongoing operation again”", which reads as "again".
    assert "Sergei Lavrov: “The goals declared by Israel for its ongoing operation…”" in page


def test_attach_an_existing_quote_and_a_draft_table(organiser_client, group, event, quote):
    draft = make_table(group=group, criteria=["Cost"], cases=["A"], published=False)
    page = text_of(organiser_client.get(blocks_url(event)))
    assert f'<option value="quote-{quote.pk}">' in page
    assert "(draft: shown once published)" in page

    organiser_client.post(blocks_url(event), {"content": f"quote-{quote.pk}"})
    response = organiser_client.post(blocks_url(event), {"content": f"comparison-{draft.pk}"})

    assert response.status_code == 302
    assert order(event) == [str(quote), draft.title]
    page = text_of(organiser_client.get(blocks_url(event)))
    assert f'value="quote-{quote.pk}"' not in page  # attached already: not offered again
    assert "Draft: shown once published" in page


def test_attach_something_not_offered_is_refused(organiser_client, outsider, event, quote):
    from turnout.groups.models import Group

    theirs = flyers.create_quote(group=Group.objects.get(slug="another"), **QUOTE)
    flyers.attach(event=event, content=quote)

    for value in (f"quote-{theirs.pk}", f"quote-{quote.pk}", "quote-x", ""):
        response = organiser_client.post(blocks_url(event), {"content": value})
        assert response.status_code == 200
        assert 'class="errorlist"' in text_of(response)

    assert order(event) == [str(quote)]


def test_move_and_remove(organiser_client, event, statement, quote):
    first = flyers.attach(event=event, content=statement)
    flyers.attach(event=event, content=quote)

    response = organiser_client.post(
        blocks_url(event, str(first.pk), "move"), {"direction": "down"}
    )
    assert response.status_code == 302
    assert order(event) == [str(quote), str(statement)]

    organiser_client.post(blocks_url(event, str(first.pk), "move"), {"direction": "sideways"})
    assert order(event) == [str(quote), str(statement)]

    organiser_client.post(blocks_url(event, str(first.pk), "remove"))
    assert order(event) == [str(quote)]
    assert Statement.objects.filter(pk=statement.pk).exists()


def test_edit_statement_says_it_changes_every_meeting(organiser_client, group, event, statement):
    flyers.attach(event=event, content=statement)
    path = f"/organise/groups/{group.slug}/statements/{statement.pk}/"

    page = text_of(organiser_client.get(path))
    assert "Changes show on every meeting using it" in page
    assert 'value="2024-03-01"' in page

    response = organiser_client.post(path, {**STATEMENT, "title": "Solidarity, everywhere"})
    assert response.status_code == 302
    statement.refresh_from_db()
    assert statement.title == "Solidarity, everywhere"


def test_edit_quote_with_bad_input_changes_nothing(organiser_client, group, quote):
    path = f"/organise/groups/{group.slug}/quotes/{quote.pk}/"

    response = organiser_client.post(path, {**QUOTE, "speaker": " ", "text": "Changed"})

    assert "Say who said it: a quote needs a speaker." in text_of(response)
    quote.refresh_from_db()
    assert (quote.speaker, quote.text) == ("Oksana Petrenko", QUOTE["text"])


# --- the public event page ---


def test_event_page_shows_the_blocks_in_order(client, group, event, statement, quote):
    flyers.attach(event=event, content=quote)
    flyers.attach(event=event, content=statement)

    html = text_of(client.get(public_url(event)))

    assert html.index("We stand with every people") < html.index("Unite the struggles")
    assert "<em>double standards</em>" in html
    assert f'— <bdi>{group.name}</bdi>, <time datetime="2024-03-01">1 March 2024</time>' in html
    assert '<blockquote dir="auto">' in html
    assert (
        '<a href="https://kyivindependent.example.org/article" rel="nofollow noopener">'
        '<cite dir="auto">Kyiv Independent</cite></a>' in html
    )
    assert "24 February 2024" in html


def test_hostile_text_stays_inert_on_the_event_page(organiser_client, client, event):
    organiser_client.post(
        blocks_url(event, "new", "statement"),
        {
            "title": "<script>alert('t')</script>",
            "body": "[x](javascript:alert(1)) <script>alert('b')</script> "
            "<img src=x onerror=alert(2)>",
            "dated": "2024-03-01",
        },
    )
    organiser_client.post(
        blocks_url(event, "new", "quote"),
        {**QUOTE, "text": "<script>alert('q')</script>", "speaker": '"><b onmouseover=x>'},
    )
    assert len(order(event)) == 2

    html = text_of(client.get(public_url(event)))

    assert "<script>alert(" not in html
    assert re.search(r"href=[\"']?\s*javascript:", html, re.IGNORECASE) is None
    assert "[x](javascript:alert(1))" in html  # shown as text, not a link
    assert re.search(r"<img[^>]*onerror", html) is None
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;" in html


def test_a_draft_table_is_not_on_the_public_event_page(client, group, event):
    draft = make_table(
        group=group, criteria=["Cost"], cases=["A"], published=False, title="Secret draft table"
    )
    flyers.attach(event=event, content=draft)

    html = text_of(client.get(public_url(event)))

    assert "Secret draft table" not in html


def test_event_page_shows_a_table_s_assessed_cases_names_the_others_with_unique_footnotes(
    client, group, event
):
    first = make_table(
        group=group,
        criteria=["Cost", "Speed"],
        cases=["Kyiv", "Gaza", "Khartoum"],
        texts={("Cost", "Kyiv"): "12% more"},
        cited={("Cost", "Kyiv"): [citation()]},
        slug="first",
        title="First table",
    )
    second = make_table(
        group=group,
        criteria=["Cost"],
        cases=["A"],
        texts={("Cost", "A"): "3 times"},
        cited={("Cost", "A"): [citation(title="Second source")]},
        slug="second",
        title="Second table",
    )
    flyers.attach(event=event, content=first)
    flyers.attach(event=event, content=second)

    html = text_of(client.get(public_url(event)))

    assert f'<a href="/{group.slug}/comparisons/first/" dir="auto">First table</a>' in html
    assert '<th scope="col" dir="auto">Kyiv</th>' in html
    # Kyiv's empty cell, in the wide table and the stacked one; the cases not assessed
    # at all are named under the table, with a link to all of it.
    assert html.count('class="not-assessed"') == 2
    assert '<p class="not-yet">Not yet assessed: <bdi>Gaza</bdi>, <bdi>Khartoum</bdi>.' in html
    assert '<th scope="col">Gaza</th>' not in html
    assert f'<a href="/{group.slug}/comparisons/first/">See the whole table</a>' in html
    ids = re.findall(r'<li id="(cite-[^"]+)"', html)
    assert ids == ["cite-1-1", "cite-2-1"]
    assert html.count('href="#cite-1-1"') == 2 and html.count('href="#cite-2-1"') == 2


def test_comparison_page_keeps_its_footnote_ids(client, group):
    make_table(
        group=group,
        criteria=["Cost"],
        cases=["A"],
        texts={("Cost", "A"): "12%"},
        cited={("Cost", "A"): [citation()]},
        slug="alone",
    )

    html = text_of(client.get(f"/{group.slug}/comparisons/alone/"))

    assert re.findall(r'<li id="(cite-[^"]+)"', html) == ["cite-1"]
    assert html.count('href="#cite-1"') == 2


def test_arabic_quote_reads_right_to_left(client, group, event):
    flyers.add_quote(
        event=event, **{**QUOTE, "text": "التضامن بلا معايير مزدوجة", "speaker": "أمل"}
    )

    html = text_of(client.get(public_url(event)))

    assert '<blockquote dir="auto"><p>التضامن بلا معايير مزدوجة</p></blockquote>' in html
    assert '<figcaption dir="auto">' in html


# --- arbitrary text in the forms: never a server error ---

ANY = st.one_of(st.text(max_size=300), st.sampled_from(["<script>", "javascript:x", "\x00", ""]))


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    data=st.fixed_dictionaries(
        {k: st.one_of(st.just(v), ANY) for k, v in {**QUOTE, **STATEMENT}.items()}
    )
)
def test_block_forms_take_any_text(organiser_client, event, data):
    for kind in ("statement", "quote"):
        assert organiser_client.post(blocks_url(event, "new", kind), data).status_code in (200, 302)
    assert organiser_client.post(blocks_url(event), {"content": data["title"]}).status_code == 200


def test_a_statement_heading_breaks_where_it_was_typed_on_the_page_and_flyer(client, group, event):
    heading = flyers.create_statement(
        group=group, **{**STATEMENT, "title": "From Ukraine to Palestine,\noccupation is a crime"}
    )
    flyers.attach(event=event, content=heading)

    page = text_of(client.get(public_url(event)))
    assert "From Ukraine to Palestine,<br>occupation is a crime</h2>" in page
    text = pdf_text_lines(render.flyer_pdf(event, "A4"))
    assert "From Ukraine to Palestine," in text
    assert text[text.index("From Ukraine to Palestine,") + 1] == "occupation is a crime"
