"""Federation's addresses: discovery under /.well-known/, the actors and objects under
/federation/ (ids built on ``federation_id``, which never changes; turnout.federation.ids
builds the same paths)."""

from django.urls import path

from turnout.federation import views
from turnout.federation.actors import MOBILIZON_COLLECTIONS

app_name = "federation"

GROUP = "federation/groups/<uuid:federation_id>/"

urlpatterns = [
    path(".well-known/webfinger", views.webfinger, name="webfinger"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.1", views.nodeinfo, name="nodeinfo"),
    path("federation/actor/", views.instance_actor, name="instance_actor"),
    path("federation/actor/outbox/", views.instance_outbox, name="instance_outbox"),
    path("federation/inbox/", views.inbox, name="shared_inbox"),
    path("federation/events/<uuid:federation_id>/", views.event_object, name="event_object"),
    path(GROUP, views.group_actor, name="group_actor"),
    path(GROUP + "inbox/", views.inbox, name="group_inbox"),
    path(GROUP + "outbox/", views.group_outbox, name="group_outbox"),
    path(GROUP + "followers/", views.group_followers, name="group_followers"),
    *(
        path(
            f"{GROUP}{name}/",
            views.group_collection,
            {"name": name},
            name=f"group_{name}",
        )
        for name in MOBILIZON_COLLECTIONS
    ),
]
