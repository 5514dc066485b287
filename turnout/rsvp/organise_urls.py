"""The organisers' registration and door pages, under /organise/groups/<group>/events/<event>/."""

from django.urls import path

from turnout.rsvp.views import organise as views
from turnout.rsvp.views import organise_door as door
from turnout.rsvp.views import organise_messages
from turnout.rsvp.views import organise_notices as notices
from turnout.rsvp.views import organise_requests as requests

urlpatterns = [
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/add/", views.add, name="registration_add"),
    path("registrations/export.csv", views.export, name="registration_export"),
    path("registrations/attendees.pdf", views.printable, name="registration_pdf"),
    path("registrations/capacity/", views.capacity, name="registration_capacity"),
    path("registrations/<int:registration>/remove/", views.remove, name="registration_remove"),
    path("requests/", requests.requests, name="registration_requests"),
    path("requests/<int:registration>/approve/", requests.approve, name="registration_approve"),
    path("requests/<int:registration>/decline/", requests.decline, name="registration_decline"),
    path("notice/", notices.notice, name="change_notice"),
    path("notice/send/", notices.notice_send, name="change_notice_send"),
    path("notice/dismiss/", notices.notice_dismiss, name="change_notice_dismiss"),
    path("message/", organise_messages.message, name="meeting_message"),
    path(
        "message/<int:message>/",
        organise_messages.progress,
        name="meeting_message_progress",
    ),
    path("door/", door.door, name="door"),
    path("door/counts.json", door.door_counts, name="door_counts"),
    path("door/walk-in/", door.walk_in, name="door_walk_in"),
    path("door/<int:registration>/check-in/", door.check_in, name="door_check_in"),
    path("door/<int:registration>/undo/", door.undo, name="door_undo"),
]
