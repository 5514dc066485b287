from django.contrib import admin
from django.urls import include, path

from turnout.core import views as core
from turnout.events.views import public as events
from turnout.groups.views import public as groups

public = (
    [
        path("", events.home, name="home"),
        path("<slug:group>/", groups.group_page, name="group"),
        path("<slug:group>/events/<slug:event>/", events.event_page, name="event"),
    ],
    "public",
)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("organise/", include("turnout.groups.urls_accounts")),
    path("organise/", include("turnout.organise_urls")),
    path("", include("turnout.mailing.urls_subscriptions")),
    path("", include("turnout.rsvp.urls")),
    path("", include(public)),
]

handler400 = core.bad_request
handler403 = core.permission_denied
handler404 = core.page_not_found
handler500 = core.server_error
