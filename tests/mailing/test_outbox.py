from tests.factories import make_group
from turnout.mailing.outbox import render


def test_render_keeps_ampersands_in_subject_and_text_and_escapes_them_in_html(db):
    group = make_group(name="Tenants & Friends")
    context = {"group": group, "invited_by": group.memberships.get().user, "link": "https://x"}

    subject, text, html = render("groups/email/invitation", {**context, "days": 14})

    assert subject == "Help organise Tenants & Friends on Turnout"
    assert "for Tenants & Friends." in text
    assert "for Tenants &amp; Friends." in html
