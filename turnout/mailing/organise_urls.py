"""Organiser URLs for a group's subscribers and announcements (under /organise/groups/<group>/)."""

from django.urls import path

from turnout.mailing.views import organise_announcements as announcements
from turnout.mailing.views import organise_subscribers as subscribers

urlpatterns = [
    path("subscribers/", subscribers.subscriber_list, name="subscribers"),
    path("subscribers/export.csv", subscribers.subscriber_export, name="subscriber_export"),
    path("subscribers/import/", subscribers.subscriber_import, name="subscriber_import"),
    path("announcements/", announcements.announcement_list, name="announcements"),
    path("announcements/new/", announcements.announcement_new, name="announcement_new"),
    path(
        "announcements/<int:announcement>/",
        announcements.announcement_edit,
        name="announcement_edit",
    ),
    path(
        "announcements/<int:announcement>/preview/",
        announcements.announcement_preview,
        name="announcement_preview",
    ),
    path(
        "announcements/<int:announcement>/test/",
        announcements.announcement_test,
        name="announcement_test",
    ),
    path(
        "announcements/<int:announcement>/send/",
        announcements.announcement_send,
        name="announcement_send",
    ),
    path(
        "announcements/<int:announcement>/progress/",
        announcements.announcement_progress,
        name="announcement_progress",
    ),
]
