"""Parse ``TURNOUT_EMAIL_URL`` into Django's email settings.

Forms accepted:
``console://`` (print every message to the terminal),
``smtp://user:password@host:587`` (STARTTLS unless ``?tls=off``),
``smtps://user:password@host:465`` (implicit TLS).
"""

from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class EmailConfig:
    backend: str
    host: str = "localhost"
    port: int = 25
    user: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False


def parse_email_url(url: str) -> EmailConfig:
    parts = urlsplit(url)
    if parts.scheme == "console":
        return EmailConfig(backend="django.core.mail.backends.console.EmailBackend")
    if parts.scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            "TURNOUT_EMAIL_URL must start with console://, smtp:// or smtps://"
        )
    if not parts.hostname:
        raise ImproperlyConfigured("TURNOUT_EMAIL_URL needs a host, e.g. smtp://mail.example.org")
    query = parse_qs(parts.query)
    implicit_tls = parts.scheme == "smtps"
    tls_off = query.get("tls", ["on"])[0].lower() in {"off", "0", "false", "no"}
    starttls = not implicit_tls and not tls_off
    try:
        port = parts.port or (465 if implicit_tls else 587 if starttls else 25)
    except ValueError as exc:
        raise ImproperlyConfigured("TURNOUT_EMAIL_URL has an invalid port") from exc
    return EmailConfig(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=starttls,
        use_ssl=implicit_tls,
    )
