from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from turnout.comparisons.views import public as comparisons
from turnout.core import views as core
from turnout.feeds.views import public_calendars as calendars
from turnout.feeds.views import public_web as web
from turnout.flyers.views import public as flyers
from turnout.groups.views import organise_accounts as accounts
from turnout.pages.views import browse, language, meeting, share
from turnout.pages.views import public as pages

public = (
    [
        path("", browse.home, name="home"),
        path("groups/", browse.groups, name="groups"),
        path("past/", browse.past, name="past"),
        path("events.ics", calendars.site_ics, name="site_ics"),
        path("feed.atom", web.site_atom, name="site_atom"),
        path("<slug:group>/", pages.group_page, name="group"),
        path("<slug:group>/past/", browse.group_past, name="group_past"),
        path("<slug:group>/events.ics", calendars.group_ics, name="group_ics"),
        path("<slug:group>/feed.atom", web.group_atom, name="group_atom"),
        path("<slug:group>/widget/", web.widget, name="widget"),
        path("<slug:group>/events/<slug:event>/", meeting.event_page, name="event"),
        path("<slug:group>/events/<slug:event>/event.ics", calendars.event_ics, name="event_ics"),
        path("<slug:group>/events/<slug:event>/flyer.pdf", flyers.flyer_pdf, name="flyer_pdf"),
        path("<slug:group>/events/<slug:event>/flyer.png", flyers.flyer_png, name="flyer_png"),
        path(
            "<slug:group>/events/<slug:event>/share/mastodon/",
            share.share_mastodon,
            name="share_mastodon",
        ),
        path(
            "<slug:group>/comparisons/<slug:comparison>/",
            comparisons.comparison_page,
            name="comparison",
        ),
    ],
    "public",
)

urlpatterns = [
    path(".well-known/security.txt", core.security_txt, name="security_txt"),
    path("language/", language.set_language, name="set_language"),
    path("admin/login/", accounts.admin_login),  # before the admin's own: throttled
    path("admin/", admin.site.urls),
    path("organise/", include("turnout.groups.accounts_urls")),
    path("organise/", include("turnout.pages.organise_urls")),
    path("", include("turnout.federation.urls")),
    path("", include("turnout.mailing.urls")),
    path("", include("turnout.rsvp.urls")),
    path("", include(public)),
]

if settings.TURNOUT_SERVE_MEDIA and settings.MEDIA_URL.startswith("/"):
    urlpatterns.insert(0, path(settings.MEDIA_URL[1:] + "<path:path>", core.media, name="media"))

handler400 = core.bad_request
handler403 = core.permission_denied
handler404 = core.page_not_found
handler500 = core.server_error
