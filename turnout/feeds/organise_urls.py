"""The organisers' ICS import pages, under /organise/groups/<group>/ (being written)."""

urlpatterns = []
