from django import template

from turnout.mailing.forms_subscriptions import SubscribeForm

register = template.Library()


@register.inclusion_tag("mailing/subscriptions/_follow_form.html", takes_context=True)
def follow_form(context, group) -> dict:
    """The "Follow by email" form, for the group page (it posts to the subscribe view)."""
    return {"group": group, "follow_form": SubscribeForm(), "csrf_token": context.get("csrf_token")}
