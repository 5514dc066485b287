"""The group's organiser URLs that groups owns (under /organise/): its settings, the
invitations, its venues, its people and its audit log."""

from django.urls import path

from turnout.groups.views import organise as groups
from turnout.groups.views import organise_audit, organise_picture
from turnout.groups.views import organise_people as people

urlpatterns = [
    path("invitations/<str:token>/", groups.invitation, name="invitation"),
    path("groups/<slug:group>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<slug:group>/picture/", organise_picture.group_picture, name="group_picture"),
    path(
        "groups/<slug:group>/picture/remove/",
        organise_picture.group_picture_remove,
        name="group_picture_remove",
    ),
    path("groups/<slug:group>/invite/", groups.invite, name="invite"),
    path("groups/<slug:group>/venues/new/", groups.venue_form, name="venue_new"),
    path("groups/<slug:group>/venues/<int:venue>/", groups.venue_form, name="venue_edit"),
    path("groups/<slug:group>/audit/", organise_audit.audit_log, name="audit"),
    path("groups/<slug:group>/people/", people.people, name="people"),
    path("groups/<slug:group>/people/remove/", people.remove, name="people_remove"),
    path("groups/<slug:group>/people/role/", people.set_role, name="people_role"),
    path("groups/<slug:group>/people/transfer/", people.transfer, name="people_transfer"),
    path("groups/<slug:group>/people/leave/", people.leave, name="people_leave"),
    path("groups/<slug:group>/people/withdraw/", people.withdraw, name="invitation_withdraw"),
]
