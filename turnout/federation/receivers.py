"""federation's reactions to a meeting's change (placeholder while sending is built)."""

RECEIVERS: list = []


def connect() -> None:
    for hook, receiver in RECEIVERS:
        hook.connect(receiver, dispatch_uid=f"federation.{receiver.__name__}")
