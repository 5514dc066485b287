"""The group mailing list's rules: double opt-in, unsubscribe for good, CSV in and out."""

import csv
import datetime as dt
import hashlib
import hmac
import io
import re

import pytest
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import make_group
from tests.mail import outbox
from turnout.core.logredact import redact_text
from turnout.core.models import Message
from turnout.core.validators import normalise_email
from turnout.mailing.models import Subscriber, Suppression
from turnout.mailing.services import subscriptions

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)
NOT_CSV = (
    "This is not a CSV file. Save your list from your spreadsheet as "
    "“CSV UTF-8 (comma delimited)” and upload that file."
)
NO_EMAIL_COLUMN = (
    "The file has no “email” column. Its first row must name the columns, e.g. “email,name”."
)


def subscribe(group, email: str, source: str = "form") -> Subscriber:
    """Someone asked and confirmed from the emailed link."""
    token = subscriptions.confirmation_token(group=group, email=email, source=source)
    return subscriptions.confirm_subscription(token=token)


def confirm_link_token(message) -> str:
    (token,) = re.findall(r"/subscriptions/confirm/([^/\s]+)/", message.body)
    return token


def csv_file(text: str | bytes, name: str = "contacts.csv") -> SimpleUploadedFile:
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="text/csv")


def recipients() -> list[str]:
    return [email.to[0] for email in outbox()]


# --- the keyed hash ---


def test_email_hash_is_hmac_sha256_of_the_normalised_address_keyed_with_the_secret_key():
    expected = hmac.new(
        settings.SECRET_KEY.encode(), b"olena@example.org", hashlib.sha256
    ).hexdigest()

    assert subscriptions.email_hash("  Olena@Example.ORG \n") == expected
    assert expected != hashlib.sha256(b"olena@example.org").hexdigest()


# --- double opt-in ---


def test_request_subscription_queues_a_confirmation_and_stores_no_subscriber(group):
    queued = subscriptions.request_subscription(group=group, email=" Olena@Example.org ")

    assert queued is True
    assert Subscriber.objects.count() == 0
    (email,) = outbox()
    assert email.to == ["olena@example.org"]
    assert email.subject == "Confirm that you want emails from Ukraine Information Group"
    assert "Someone, probably you, asked for news of the meetings of Ukraine Information Group" in (
        email.body
    )
    assert "The link works for 7 days." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert (
        f'<a href="http://127.0.0.1:8000/subscriptions/confirm/{confirm_link_token(email)}/">'
        in (html)
    )


def test_request_subscription_escapes_the_group_name_in_html_only(db):
    group = make_group(name="Tenants & <Friends>", slug="tenants")

    subscriptions.request_subscription(group=group, email="olena@example.org")

    (email,) = outbox()
    assert email.subject == "Confirm that you want emails from Tenants & <Friends>"
    assert "asked for news of the meetings of Tenants & <Friends>" in email.body
    assert (
        "asked for news of the meetings of <bdi>Tenants &amp; &lt;Friends&gt;</bdi>"
        in email.alternatives[0][0]
    )


def test_request_subscription_for_an_address_on_the_list_sends_nothing(group):
    subscribe(group, "olena@example.org")

    queued = subscriptions.request_subscription(group=group, email="OLENA@example.org")

    assert queued is False
    assert outbox() == []


@pytest.mark.parametrize(
    "email", ["not-an-address", "olena@example.org\nBcc: all@example.org", "olena@example.org\r"]
)
def test_request_subscription_with_a_bad_address_raises_and_queues_nothing(group, email):
    with pytest.raises(ValidationError):
        subscriptions.request_subscription(group=group, email=email)

    assert Message.objects.count() == 0


def test_request_subscription_from_an_import_skips_an_address_that_unsubscribed(group):
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    )

    queued = subscriptions.request_subscription(
        group=group, email="olena@example.org", source="import"
    )

    assert queued is False
    assert outbox() == []


def test_request_subscription_from_the_form_still_asks_an_address_that_unsubscribed(group):
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    )

    queued = subscriptions.request_subscription(group=group, email="olena@example.org")

    assert queued is True
    assert recipients() == ["olena@example.org"]


def test_confirm_subscription_adds_the_address_from_the_emailed_link(group):
    subscriptions.request_subscription(group=group, email="Olena@Example.org")

    subscriber = subscriptions.confirm_subscription(token=confirm_link_token(outbox()[0]))

    assert list(Subscriber.objects.values_list("group", "email", "source")) == [
        (group.pk, "olena@example.org", "form")
    ]
    assert subscriber.email == "olena@example.org"


def test_confirm_subscription_reused_returns_the_same_subscriber_unchanged(group):
    token = subscriptions.confirmation_token(group=group, email="olena@example.org")
    first = subscriptions.confirm_subscription(token=token)

    again = subscriptions.confirm_subscription(token=token)

    assert (again.pk, again.confirmed_at) == (first.pk, first.confirmed_at)
    assert Subscriber.objects.count() == 1


def test_confirm_subscription_works_until_seven_days(group):
    token = subscriptions.confirmation_token(
        group=group,
        email="olena@example.org",
        issued_at=timezone.now() - dt.timedelta(days=7) + dt.timedelta(minutes=1),
    )

    subscriptions.confirm_subscription(token=token)

    assert Subscriber.objects.count() == 1


def test_confirm_subscription_after_seven_days_raises_expired(group):
    token = subscriptions.confirmation_token(
        group=group, email="olena@example.org", issued_at=timezone.now() - dt.timedelta(days=8)
    )

    with pytest.raises(subscriptions.LinkInvalid) as raised:
        subscriptions.confirm_subscription(token=token)

    assert raised.value.reason == "expired"
    assert Subscriber.objects.count() == 0


def forged_tokens(group) -> dict[str, str]:
    real = subscriptions.confirmation_token(group=group, email="olena@example.org")
    payload = {"g": group.pk, "e": "mallory@example.org", "s": "form", "t": 0}
    return {
        "tampered signature": real[:-2] + ("AA" if not real.endswith("AA") else "BB"),
        "cut short": real[: len(real) // 2],
        "another key": signing.dumps(payload, key="not the site's key", salt="x"),
        "another salt": signing.dumps(payload, salt="turnout.something.else"),
        "an unsubscribe token": subscriptions.unsubscribe_token(
            Subscriber.objects.create(group=group, email="taras@example.org")
        ),
        "no separator": "hello",
        "empty": "",
    }


@pytest.mark.parametrize(
    "kind",
    [
        "tampered signature",
        "cut short",
        "another key",
        "another salt",
        "an unsubscribe token",
        "no separator",
        "empty",
    ],
)
def test_confirm_subscription_with_a_forged_token_raises_invalid(group, kind):
    token = forged_tokens(group)[kind]

    with pytest.raises(subscriptions.LinkInvalid) as raised:
        subscriptions.confirm_subscription(token=token)

    assert raised.value.reason == "invalid"
    assert list(Subscriber.objects.values_list("email", flat=True)) == ["taras@example.org"]


def test_confirm_subscription_for_a_deleted_group_raises_invalid(group):
    token = subscriptions.confirmation_token(group=group, email="olena@example.org")
    group.delete()

    with pytest.raises(subscriptions.LinkInvalid) as raised:
        subscriptions.confirm_subscription(token=token)

    assert raised.value.reason == "invalid"


def test_confirm_subscription_from_an_import_never_overrides_an_unsubscribe(group):
    invited = subscriptions.confirmation_token(
        group=group, email="olena@example.org", source="import"
    )
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    )

    with pytest.raises(subscriptions.LinkInvalid):
        subscriptions.confirm_subscription(token=invited)

    assert Subscriber.objects.count() == 0
    assert Suppression.objects.count() == 1


def test_confirm_subscription_with_a_link_from_before_an_unsubscribe_is_refused(group):
    token = subscriptions.confirmation_token(group=group, email="olena@example.org")
    subscriber = subscriptions.confirm_subscription(token=token)
    subscriptions.unsubscribe(token=subscriptions.unsubscribe_token(subscriber))

    with pytest.raises(subscriptions.LinkInvalid) as raised:
        subscriptions.confirm_subscription(token=token)

    assert raised.value.reason == "invalid"
    assert Subscriber.objects.count() == 0


def test_confirm_subscription_from_a_new_form_request_lifts_the_suppression(group):
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    )

    subscriptions.request_subscription(group=group, email="olena@example.org")
    subscriptions.confirm_subscription(token=confirm_link_token(outbox()[-1]))

    assert list(Subscriber.objects.values_list("email", "source")) == [
        ("olena@example.org", "form")
    ]
    assert Suppression.objects.count() == 0


# --- unsubscribe ---


def test_unsubscribe_token_names_no_email_address(group):
    subscriber = subscribe(group, "olena@example.org")

    token = subscriptions.unsubscribe_token(subscriber)

    payload = signing.Signer(salt=subscriptions.UNSUBSCRIBE_SALT).unsign_object(token)
    assert payload == [group.pk, subscriber.pk, subscriptions.email_hash("olena@example.org")]
    assert "olena" not in token
    assert b"olena" not in signing.b64_decode(token.split(":")[0].lstrip(".").encode())


def test_unsubscribe_url_is_the_absolute_unsubscribe_page(group):
    subscriber = subscribe(group, "olena@example.org")

    url = subscriptions.unsubscribe_url(subscriber)

    token = subscriptions.unsubscribe_token(subscriber)
    assert url == f"http://127.0.0.1:8000/subscriptions/unsubscribe/{token}/"


def test_emailed_links_are_redacted_from_logs(group):
    subscriber = subscribe(group, "olena@example.org")
    subscriptions.request_subscription(group=group, email="taras@example.org")

    links = [subscriptions.unsubscribe_url(subscriber), *re.findall(r"http\S+", outbox()[0].body)]

    assert [redact_text(f"GET {link} HTTP/1.1") for link in links] == [
        "GET http://127.0.0.1:8000/subscriptions/[token]/ HTTP/1.1",
        "GET http://127.0.0.1:8000/subscriptions/[token]/ HTTP/1.1",
        "GET http://127.0.0.1:8000/uig/ HTTP/1.1",
    ]


def test_unsubscribe_removes_the_subscriber_and_keeps_only_a_hash(group):
    subscriber = subscribe(group, "olena@example.org")

    subscriptions.unsubscribe(token=subscriptions.unsubscribe_token(subscriber))

    assert Subscriber.objects.count() == 0
    assert list(Suppression.objects.values_list("group", "email_hash")) == [
        (group.pk, subscriptions.email_hash("olena@example.org"))
    ]
    assert subscriptions.is_suppressed(group=group, email="OLENA@example.org") is True


def test_unsubscribe_twice_is_harmless(group):
    token = subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    subscriptions.unsubscribe(token=token)

    subscriptions.unsubscribe(token=token)

    assert Subscriber.objects.count() == 0
    assert Suppression.objects.count() == 1


def test_unsubscribe_from_one_group_keeps_the_others(group):
    other = make_group(name="Tenants Union", slug="tenants")
    token = subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    subscribe(other, "olena@example.org")

    subscriptions.unsubscribe(token=token)

    assert list(Subscriber.objects.values_list("group__slug", flat=True)) == ["tenants"]
    assert subscriptions.is_suppressed(group=other, email="olena@example.org") is False


def test_unsubscribe_with_an_old_link_after_coming_back_removes_the_new_subscription(group):
    old_link = subscriptions.unsubscribe_token(subscribe(group, "olena@example.org"))
    subscriptions.unsubscribe(token=old_link)
    subscriptions.request_subscription(group=group, email="olena@example.org")
    subscriptions.confirm_subscription(token=confirm_link_token(outbox()[-1]))
    subscribe(group, "taras@example.org")

    subscriptions.unsubscribe(token=old_link)

    assert list(Subscriber.objects.values_list("email", flat=True)) == ["taras@example.org"]
    assert subscriptions.is_suppressed(group=group, email="olena@example.org") is True


@pytest.mark.parametrize("token", ["", "x", "1:2", "[1, 2, 3]:abc", "a" * 500])
def test_unsubscribe_with_a_forged_token_raises_invalid_and_changes_nothing(group, token):
    subscribe(group, "olena@example.org")

    with pytest.raises(subscriptions.LinkInvalid) as raised:
        subscriptions.unsubscribe(token=token)

    assert raised.value.reason == "invalid"
    assert Subscriber.objects.count() == 1
    assert Suppression.objects.count() == 0


def test_unsubscribe_with_a_confirmation_token_raises_invalid(group):
    subscribe(group, "olena@example.org")
    token = subscriptions.confirmation_token(group=group, email="olena@example.org")

    with pytest.raises(subscriptions.LinkInvalid):
        subscriptions.unsubscribe(token=token)

    assert Subscriber.objects.count() == 1


# --- CSV import ---


def test_import_csv_asks_each_new_address_to_confirm_and_subscribes_nobody(group):
    file = csv_file("Name,EMAIL\nOlena,Olena@Example.org\nTaras,taras@example.org\n")

    report = subscriptions.import_csv(group=group, by=None, file=file)

    assert (report.rows, report.requested, report.skipped) == (2, 2, [])
    assert recipients() == ["olena@example.org", "taras@example.org"]
    assert Subscriber.objects.count() == 0
    assert "Ukraine Information Group would like to send you news of their meetings" in (
        outbox()[0].body
    )


def test_import_csv_confirmed_address_is_marked_as_imported(group):
    subscriptions.import_csv(group=group, by=None, file=csv_file("email\nolena@example.org\n"))

    subscriptions.confirm_subscription(token=confirm_link_token(outbox()[0]))

    assert list(Subscriber.objects.values_list("email", "source")) == [
        ("olena@example.org", "import")
    ]


def test_import_csv_skips_bad_rows_by_number_with_a_reason(group):
    subscribe(group, "already@example.org")
    subscriptions.unsubscribe(
        token=subscriptions.unsubscribe_token(subscribe(group, "left@example.org"))
    )
    rows = [
        "email,name",
        "olena@example.org,Olena",  # 2
        '"=HYPERLINK(""http://evil.example"")",Formula',  # 3
        "+1@example.org,Plus",  # 4
        "-1@example.org,Minus",  # 5
        "@example.org,At",  # 6
        '"taras@example.org\nBcc: all@example.org",Newline',  # 7
        "not-an-address,Malformed",  # 8
        ",Empty",  # 9
        "OLENA@example.org,Duplicate",  # 10
        "already@example.org,Subscribed",  # 11
        "left@example.org,Unsubscribed",  # 12
        "",  # a blank line is no row
        "mykola@example.org",  # 14
    ]

    report = subscriptions.import_csv(group=group, by=None, file=csv_file("\n".join(rows) + "\n"))

    assert [(skip.row, skip.reason) for skip in report.skipped] == [
        (3, "starts with =, +, - or @ (a spreadsheet formula, not an address)"),
        (4, "starts with =, +, - or @ (a spreadsheet formula, not an address)"),
        (5, "starts with =, +, - or @ (a spreadsheet formula, not an address)"),
        (6, "starts with =, +, - or @ (a spreadsheet formula, not an address)"),
        (7, "the address contains a line break"),
        (8, "not a valid email address"),
        (9, "no email address"),
        (10, "the same address as an earlier row"),
        (11, "already subscribed"),
        (12, "unsubscribed earlier, so never imported again"),
    ]
    assert (report.rows, report.requested) == (12, 2)
    assert report.skipped_counts() == [
        ("no email address", 1),
        ("the address contains a line break", 1),
        ("starts with =, +, - or @ (a spreadsheet formula, not an address)", 4),
        ("not a valid email address", 1),
        ("the same address as an earlier row", 1),
        ("already subscribed", 1),
        ("unsubscribed earlier, so never imported again", 1),
    ]
    assert recipients() == ["olena@example.org", "mykola@example.org"]


def test_import_csv_reads_semicolons_and_a_byte_order_mark(group):
    file = csv_file("\ufeffname;Email\nOlena;olena@example.org\n".encode())

    report = subscriptions.import_csv(group=group, by=None, file=file)

    assert (report.rows, report.requested) == (1, 1)
    assert recipients() == ["olena@example.org"]


def test_import_csv_takes_ten_thousand_rows(group):
    text = "email\n" + "olena@example.org\n" * 10_000

    report = subscriptions.import_csv(group=group, by=None, file=csv_file(text))

    assert (report.rows, report.requested, len(report.skipped)) == (10_000, 1, 9_999)


def rejected(group, file) -> str:
    with pytest.raises(subscriptions.ImportRejected) as raised:
        subscriptions.import_csv(group=group, by=None, file=file)
    return raised.value.message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (PNG, NOT_CSV),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\x00", NOT_CSV),
        ("email\nrenée@example.org\n".encode("latin-1"), NOT_CSV),
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"name,phone\nOlena,0123\n", NO_EMAIL_COLUMN),
        (b"olena@example.org\ntaras@example.org\n", NO_EMAIL_COLUMN),
        (
            b'email\n"olena@example.org\n',
            "This file could not be read as CSV (a quote may be missing). Save your list "
            "from your spreadsheet as “CSV UTF-8 (comma delimited)” and try again.",
        ),
    ],
    ids=["png", "pdf", "latin-1", "empty", "blank", "no-column", "no-header", "open-quote"],
)
def test_import_csv_rejects_a_bad_file_with_a_clear_message(group, data, message):
    assert rejected(group, csv_file(data)) == message
    assert Message.objects.count() == 0


def test_import_csv_over_ten_thousand_rows_is_rejected_and_asks_nobody(group):
    text = "email\n" + "".join(f"person{n}@example.org\n" for n in range(10_001))

    message = rejected(group, csv_file(text))

    assert message == (
        "The file has 10,001 rows; up to 10,000 can be imported at once. "
        "Split it into smaller files and import each."
    )
    assert Message.objects.count() == 0


def test_import_csv_over_five_megabytes_is_rejected(group):
    text = "email,name\n" + f"olena@example.org,{'x' * 1000}\n" * 5300

    message = rejected(group, csv_file(text))

    assert message == "The file is larger than 5 MB. Split it into smaller files and import each."


def test_import_csv_over_the_daily_quota_is_rejected_and_asks_nobody(db):
    group = make_group(daily_email_quota=2)
    file = csv_file("email\nolena@example.org\ntaras@example.org\nmykola@example.org\n")

    message = rejected(group, file)

    assert message == (
        "This import would ask 3 people to confirm, but only 2 emails are left of this "
        "group's daily limit. Import fewer rows, or try again tomorrow."
    )
    assert Message.objects.count() == 0


def test_import_csv_within_the_daily_quota_counts_only_new_addresses(db):
    group = make_group(daily_email_quota=2)
    subscribe(group, "olena@example.org")
    file = csv_file("email\nolena@example.org\ntaras@example.org\nmykola@example.org\n")

    report = subscriptions.import_csv(group=group, by=None, file=file)

    assert report.requested == 2
    assert recipients() == ["taras@example.org", "mykola@example.org"]


def test_import_csv_when_the_quota_is_used_up_is_rejected(db):
    group = make_group(daily_email_quota=1)
    subscriptions.import_csv(group=group, by=None, file=csv_file("email\nolena@example.org\n"))

    message = rejected(group, csv_file("email\ntaras@example.org\n"))

    assert message == (
        "This group has used all of its emails for today, so it cannot ask imported "
        "contacts to confirm now. Try again tomorrow, or ask the instance admin to raise "
        "the limit."
    )
    assert recipients() == ["olena@example.org"]


def test_confirmations_people_asked_for_do_not_use_the_groups_quota(db):
    group = make_group(daily_email_quota=1)
    for n in range(3):
        subscriptions.request_subscription(group=group, email=f"person{n}@example.org")

    report = subscriptions.import_csv(
        group=group, by=None, file=csv_file("email\ntaras@example.org\n")
    )

    assert report.requested == 1


def test_import_csv_needs_approval_when_the_instance_requires_it(group, settings):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True

    message = rejected(group, csv_file("email\ntaras@example.org\n"))

    assert message == (
        "The instance admin has not yet approved this group for sending email, so it "
        "cannot ask imported contacts to confirm. People can still follow the group from "
        "its page."
    )
    assert Message.objects.count() == 0


def test_import_csv_of_an_approved_group_goes_out_when_approval_is_required(db, settings):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    group = make_group(email_approved_at=timezone.now())

    report = subscriptions.import_csv(
        group=group, by=None, file=csv_file("email\ntaras@example.org\n")
    )

    assert report.requested == 1


def test_import_csv_never_subscribes_anyone(group):
    subscriptions.import_csv(group=group, by=None, file=csv_file("email\nolena@example.org\n"))

    assert Subscriber.objects.count() == 0
    assert Suppression.objects.count() == 0


HYPOTHESIS = hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@HYPOTHESIS
@given(data=st.binary(max_size=400))
def test_import_csv_of_any_bytes_reports_or_rejects(group, data):
    Message.objects.all().delete()

    try:
        report = subscriptions.import_csv(group=group, by=None, file=csv_file(data))
    except subscriptions.ImportRejected:
        assert Message.objects.count() == 0
    else:
        assert report.requested == Message.objects.count()
    assert Subscriber.objects.count() == 0


NO_NUL = st.characters(codec="utf-8", exclude_characters="\x00")  # a NUL makes it "not CSV"
CELL = st.one_of(
    st.text(NO_NUL, max_size=60),
    st.sampled_from(["=1+1", "@SUM(A1)", "+1@example.org", "a@example.org\nBcc: b@x.org"]),
    st.emails().map(str),
)


@HYPOTHESIS
@given(cells=st.lists(CELL, max_size=20))
def test_import_csv_queues_only_valid_single_line_addresses_without_formulas(group, cells):
    Message.objects.all().delete()
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["email"], *([cell] for cell in cells)])

    report = subscriptions.import_csv(group=group, by=None, file=csv_file(buffer.getvalue()))

    sent = list(Message.objects.values_list("to_email", flat=True))
    assert report.requested == len(sent) == len(set(sent))
    for email in sent:
        assert email == normalise_email(email)
        assert not email.startswith(("=", "+", "-", "@"))


# --- CSV export ---


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("olena@example.org", "olena@example.org"),
        ("", ""),
    ],
)
def test_neutralise_puts_an_apostrophe_before_a_formula(cell, written):
    assert subscriptions.neutralise(cell) == written


def test_export_csv_lists_the_groups_subscribers_with_formulas_neutralised(group):
    olena = subscribe(group, "olena@example.org")
    formula = subscribe(group, "=1+1@example.org", source="import")
    dash = subscribe(group, "-cmd@example.org")
    subscribe(make_group(), "someone.else@example.org")

    lines = list(subscriptions.export_csv(group=group, by=None))

    assert lines[0] == "email,confirmed_at,source\r\n"
    assert list(csv.reader(io.StringIO("".join(lines), newline=""))) == [
        ["email", "confirmed_at", "source"],
        ["olena@example.org", olena.confirmed_at.isoformat(), "form"],
        ["'=1+1@example.org", formula.confirmed_at.isoformat(), "import"],
        ["'-cmd@example.org", dash.confirmed_at.isoformat(), "form"],
    ]
    assert olena.confirmed_at.isoformat().endswith("+00:00")


def test_export_csv_streams_from_one_query(group, django_assert_num_queries):
    for n in range(3):
        subscribe(group, f"person{n}@example.org")

    lines = subscriptions.export_csv(group=group, by=None)
    with django_assert_num_queries(1):
        rows = list(lines)

    assert len(rows) == 4
