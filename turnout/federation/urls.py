"""Federation's addresses: discovery under /.well-known/, the actors and objects under
/federation/ (ids built on ``federation_id``, which never changes)."""

app_name = "federation"
urlpatterns: list = []
