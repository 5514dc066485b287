"""TURNOUT_EMAIL_URL becomes Django's email settings, or a clear configuration error."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from turnout.core.email_url import EmailConfig, parse_email_url

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_parse_email_url_console_prints_to_the_terminal():
    assert parse_email_url("console://") == EmailConfig(
        backend="django.core.mail.backends.console.EmailBackend"
    )


def test_parse_email_url_smtp_with_credentials_and_port():
    config = parse_email_url("smtp://user:pa%40ss@mail.example.org:2525")

    assert config == EmailConfig(
        backend=SMTP,
        host="mail.example.org",
        port=2525,
        user="user",
        password="pa@ss",
        use_tls=True,
        use_ssl=False,
    )


def test_parse_email_url_smtp_defaults_to_starttls_on_587():
    config = parse_email_url("smtp://mail.example.org")

    assert (config.port, config.use_tls, config.use_ssl) == (587, True, False)
    assert (config.user, config.password) == ("", "")


def test_parse_email_url_smtp_with_tls_off_is_plain_on_25():
    config = parse_email_url("smtp://h?tls=off")

    assert config == EmailConfig(backend=SMTP, host="h", port=25, use_tls=False, use_ssl=False)


def test_parse_email_url_smtps_is_implicit_tls_on_465():
    config = parse_email_url("smtps://h")

    assert config == EmailConfig(backend=SMTP, host="h", port=465, use_tls=False, use_ssl=True)


@pytest.mark.parametrize(
    "url", ["http://mail.example.org", "mailto:admin@example.org", "mail.example.org", ""]
)
def test_parse_email_url_refuses_another_scheme(url):
    with pytest.raises(ImproperlyConfigured) as exc:
        parse_email_url(url)

    assert str(exc.value) == "TURNOUT_EMAIL_URL must start with console://, smtp:// or smtps://"


@pytest.mark.parametrize("url", ["smtp://", "smtps://", "smtp://user:secret@:25"])
def test_parse_email_url_refuses_a_missing_host(url):
    with pytest.raises(ImproperlyConfigured) as exc:
        parse_email_url(url)

    assert str(exc.value) == "TURNOUT_EMAIL_URL needs a host, e.g. smtp://mail.example.org"


@pytest.mark.parametrize("url", ["smtp://h:99999", "smtp://h:port", "smtps://h:-1"])
def test_parse_email_url_refuses_a_bad_port(url):
    with pytest.raises(ImproperlyConfigured) as exc:
        parse_email_url(url)

    assert str(exc.value) == "TURNOUT_EMAIL_URL has an invalid port"


@pytest.mark.parametrize("value", ["off", "0", "false", "no", "OFF"])
def test_parse_email_url_turns_starttls_off_with_any_usual_word(value):
    assert parse_email_url(f"smtp://relay.example.org?tls={value}").use_tls is False
