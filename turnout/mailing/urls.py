"""Public mailing-list URLs: subscribe from the group page, confirm, unsubscribe."""

from django.urls import path

from turnout.mailing.views import public as subscriptions

app_name = "mailing"

urlpatterns = [
    path("<slug:group>/subscribe/", subscriptions.subscribe, name="subscribe"),
    path(
        "subscriptions/confirm/<str:token>/",
        subscriptions.confirm_subscription,
        name="confirm_subscription",
    ),
    path("subscriptions/unsubscribe/<str:token>/", subscriptions.unsubscribe, name="unsubscribe"),
]
