import datetime as dt
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from turnout.core.logredact import GunicornLogger, RedactTokens, redact_text

TOKEN = "Xq3v9ZkP0aLr7TbWc1sNdYe5HgUj2MfK8oIl4RpQ6wA"


def test_redact_text_hides_the_token_of_every_token_route():
    for prefix in ("/rsvp/", "/organise/verify/", "/organise/invitations/"):
        assert redact_text(f"{prefix}{TOKEN}/") == f"{prefix}[token]/"


def test_redact_text_hides_password_reset_tokens_but_not_its_plain_pages():
    assert (
        redact_text(f"/organise/password-reset/MQ/{TOKEN}/") == "/organise/password-reset/[token]/"
    )
    assert redact_text("/organise/password-reset/sent/") == "/organise/password-reset/sent/"
    assert redact_text("/organise/password-reset/") == "/organise/password-reset/"


def test_redact_text_leaves_other_paths_alone():
    assert redact_text("/uig/events/what-internationalism-means-2026-12-01/") == (
        "/uig/events/what-internationalism-means-2026-12-01/"
    )


def test_redact_text_finds_token_paths_inside_a_request_line():
    assert redact_text(f"GET /rsvp/{TOKEN}/?x=1 HTTP/1.1") == "GET /rsvp/[token]/?x=1 HTTP/1.1"


def test_log_filter_rewrites_django_request_warning_arguments():
    record = logging.LogRecord(
        "django.request",
        logging.WARNING,
        __file__,
        1,
        "%s: %s",
        ("Not Found", f"/rsvp/{TOKEN}/"),
        None,
    )
    RedactTokens().filter(record)
    assert record.getMessage() == "Not Found: /rsvp/[token]/"


def test_gunicorn_access_log_atoms_carry_no_token():
    logger = GunicornLogger(Config())
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/organise/invitations/{TOKEN}/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/organise/invitations/{TOKEN}/",
        "QUERY_STRING": "",
        "HTTP_REFERER": f"https://events.example.org/rsvp/{TOKEN}/",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[])
    atoms = logger.atoms(response, request, environ, dt.timedelta(seconds=0.01))
    assert TOKEN not in " ".join(str(value) for value in atoms.values())
    assert atoms["U"] == "/organise/invitations/[token]/"


def test_a_404_on_a_token_path_is_logged_without_the_token(client, capfd, db):
    client.get(f"/organise/invitations/{TOKEN}-unknown/extra/")
    client.get(f"/rsvp/{TOKEN}/")
    _out, err = capfd.readouterr()
    assert TOKEN not in err
