"""The organiser's notification settings: which emails about their meetings they get."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from turnout.groups import notifications
from turnout.groups.forms import NotificationSettingsForm


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Always the logged-in organiser's own settings: the form names no user."""
    current = notifications.settings_for(user=request.user)
    initial = {field: getattr(current, field) for field in notifications.FIELDS}
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            notifications.update_settings(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("accounts:notifications")
    return render(request, "groups/accounts/notifications.html", {"form": form})
