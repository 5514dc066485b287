"""The organisers' comparison table pages, under /organise/groups/<group>/."""

from django.urls import path

from turnout.comparisons.views import organise as views

urlpatterns = [
    path("comparisons/", views.comparison_list, name="comparisons"),
    path("comparisons/<slug:comparison>/", views.comparison_edit, name="comparison_edit"),
    path(
        "comparisons/<slug:comparison>/add/<slug:kind>/",
        views.comparison_add,
        name="comparison_add",
    ),
    path(
        "comparisons/<slug:comparison>/move/<slug:kind>/<int:item>/",
        views.comparison_move,
        name="comparison_move",
    ),
    path(
        "comparisons/<slug:comparison>/cells/<int:cell>/",
        views.cell_edit,
        name="comparison_cell",
    ),
    path(
        "comparisons/<slug:comparison>/publish/",
        views.comparison_publish,
        name="comparison_publish",
    ),
    path(
        "comparisons/<slug:comparison>/import/",
        views.comparison_import,
        name="comparison_import",
    ),
    path(
        "comparisons/<slug:comparison>/export/",
        views.comparison_export,
        name="comparison_export",
    ),
]
