"""The mailing list's pages: follow by email, confirm, unsubscribe, and the organiser's side."""

import csv
import datetime as dt
import io
import re
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import make_group, make_user
from tests.mail import outbox
from tests.mailing.test_subscriptions import NO_EMAIL_COLUMN, NOT_CSV, PNG
from turnout.core.models import Message, RateCounter
from turnout.core.validators import normalise_email
from turnout.mailing.models import Subscriber, Suppression
from turnout.mailing.services import subscriptions

CHECK_INBOX = "<h1>Check your inbox</h1>"
TOO_MANY_FROM_CONNECTION = "Too many requests from your connection. Wait a minute and try again."
TOO_MANY_FOR_ADDRESS = "Too many requests for this email address. Wait an hour and try again."
LINK_INVALID = "<h1>This link does not work</h1>"


def subscribe(group, email: str) -> Subscriber:
    token = subscriptions.confirmation_token(group=group, email=email)
    return subscriptions.confirm_subscription(token=token)


def confirm_path(message) -> str:
    (path,) = re.findall(r"http://127\.0\.0\.1:8000(/subscriptions/confirm/[^/\s]+/)", message.body)
    return path


def unsubscribe_path(subscriber: Subscriber) -> str:
    return subscriptions.unsubscribe_url(subscriber).removeprefix("http://127.0.0.1:8000")


def recipients() -> list[str]:
    return [email.to[0] for email in outbox()]


def html(response) -> str:
    return response.content.decode()


def field_errors(response, field: str = "email") -> list[str]:
    return list(response.context["follow_form"].errors.get(field, []))


def fresh_window(seconds: int) -> None:
    """Wait for a new rate-limit window if this one ends within 5 s (no straddling)."""
    left = seconds - time.time() % seconds
    if left < 5:
        time.sleep(left + 0.1)


# --- follow by email ---


def test_group_page_has_a_follow_by_email_form(client, group):
    page = html(client.get("/uig/"))

    assert '<form method="post" action="/uig/subscribe/" class="form follow-form" novalidate>' in (
        page
    )
    assert '<label for="id_email">Your email address:</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert (
        '<div class="trap" aria-hidden="true"><label for="id_website">Leave this field empty:'
        "</label> "
        '<input type="text" name="website" tabindex="-1" autocomplete="off" id="id_website">'
        "</div>"
    ) in page
    assert '<button type="submit">Follow by email</button>' in page


def test_subscribe_page_shows_the_form_without_javascript(client, group):
    response = client.get("/uig/subscribe/")

    assert response.status_code == 200
    assert '<form method="post" action="/uig/subscribe/"' in html(response)


def test_subscribe_emails_a_link_and_stores_nothing(client, group):
    response = client.post("/uig/subscribe/", {"email": "Olena@Example.org"})

    assert response.status_code == 200
    assert CHECK_INBOX in html(response)
    assert recipients() == ["olena@example.org"]
    assert Subscriber.objects.count() == 0


def test_subscribe_again_shows_the_same_page_and_sends_nothing(client, group):
    subscribe(group, "olena@example.org")

    known = client.post("/uig/subscribe/", {"email": "olena@example.org"})
    new = client.post("/uig/subscribe/", {"email": "taras@example.org"})

    assert html(known).replace("olena@example.org", "@") == html(new).replace(
        "taras@example.org", "@"
    )
    assert recipients() == ["taras@example.org"]
    assert Subscriber.objects.count() == 1


def test_subscribe_twice_before_confirming_is_harmless(client, group):
    client.post("/uig/subscribe/", {"email": "olena@example.org"})
    client.post("/uig/subscribe/", {"email": "olena@example.org"})

    for message in outbox():
        client.post(confirm_path(message))

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["olena@example.org"]


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-address", "Enter a valid email address."),
        ("", "This field is required."),
        (
            "olena@example.org\nBcc: all@example.org",
            "An email address cannot contain a line break.",
        ),
        ("olena@example.org\n", "An email address cannot contain a line break."),
        (
            "olena@example.org\r\nBcc: x@example.org",
            "An email address cannot contain a line break.",
        ),
    ],
    ids=["malformed", "empty", "header-injection", "trailing-newline", "crlf"],
)
def test_subscribe_with_a_bad_address_shows_the_field_message_and_queues_nothing(
    client, group, email, message
):
    response = client.post("/uig/subscribe/", {"email": email})

    assert response.status_code == 200
    assert field_errors(response) == [message]
    assert f'<ul class="errorlist" id="id_email_error"><li>{message}</li></ul>' in html(response)
    assert Message.objects.count() == 0


def test_subscribe_from_a_bot_filling_the_trap_shows_the_same_page_and_sends_nothing(client, group):
    response = client.post(
        "/uig/subscribe/", {"email": "olena@example.org", "website": "http://spam.example"}
    )

    assert CHECK_INBOX in html(response)
    assert Message.objects.count() == 0


def test_subscribe_to_an_unknown_group_is_404(client, db):
    response = client.post("/nobody/subscribe/", {"email": "olena@example.org"})

    assert response.status_code == 404
    assert Message.objects.count() == 0


def test_subscribe_without_a_csrf_token_is_refused(group):
    response = Client(enforce_csrf_checks=True).post(
        "/uig/subscribe/", {"email": "olena@example.org"}
    )

    assert response.status_code == 403
    assert Message.objects.count() == 0


SUBSCRIBE_TEXT = hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SUBSCRIBE_TEXT
@given(email=st.one_of(st.text(max_size=300), st.emails().map(str)), trap=st.text(max_size=20))
def test_subscribe_takes_any_text_and_only_ever_mails_a_valid_address(
    client, group, settings, email, trap
):
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["127.0.0.1"]
    Message.objects.all().delete()

    response = client.post("/uig/subscribe/", {"email": email, "website": trap})

    assert response.status_code == 200
    assert Subscriber.objects.count() == 0
    for sent in Message.objects.values_list("to_email", flat=True):
        assert "\n" not in email
        assert sent == normalise_email(email)


# --- rate limits ---


def test_subscribe_from_one_address_is_limited_to_ten_a_minute(client, group):
    fresh_window(60)

    responses = [
        client.post("/uig/subscribe/", {"email": f"person{n}@example.org"}) for n in range(30)
    ]

    assert [r.status_code for r in responses] == [200] * 10 + [429] * 20
    refused = html(responses[10])
    assert "<h1>Too many requests</h1>" in refused
    assert TOO_MANY_FROM_CONNECTION in refused
    assert responses[10]["Retry-After"] == "60"
    assert recipients() == [f"person{n}@example.org" for n in range(10)]


def test_subscribe_limit_is_counted_in_the_database_for_every_process(group):
    fresh_window(60)
    first, second = Client(), Client()  # two browsers, or two gunicorn workers' views

    statuses = [
        (first if n % 2 else second).post("/uig/subscribe/", {"email": f"p{n}@example.org"})
        for n in range(12)
    ]

    assert [r.status_code for r in statuses] == [200] * 10 + [429] * 2
    (counter,) = RateCounter.objects.filter(key__startswith="subscribe-address:")
    assert counter.count == 12
    assert len(outbox()) == 10


def test_subscribe_limit_counts_each_client_address_on_its_own(client, group):
    fresh_window(60)
    for n in range(10):
        client.post("/uig/subscribe/", {"email": f"p{n}@example.org"}, REMOTE_ADDR="203.0.113.1")

    response = client.post(
        "/uig/subscribe/", {"email": "olena@example.org"}, REMOTE_ADDR="203.0.113.2"
    )

    assert response.status_code == 200
    assert len(outbox()) == 11


def test_subscribe_one_address_is_asked_at_most_three_times_an_hour(client, group):
    fresh_window(60 * 60)

    responses = [
        client.post("/uig/subscribe/", {"email": "olena@example.org"}, REMOTE_ADDR=f"203.0.113.{n}")
        for n in range(5)
    ]

    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert TOO_MANY_FOR_ADDRESS in html(responses[3])
    assert responses[3]["Retry-After"] == "3600"
    assert recipients() == ["olena@example.org"] * 3


def test_subscribe_limit_spares_an_exempt_load_client_but_still_counts(client, group, settings):
    fresh_window(60)
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["127.0.0.1"]

    statuses = [
        client.post("/uig/subscribe/", {"email": f"p{n}@example.org"}).status_code
        for n in range(15)
    ]

    assert statuses == [200] * 15
    assert RateCounter.objects.get(key__startswith="subscribe-address:").count == 15


def test_subscribe_refused_by_the_limit_changes_nothing_but_the_counter(client, group):
    fresh_window(60)
    for n in range(10):
        client.post("/uig/subscribe/", {"email": f"p{n}@example.org"})
    before = (Message.objects.count(), Subscriber.objects.count())

    response = client.post("/uig/subscribe/", {"email": "olena@example.org"})

    assert response.status_code == 429
    assert (Message.objects.count(), Subscriber.objects.count()) == before


# --- confirm ---


def test_confirm_link_opened_shows_a_button_and_confirms_nothing(client, group):
    client.post("/uig/subscribe/", {"email": "olena@example.org"})

    response = client.get(confirm_path(outbox()[0]))

    assert response.status_code == 200
    page = html(response)
    assert (
        "Send news of <bdi>Ukraine Information Group</bdi>’s meetings to olena@example.org?" in page
    )
    assert '<button type="submit">Yes, email me</button>' in page
    assert Subscriber.objects.count() == 0


def test_confirm_button_subscribes(group):
    browser = Client(enforce_csrf_checks=True)
    browser.post(
        "/uig/subscribe/",
        {"email": "olena@example.org", "csrfmiddlewaretoken": csrf_token(browser, "/uig/")},
    )
    path = confirm_path(outbox()[0])

    response = browser.post(path, {"csrfmiddlewaretoken": csrf_token(browser, path)})

    assert response.status_code == 200
    assert "<h1>You follow <bdi>Ukraine Information Group</bdi> by email</h1>" in html(response)
    assert list(Subscriber.objects.values_list("email", "source")) == [
        ("olena@example.org", "form")
    ]


def test_confirm_button_twice_is_harmless(client, group):
    client.post("/uig/subscribe/", {"email": "olena@example.org"})
    path = confirm_path(outbox()[0])
    client.post(path)

    response = client.post(path)

    assert response.status_code == 200
    assert Subscriber.objects.count() == 1


def test_confirm_with_an_expired_link_is_a_400_saying_so(client, group):
    token = subscriptions.confirmation_token(
        group=group, email="olena@example.org", issued_at=timezone.now() - dt.timedelta(days=8)
    )

    for response in (
        client.get(f"/subscriptions/confirm/{token}/"),
        client.post(f"/subscriptions/confirm/{token}/"),
    ):
        assert response.status_code == 400
        assert LINK_INVALID in html(response)
        assert "This link is more than 7 days old." in html(response)
    assert Subscriber.objects.count() == 0


def test_confirm_link_from_before_an_unsubscribe_is_a_400(client, group):
    client.post("/uig/subscribe/", {"email": "olena@example.org"})
    path = confirm_path(outbox()[0])
    client.post(path)
    client.post(unsubscribe_path(Subscriber.objects.get()))

    response = client.get(path)

    assert response.status_code == 400
    assert "It may be mistyped or cut short, or no longer valid." in html(response)
    assert client.post(path).status_code == 400
    assert Subscriber.objects.count() == 0


@pytest.mark.parametrize("method", ["get", "post"])
def test_confirm_with_a_forged_link_is_a_400(client, group, method):
    token = subscriptions.confirmation_token(group=group, email="olena@example.org")

    response = getattr(client, method)(f"/subscriptions/confirm/{token[:-3]}xyz/")

    assert response.status_code == 400
    assert LINK_INVALID in html(response)
    assert "It may be mistyped or cut short, or no longer valid." in html(response)
    assert Subscriber.objects.count() == 0


# --- unsubscribe ---


def csrf_token(client: Client, path: str) -> str:
    (token,) = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(client.get(path)))
    return token


def test_unsubscribe_link_opened_shows_a_button_and_changes_nothing(client, group):
    subscriber = subscribe(group, "olena@example.org")

    response = client.get(unsubscribe_path(subscriber))

    assert response.status_code == 200
    assert '<button type="submit">Unsubscribe</button>' in html(response)
    assert "olena@example.org" not in html(response)
    assert Subscriber.objects.count() == 1
    assert Suppression.objects.count() == 0


def test_unsubscribe_button_unsubscribes_with_its_csrf_token(group):
    subscriber = subscribe(group, "olena@example.org")
    browser = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(subscriber)

    response = browser.post(path, {"csrfmiddlewaretoken": csrf_token(browser, path)})

    assert response.status_code == 200
    assert "<h1>You are unsubscribed</h1>" in html(response)
    assert Subscriber.objects.count() == 0
    assert Suppression.objects.count() == 1


def test_unsubscribe_button_without_a_csrf_token_is_refused(group):
    subscriber = subscribe(group, "olena@example.org")

    response = Client(enforce_csrf_checks=True).post(unsubscribe_path(subscriber), {})

    assert response.status_code == 403
    assert "<h1>Form expired</h1>" in html(response)
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
def test_one_click_unsubscribe_works_without_a_csrf_token(group, encoding):
    subscriber = subscribe(group, "olena@example.org")
    mail_client = Client(enforce_csrf_checks=True)
    path = unsubscribe_path(subscriber)

    if encoding == "urlencoded":
        response = mail_client.post(
            path, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        )
    else:
        response = mail_client.post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert Subscriber.objects.count() == 0
    assert list(Suppression.objects.values_list("email_hash", flat=True)) == [
        subscriptions.email_hash("olena@example.org")
    ]


def test_one_click_unsubscribe_twice_answers_200_both_times(group):
    path = unsubscribe_path(subscribe(group, "olena@example.org"))
    mail_client = Client(enforce_csrf_checks=True)

    statuses = [
        mail_client.post(path, {"List-Unsubscribe": "One-Click"}).status_code for _ in range(2)
    ]

    assert statuses == [200, 200]
    assert Suppression.objects.count() == 1


@pytest.mark.parametrize("how", ["page", "one-click"])
def test_unsubscribe_with_a_forged_link_is_a_400_and_changes_nothing(client, group, how):
    path = unsubscribe_path(subscribe(group, "olena@example.org"))[:-4] + "xyz/"

    if how == "page":
        response = client.get(path)
    else:
        response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 400
    assert LINK_INVALID in html(response)
    assert Subscriber.objects.count() == 1
    assert Suppression.objects.count() == 0


def test_unsubscribed_address_is_not_mailed_by_an_import_but_may_follow_again(
    client, organiser_client, group
):
    client.post(unsubscribe_path(subscribe(group, "olena@example.org")))
    upload = SimpleUploadedFile("contacts.csv", b"email\nolena@example.org\ntaras@example.org\n")

    imported = organiser_client.post("/organise/groups/uig/subscribers/import/", {"file": upload})

    assert "Unsubscribed earlier, so never imported again" in html(imported)
    assert recipients() == ["taras@example.org"]

    client.post("/uig/subscribe/", {"email": "olena@example.org"})
    client.post(confirm_path(outbox()[-1]))

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["olena@example.org"]
    assert Suppression.objects.count() == 0


# --- the organiser's subscribers page ---


def test_subscribers_page_shows_the_counts_and_the_list(organiser_client, group):
    subscribe(group, "olena@example.org")
    subscribe(group, "taras@example.org")
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "left@example.org"))
    )
    subscribe(make_group(), "someone.else@example.org")

    response = organiser_client.get("/organise/groups/uig/subscribers/")

    page = html(response)
    assert response.status_code == 200
    assert "2 confirmed subscribers." in page
    assert "1 address unsubscribed and will never be mailed again." in page
    assert re.findall(r"<tr><td><bdi>([^<]+)</bdi></td>", page) == [
        "taras@example.org",
        "olena@example.org",
    ]
    assert 'href="/organise/groups/uig/subscribers/export.csv"' in page
    assert 'action="/organise/groups/uig/subscribers/import/"' in page
    assert 'enctype="multipart/form-data"' in page


def test_subscribers_page_of_an_empty_list_says_how_people_subscribe(organiser_client, group):
    page = html(organiser_client.get("/organise/groups/uig/subscribers/"))

    assert "0 confirmed subscribers." in page
    assert "Nobody follows the group by email yet." in page


def test_subscribers_page_pages_the_list(organiser_client, group):
    for n in range(51):
        Subscriber.objects.create(group=group, email=f"p{n:02}@example.org")

    first = html(organiser_client.get("/organise/groups/uig/subscribers/"))
    second = html(organiser_client.get("/organise/groups/uig/subscribers/?page=2"))

    assert len(re.findall(r"<tr><td>", first)) == 50
    assert re.findall(r"<tr><td><bdi>([^<]+)</bdi></td>", second) == ["p00@example.org"]
    assert "Page 2 of 2" in second


@pytest.mark.parametrize("n", [1, 3])
def test_subscribers_page_query_count(organiser_client, group, django_assert_num_queries, n):
    for i in range(n):
        subscribe(group, f"person{i}@example.org")

    # session, user, group, the count, the page of subscribers, the suppressed count
    with django_assert_num_queries(6):
        response = organiser_client.get("/organise/groups/uig/subscribers/")

    assert len(re.findall(r"<tr><td>", html(response))) == n


def test_organiser_group_settings_link_to_subscribers(organiser_client, group):
    page = html(organiser_client.get("/organise/groups/uig/settings/"))

    assert '<a href="/organise/groups/uig/subscribers/">Subscribers</a>' in page


@pytest.mark.parametrize("path", ["subscribers/", "subscribers/export.csv", "subscribers/import/"])
def test_subscriber_pages_of_another_group_are_404(outsider_client, group, path):
    subscribe(group, "olena@example.org")

    for response in (
        outsider_client.get(f"/organise/groups/uig/{path}"),
        outsider_client.post(f"/organise/groups/uig/{path}"),
    ):
        assert response.status_code == 404
        assert "olena@example.org" not in html(response)
    assert Message.objects.count() == 0


@pytest.mark.parametrize("path", ["subscribers/", "subscribers/export.csv", "subscribers/import/"])
def test_subscriber_pages_send_anonymous_visitors_to_log_in(client, group, path):
    response = client.get(f"/organise/groups/uig/{path}")

    assert response.status_code == 302
    assert response["Location"].startswith("/organise/login/?next=")


def test_a_co_organiser_sees_the_subscribers(group):
    co = make_user(email="taras@example.org")
    group.memberships.create(user=co)
    subscribe(group, "olena@example.org")
    browser = Client()
    browser.force_login(co)

    response = browser.get("/organise/groups/uig/subscribers/")

    assert "1 confirmed subscriber." in html(response)


# --- export ---


def test_export_is_a_streamed_csv_attachment_with_formulas_neutralised(organiser_client, group):
    olena = subscribe(group, "olena@example.org")
    formula = subscribe(group, "=1+1@example.org")

    response = organiser_client.get("/organise/groups/uig/subscribers/export.csv")

    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="uig-subscribers.csv"'
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode()
    assert list(csv.reader(io.StringIO(body, newline=""))) == [
        ["email", "confirmed_at", "source"],
        ["olena@example.org", olena.confirmed_at.isoformat(), "form"],
        ["'=1+1@example.org", formula.confirmed_at.isoformat(), "form"],
    ]


# --- import ---


def upload(data: bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_page_shows_the_upload_form(organiser_client, group):
    page = html(organiser_client.get("/organise/groups/uig/subscribers/import/"))

    assert '<label for="id_file">CSV file:</label>' in page
    assert 'accept=".csv,text/csv"' in page


def test_import_shows_counts_and_skipped_rows_with_reasons(organiser_client, group):
    subscribe(group, "already@example.org")
    data = (
        b"email,name\n"
        b"olena@example.org,Olena\n"
        b"=cmd|' /C calc'!A0,Formula\n"
        b'"taras@example.org\nBcc: all@example.org",Newline\n'
        b"OLENA@example.org,Again\n"
        b"already@example.org,Known\n"
        b"mykola@example.org,Mykola\n"
    )

    response = organiser_client.post(
        "/organise/groups/uig/subscribers/import/", {"file": upload(data)}
    )

    page = html(response)
    assert response.status_code == 200
    assert "The file had 6 rows.\n2 addresses were asked to confirm.\n4 rows were skipped." in page
    assert re.findall(r"<tr><td>(\d+)</td><td>([^<]+)</td></tr>", page) == [
        ("3", "Starts with =, +, - or @ (a spreadsheet formula, not an address)"),
        ("4", "The address contains a line break"),
        ("5", "The same address as an earlier row"),
        ("6", "Already subscribed"),
    ]
    assert recipients() == ["olena@example.org", "mykola@example.org"]
    assert Subscriber.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"name,phone\nOlena,0123\n", NO_EMAIL_COLUMN),
        (PNG, NOT_CSV),
        (b"", "The file is empty."),
    ],
    ids=["missing-column", "png", "empty"],
)
def test_import_of_a_bad_file_shows_the_message_on_the_field_and_changes_nothing(
    organiser_client, group, data, message
):
    response = organiser_client.post(
        "/organise/groups/uig/subscribers/import/", {"file": upload(data)}
    )

    assert response.status_code == 200
    assert list(response.context["form"].errors["file"]) == [message]
    assert Message.objects.count() == 0


def test_import_of_ten_thousand_and_one_rows_is_refused_and_changes_nothing(
    organiser_client, group
):
    data = ("email\n" + "".join(f"p{n}@example.org\n" for n in range(10_001))).encode()

    response = organiser_client.post(
        "/organise/groups/uig/subscribers/import/", {"file": upload(data)}
    )

    assert list(response.context["form"].errors["file"]) == [
        "The file has 10,001 rows; up to 10,000 can be imported at once. "
        "Split it into smaller files and import each."
    ]
    assert Message.objects.count() == 0


def test_import_without_a_file_asks_for_one(organiser_client, group):
    response = organiser_client.post("/organise/groups/uig/subscribers/import/", {})

    assert response.status_code == 200
    assert list(response.context["form"].errors["file"]) == ["Choose a CSV file to upload."]
