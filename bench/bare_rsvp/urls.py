from django.urls import path

from bare_rsvp import views

urlpatterns = [path("e/<slug:slug>/", views.event_page, name="event")]
