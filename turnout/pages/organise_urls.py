"""Everything under /organise/ that needs a logged-in organiser."""

from django.urls import include, path

from turnout.events.views import organise as events
from turnout.groups.views import organise as groups
from turnout.groups.views import organise_audit
from turnout.pages.views import organise as pages
from turnout.rsvp.views import organise_door as door

app_name = "organise"

urlpatterns = [
    path("groups/<slug:group>/", include("turnout.mailing.organise_urls")),
    path("groups/<slug:group>/events/<slug:event>/", include("turnout.rsvp.organise_urls")),
    path("groups/<slug:group>/", include("turnout.feeds.organise_urls")),
    path("groups/<slug:group>/", include("turnout.comparisons.organise_urls")),
    path("groups/<slug:group>/", include("turnout.flyers.organise_urls")),
    path("", groups.dashboard, name="dashboard"),
    path("new-group/", groups.group_new, name="group_new"),
    path("invitations/<str:token>/", groups.invitation, name="invitation"),
    path("check-in/<str:token>/", door.scanned, name="check_in"),
    path("groups/<slug:group>/", pages.group_home, name="group"),
    path("groups/<slug:group>/edit/", groups.group_edit, name="group_edit"),
    path("groups/<slug:group>/invite/", groups.invite, name="invite"),
    path("groups/<slug:group>/audit/", organise_audit.audit_log, name="audit"),
    path("groups/<slug:group>/venues/new/", groups.venue_form, name="venue_new"),
    path("groups/<slug:group>/venues/<int:venue>/", groups.venue_form, name="venue_edit"),
    path("groups/<slug:group>/events/new/", events.event_new, name="event_new"),
    path("groups/<slug:group>/events/<slug:event>/", pages.event_edit, name="event_edit"),
    path(
        "groups/<slug:group>/events/<slug:event>/publish/",
        events.event_publish,
        name="event_publish",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/cancel/", pages.event_cancel, name="event_cancel"
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/duplicate/",
        events.event_duplicate,
        name="event_duplicate",
    ),
]
