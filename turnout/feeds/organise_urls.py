"""The organisers' ICS import pages, under /organise/groups/<group>/."""

from django.urls import path

from turnout.feeds.views import organise as imports

urlpatterns = [
    path("imports/", imports.import_list, name="imports"),
    path("imports/new/", imports.import_new, name="import_new"),
    path("imports/<int:source>/", imports.import_source, name="import_source"),
    path("imports/<int:source>/import/", imports.import_apply, name="import_apply"),
    path("imports/<int:source>/fetch/", imports.import_refetch, name="import_refetch"),
    path("imports/<int:source>/sync/", imports.import_subscribe, name="import_subscribe"),
    path("imports/<int:source>/delete/", imports.import_delete, name="import_delete"),
]
