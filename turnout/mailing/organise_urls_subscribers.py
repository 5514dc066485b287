"""Organiser URLs for a group's subscribers (included under /organise/groups/<group>/)."""

from django.urls import path

from turnout.mailing.views import subscribers

urlpatterns = [
    path("subscribers/", subscribers.subscriber_list, name="subscribers"),
    path("subscribers/export.csv", subscribers.subscriber_export, name="subscriber_export"),
    path("subscribers/import/", subscribers.subscriber_import, name="subscriber_import"),
]
