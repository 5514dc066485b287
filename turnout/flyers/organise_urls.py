"""The organisers' pages for statements, quotes and the blocks a meeting shows, under
/organise/groups/<group>/."""

from django.urls import path

from turnout.flyers.views import organise as views

urlpatterns = [
    path("events/<slug:event>/blocks/", views.event_blocks, name="event_blocks"),
    path("events/<slug:event>/blocks/new/<slug:kind>/", views.block_new, name="block_new"),
    path("events/<slug:event>/blocks/<int:block>/move/", views.block_move, name="block_move"),
    path("events/<slug:event>/blocks/<int:block>/remove/", views.block_remove, name="block_remove"),
    path("statements/<int:statement>/", views.statement_edit, name="statement_edit"),
    path("quotes/<int:quote>/", views.quote_edit, name="quote_edit"),
]
