"""The site's URLs with the organisers' comparison pages included under /organise/,
as turnout/pages/organise_urls.py will include them (one line there, not yet made)."""

from django.urls import include, path

from turnout.pages import organise_urls, urls

organise = (
    [
        path("groups/<slug:group>/", include("turnout.comparisons.organise_urls")),
        *organise_urls.urlpatterns,
    ],
    "organise",
)

urlpatterns = [
    path("organise/", include(organise))
    if getattr(entry, "urlconf_name", None) is organise_urls
    else entry
    for entry in urls.urlpatterns
]

handler400, handler403 = urls.handler400, urls.handler403
handler404, handler500 = urls.handler404, urls.handler500
