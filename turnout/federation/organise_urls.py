"""The organisers' page of fediverse follows, under /organise/groups/<group>/."""

from django.urls import path

from turnout.federation import organise

urlpatterns = [
    path("fediverse/", organise.followers, name="fediverse"),
    path("fediverse/approve/", organise.approve, name="fediverse_approve"),
    path("fediverse/decline/", organise.decline, name="fediverse_decline"),
]
