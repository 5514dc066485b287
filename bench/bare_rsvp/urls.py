from django.urls import path

from bare_rsvp import views

urlpatterns = [
    path("", views.upcoming, name="upcoming"),
    path("e/<slug:slug>/", views.event_page, name="event"),
]
