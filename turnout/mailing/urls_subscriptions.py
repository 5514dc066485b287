"""Public mailing-list URLs: subscribe from the group page, confirm, unsubscribe."""

app_name = "mailing"

urlpatterns: list = []
