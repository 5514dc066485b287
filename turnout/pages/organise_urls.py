"""Everything under /organise/ that needs a logged-in organiser."""

from django.urls import include, path

from turnout.events.views import organise as events
from turnout.events.views import organise_picture as event_pictures
from turnout.events.views import organise_venue as meeting_venue
from turnout.groups.views import organise as groups
from turnout.pages.views import organise as pages
from turnout.pages.views import organise_publishing as publishing
from turnout.rsvp.views import organise_door as door

app_name = "organise"

urlpatterns = [
    path("groups/<slug:group>/", include("turnout.mailing.organise_urls")),
    path("groups/<slug:group>/events/<slug:event>/", include("turnout.rsvp.organise_urls")),
    path("groups/<slug:group>/", include("turnout.feeds.organise_urls")),
    path("groups/<slug:group>/", include("turnout.comparisons.organise_urls")),
    path("groups/<slug:group>/", include("turnout.flyers.organise_urls")),
    path("groups/<slug:group>/", include("turnout.federation.organise_urls")),
    path("", pages.dashboard, name="dashboard"),
    path("new-group/", groups.group_new, name="group_new"),
    path("", include("turnout.groups.organise_urls")),
    path("check-in/<str:token>/", door.scanned, name="check_in"),
    path("groups/<slug:group>/", pages.group_home, name="group"),
    path("groups/<slug:group>/settings/", pages.group_settings, name="group_settings"),
    path("groups/<slug:group>/events/new/", events.event_new, name="event_new"),
    path(
        "groups/<slug:group>/venues/new/<str:key>/",
        meeting_venue.meeting_venue_new,
        name="meeting_venue_new",
    ),
    path("groups/<slug:group>/events/<slug:event>/", pages.event_edit, name="event_edit"),
    path(
        "groups/<slug:group>/events/<slug:event>/publish/",
        events.event_publish,
        name="event_publish",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/spread/",
        publishing.event_spread,
        name="event_spread",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/unpublish/",
        publishing.event_unpublish,
        name="event_unpublish",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/delete/",
        publishing.event_delete,
        name="event_delete",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/cancel/", pages.event_cancel, name="event_cancel"
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/picture/",
        event_pictures.event_picture,
        name="event_picture",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/picture/remove/",
        event_pictures.event_picture_remove,
        name="event_picture_remove",
    ),
    path(
        "groups/<slug:group>/events/<slug:event>/duplicate/",
        events.event_duplicate,
        name="event_duplicate",
    ),
]
