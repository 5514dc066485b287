"""The site is no mail cannon (issue 16, finding 3): each attack as the issue tried it,
then the limits around it. Refusals that would tell whether an account exists are
silent (the page answers as always, no email goes); the others say why."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.core.test_settings import _turnout, clean_env, production_env  # noqa: F401
from tests.factories import PASSWORD, make_group, make_user
from tests.groups.test_logins import csrf_free
from tests.groups.test_views_accounts import sign_up_data
from tests.mail import outbox
from turnout.core.models import Message
from turnout.groups import emails
from turnout.groups import services as groups
from turnout.groups.models import Group, Invitation, User
from turnout.mailing.services import subscriptions

MANY_INVITATIONS = "You have sent many invitations; try again in an hour."
TOO_MANY_GROUPS = "You have created many groups today; try again tomorrow."


def sent_to(address: str, kind: str | None = None) -> int:
    found = Message.objects.filter(to_email=address)
    return (found.filter(kind=kind) if kind else found).count()


# --- the attacks as the issue made them ---


def test_twenty_password_resets_for_one_address_in_a_minute_send_at_most_three(organiser):
    answers = [
        Client().post("/organise/password-reset/", {"email": "olena@example.org"})
        for _ in range(20)
    ]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/organise/password-reset/sent/")
    }
    assert sent_to("olena@example.org", emails.PASSWORD_RESET) == 3


def test_fifteen_verification_resends_send_at_most_three(db):
    make_user(email="taras@example.org", verified=False)
    client = Client()
    for _ in range(15):
        client.post("/organise/login/", {"username": "taras@example.org", "password": PASSWORD})

    assert sent_to("taras@example.org", emails.VERIFY) == 3


def test_twelve_sign_ups_with_one_address_send_at_most_three(db):
    answers = [Client().post("/organise/signup/", sign_up_data()) for _ in range(12)]

    assert {a.status_code for a in answers} == {200}
    assert sent_to("taras@example.org") == 3
    assert User.objects.count() == 1


def test_twenty_invitations_in_a_minute_are_not_all_sent(organiser_client, group):
    answers = [
        organiser_client.post(
            f"/organise/groups/{group.slug}/invite/", {"email": f"stranger{n}@example.net"}
        )
        for n in range(20)
    ]

    assert Message.objects.filter(kind=emails.INVITATION).count() == 10
    assert Invitation.objects.count() == 10
    refused = answers[-1]
    assert refused.status_code == 200
    assert MANY_INVITATIONS in refused.content.decode()


def test_an_import_after_renaming_an_approved_group_mails_no_one(settings, group, organiser):
    settings.TURNOUT_REQUIRE_GROUP_APPROVAL = True
    groups.approve_for_email(group=group)
    groups.update_group(group=group, by=organiser, name="Your bank account is locked")

    with pytest.raises(subscriptions.ImportRejected) as refused:
        subscriptions.import_csv(
            group=group,
            file=SimpleUploadedFile("c.csv", b"email\nstranger@example.net\n"),
            by=organiser,
        )

    assert refused.value.code == "not_approved"
    assert Message.objects.filter(to_email="stranger@example.net").count() == 0


def test_group_approval_is_required_by_default_in_production(production_env, tmp_path):  # noqa: F811
    shown = _turnout(
        "manage",
        "shell",
        "-c",
        "from django.conf import settings; print(settings.TURNOUT_REQUIRE_GROUP_APPROVAL)",
        env=production_env,
        cwd=tmp_path,
    )

    assert shown.stdout.strip().splitlines()[-1] == "True", shown.stderr


def test_groups_per_account_per_day_are_limited(settings, organiser_client):
    settings.TURNOUT_NEW_GROUPS_PER_DAY = 3  # the test settings let tests make many
    answers = [
        organiser_client.post(
            "/organise/new-group/",
            {
                "name": f"Spam {n}",
                "contact_email": "spam@example.net",
                "time_zone": "Europe/London",
                "language": "en",
            },
        )
        for n in range(5)
    ]

    assert [a.status_code for a in answers] == [302, 302, 302, 200, 200]
    assert TOO_MANY_GROUPS in answers[-1].content.decode()
    assert Group.objects.count() == 3


def test_a_verification_email_never_repeats_the_name_typed_at_sign_up(db):
    Client().post("/organise/signup/", sign_up_data(name="Buy cheap pills at evil.example"))

    (email,) = outbox()
    assert "evil.example" not in email.body
    assert "evil.example" not in email.alternatives[0][0]


def test_an_invitation_never_carries_the_inviters_typed_name(group):
    inviter = make_user(email="spam@example.net", name="Claim your prize at evil.example")
    groups.invite_organiser(group=group, email="stranger@example.net", invited_by=inviter)

    (email,) = [e for e in outbox() if e.to == ["stranger@example.net"]]
    assert "evil.example" not in email.body
    assert "evil.example" not in email.alternatives[0][0]
    assert "spam@example.net" in email.body  # who invited them: a verified address


def test_invitations_count_against_the_groups_daily_quota(settings, group, organiser):
    settings.TURNOUT_DAILY_EMAIL_QUOTA = 2
    for n in range(2):
        groups.invite_organiser(group=group, email=f"co{n}@example.org", invited_by=organiser)

    with pytest.raises(ValidationError) as refused:
        groups.invite_organiser(group=group, email="co9@example.org", invited_by=organiser)

    assert refused.value.code == "over_quota"
    assert Invitation.objects.count() == 2
    with pytest.raises(subscriptions.ImportRejected) as import_refused:
        subscriptions.import_csv(
            group=group, file=SimpleUploadedFile("c.csv", b"email\na@example.net\n"), by=organiser
        )
    assert import_refused.value.code == "over_quota"


def test_the_instance_daily_quota_holds_across_groups(settings, organiser):
    settings.TURNOUT_INSTANCE_DAILY_EMAIL_QUOTA = 3
    first, second = make_group(owner=organiser), make_group(owner=organiser)
    subscriptions.import_csv(
        group=first,
        file=SimpleUploadedFile("c.csv", b"email\na@example.net\nb@example.net\n"),
        by=organiser,
    )
    groups.invite_organiser(group=second, email="co@example.org", invited_by=organiser)

    with pytest.raises(subscriptions.ImportRejected) as refused:
        subscriptions.import_csv(
            group=second, file=SimpleUploadedFile("c.csv", b"email\nc@example.net\n"), by=organiser
        )

    assert refused.value.code == "over_quota"
    assert refused.value.message.startswith("This site has sent all the email it sends in a day")
    assert Message.objects.filter(to_email="c@example.net").count() == 0
    # The group's own quota is untouched: the message blames the site's, not the group's.
    with pytest.raises(ValidationError) as invitation_refused:
        groups.invite_organiser(group=second, email="co2@example.org", invited_by=organiser)
    assert invitation_refused.value.messages == [
        "This site has sent all the email it sends in a day on behalf of groups (a limit its "
        "admin sets). Try again tomorrow."
    ]


# --- the limits around them ---


def test_over_the_limit_sign_up_answers_as_for_a_new_address(organiser):
    pages = []
    for email in ("olena@example.org", "new@example.org"):  # an account, and none
        for _ in range(3):
            Client().post("/organise/signup/", sign_up_data(email=email))
        queued = Message.objects.count()
        pages.append(Client().post("/organise/signup/", sign_up_data(email=email)))
        assert Message.objects.count() == queued  # the fourth sends nothing

    assert [p.status_code for p in pages] == [200, 200]
    assert csrf_free(pages[0].content.decode()) == csrf_free(pages[1].content.decode()).replace(
        "new@example.org", "olena@example.org"
    )


def test_password_resets_from_one_client_stop_at_its_hourly_limit(settings, db):
    settings.TURNOUT_ACCOUNT_EMAILS_PER_CLIENT = 5
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(8):
        client.post("/organise/password-reset/", {"email": f"person{n}@example.org"})

    assert Message.objects.count() == 5
    other = Client(REMOTE_ADDR="203.0.113.10")
    other.post("/organise/password-reset/", {"email": "person9@example.org"})
    assert Message.objects.count() == 6


def test_an_exempt_client_is_counted_but_never_refused(settings, organiser):
    settings.TURNOUT_RATE_LIMIT_EXEMPT = ["203.0.113.9"]
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(5):
        client.post("/organise/password-reset/", {"email": "olena@example.org"})

    assert sent_to("olena@example.org", emails.PASSWORD_RESET) == 5
