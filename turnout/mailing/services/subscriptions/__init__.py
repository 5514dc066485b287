"""A group's mailing list: double opt-in, one-click unsubscribe, suppression for good, CSV.

Call through this module: ``from turnout.mailing.services import subscriptions``, then
``subscriptions.request_subscription(...)``. ``optin`` holds the rules for one address
(confirm, unsubscribe, the keyed hash); ``csvfiles`` the organiser's import and export.
"""

from turnout.core.csvexport import neutralise
from turnout.mailing.services.subscriptions.csvfiles import (
    IMPORT_MAX_ROWS,
    SKIP_REASONS,
    ImportRejected,
    ImportReport,
    SkippedRow,
    export_csv,
    import_csv,
)
from turnout.mailing.services.subscriptions.optin import (
    CONFIRM_SALT,
    CONFIRM_VALID_FOR,
    SOURCES,
    UNSUBSCRIBE_SALT,
    LinkInvalid,
    PendingSubscription,
    UnsubscribeTarget,
    check_confirmation,
    check_unsubscribe,
    confirm_subscription,
    confirmation_token,
    email_hash,
    is_suppressed,
    request_subscription,
    subscribers,
    suppressed_count,
    unsubscribe,
    unsubscribe_token,
    unsubscribe_url,
)

__all__ = [
    "CONFIRM_SALT",
    "CONFIRM_VALID_FOR",
    "IMPORT_MAX_ROWS",
    "SKIP_REASONS",
    "SOURCES",
    "UNSUBSCRIBE_SALT",
    "ImportRejected",
    "ImportReport",
    "LinkInvalid",
    "PendingSubscription",
    "SkippedRow",
    "UnsubscribeTarget",
    "check_confirmation",
    "check_unsubscribe",
    "confirm_subscription",
    "confirmation_token",
    "email_hash",
    "export_csv",
    "import_csv",
    "is_suppressed",
    "neutralise",
    "request_subscription",
    "subscribers",
    "suppressed_count",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
]
