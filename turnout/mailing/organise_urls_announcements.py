"""Organiser URLs for announcements (included under /organise/groups/<group>/)."""

from django.urls import path

from turnout.mailing.views import announcements as views

urlpatterns = [
    path("announcements/", views.announcement_list, name="announcements"),
    path("announcements/new/", views.announcement_new, name="announcement_new"),
    path("announcements/<int:announcement>/", views.announcement_edit, name="announcement_edit"),
    path(
        "announcements/<int:announcement>/preview/",
        views.announcement_preview,
        name="announcement_preview",
    ),
    path(
        "announcements/<int:announcement>/test/", views.announcement_test, name="announcement_test"
    ),
    path(
        "announcements/<int:announcement>/send/", views.announcement_send, name="announcement_send"
    ),
    path(
        "announcements/<int:announcement>/progress/",
        views.announcement_progress,
        name="announcement_progress",
    ),
]
