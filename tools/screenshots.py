"""Screenshots of the demo for the docs: ``.venv/bin/python tools/screenshots.py``.

Starts ``turnout demo`` on a free port with its data in a temporary folder, takes
full-page PNGs at 375 px and 1280 px wide of the home page, a group page, the demo
meeting's page, an RSVP (the check-inbox page, then the attendee's page held and
confirmed, from the link the demo printed), and, logged in as the demo organiser,
the new meeting form, the meeting's registrations and its door check-in; writes them
to docs/screenshots/ and stops the demo. Uses Debian's chromium (never a downloaded browser); set
TURNOUT_CHROMIUM to use another binary.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.chromium import launch  # noqa: E402
from turnout.cli import DEMO_LOGIN  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
WIDTHS = {375: {"height": 812, "is_mobile": True, "has_touch": True}, 1280: {"height": 900}}
GROUP = "ukraine-information-group"
RSVP_LINK = re.compile(r"http://127\.0\.0\.1:\d+/rsvp/[A-Za-z0-9_-]+/")
MEETING = "What internationalism means"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, demo: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if demo.poll() is not None:
            sys.exit(f"turnout demo exited with {demo.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (our own http://127.0.0.1)
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"turnout demo did not answer on {url} within {timeout:.0f}s:\n{log.read_text()}")


def start_demo(var: Path, port: int) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TURNOUT_", "DJANGO_"))}
    env["TURNOUT_VAR_DIR"] = str(var)
    log = var / "demo.log"
    with open(log, "w") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "turnout.cli", "demo", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # gunicorn and its workers share a process group we stop
        )
    return demo, log


def stop_demo(demo: subprocess.Popen) -> None:
    """Stop the demo's whole process group (the demo, gunicorn and its workers)."""

    def group_alive() -> bool:
        try:
            os.killpg(demo.pid, 0)
        except ProcessLookupError:
            return False
        return True

    if group_alive():
        os.killpg(demo.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while group_alive() and time.monotonic() < deadline:
        demo.poll()  # reap the demo itself so its group can empty
        time.sleep(0.1)
    if group_alive():
        os.killpg(demo.pid, signal.SIGKILL)
    demo.wait()


def shoot(page, path: str, name: str, width: int) -> None:
    page.goto(path)
    snap(page, name, width)


def snap(page, name: str, width: int) -> None:
    page.wait_for_load_state("networkidle")
    file = OUT / f"{name}-{width}.png"
    page.screenshot(path=str(file), full_page=True)
    scroll = page.evaluate("() => document.documentElement.scrollWidth")
    note = "" if scroll <= width else f"  (scrolls sideways: {scroll}px wide)"
    print(f"{file.relative_to(ROOT)}{note}")


def attendee_pages(page, log: Path, width: int) -> str:
    """Register on the meeting's page, then open the emailed link the demo printed;
    returns that link."""
    email = f"screenshots-{width}@example.org"
    page.get_by_label("Your name").fill("Ann Attendee")
    page.get_by_label("Your email address").fill(email)
    page.get_by_label("Guests you are bringing").fill("1")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    snap(page, "rsvp-check-inbox", width)
    deadline = time.monotonic() + 30
    while not (links := RSVP_LINK.findall(log.read_text())) and time.monotonic() < deadline:
        time.sleep(0.3)
    if not links:
        sys.exit(f"no RSVP link in the demo's output:\n{log.read_text()}")
    page.goto(links[-1])
    snap(page, "rsvp-held", width)
    page.get_by_role("button", name="Confirm my place").click()
    expect(page.get_by_role("heading", name="Your place is confirmed")).to_be_visible()
    snap(page, "rsvp-confirmed", width)
    return links[-1]


def change_notice(page, meeting_edit: str, width: int) -> None:
    """Move the meeting by half an hour (and back at the next width): the organiser is
    offered to tell the people registered; tell them."""
    page.goto(meeting_edit)
    start = page.get_by_label("Start time")
    start.fill("19:30" if start.input_value() == "19:00" else "19:00")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("button", name="Email everyone registered")).to_be_visible()
    snap(page, "change-notice", width)
    page.get_by_role("button", name="Email everyone registered").click()


ALLIED_CALENDAR = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nX-WR-CALNAME:Allied groups\r\n"
    "BEGIN:VEVENT\r\nUID:vigil@allies.example\r\nSUMMARY:Vigil for peace\r\n"
    "DTSTART;TZID=Europe/Kyiv:20301212T180000\r\nDTEND;TZID=Europe/Kyiv:20301212T193000\r\n"
    "LOCATION:Independence Square\\, Kyiv\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nUID:fair@allies.example\r\nSUMMARY:Solidarity book fair\r\n"
    "DTSTART;VALUE=DATE:20301219\r\nDTEND;VALUE=DATE:20301221\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nSUMMARY:No UID here\r\nDTSTART:20301220T100000Z\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def import_review(page, width: int) -> None:
    """Upload an ally's calendar: the review lists each event and what will happen."""
    page.goto(f"/organise/groups/{GROUP}/imports/new/")
    page.get_by_label("…or an .ics file").set_input_files(
        {"name": "allies.ics", "mimeType": "text/calendar", "buffer": ALLIED_CALENDAR.encode()}
    )
    page.get_by_text("allied events", exact=False).first.click()
    page.get_by_role("button", name="Read the calendar").click()
    snap(page, "import-review", width)


def erase(page, link: str, width: int) -> None:
    page.goto(link)
    page.get_by_text("Erase my details…").click()
    page.get_by_role("button", name="Yes, erase my details").click()
    snap(page, "rsvp-erased", width)


def take_screenshots(base_url: str, log: Path) -> None:
    email, password = DEMO_LOGIN
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        try:
            for width, options in WIDTHS.items():
                height = options["height"]
                extra = {k: v for k, v in options.items() if k != "height"}
                viewport = {"width": width, "height": height}
                # Public pages as a visitor sees them: not logged in.
                visitor = browser.new_context(base_url=base_url, viewport=viewport, **extra)
                page = visitor.new_page()
                shoot(page, "/", "home", width)
                meeting = page.get_by_role("link", name=MEETING).get_attribute("href")
                shoot(page, f"/{GROUP}/", "group", width)
                shoot(page, f"/{GROUP}/widget/", "widget-page", width)
                shoot(page, meeting, "event", width)
                link = attendee_pages(page, log, width)

                organiser = browser.new_context(base_url=base_url, viewport=viewport, **extra)
                page = organiser.new_page()
                page.goto("/organise/login/")
                page.get_by_label("Email address").fill(email)
                page.get_by_label("Password").fill(password)
                page.get_by_role("button", name="Log in").click()
                expect(page.get_by_role("heading", name="Your groups")).to_be_visible()
                shoot(page, f"/organise/groups/{GROUP}/events/new/", "event-form", width)
                slug = meeting.rstrip("/").rsplit("/", 1)[-1]
                registrations = f"/organise/groups/{GROUP}/events/{slug}/registrations/"
                shoot(page, registrations, "registrations", width)
                shoot(page, registrations.replace("registrations/", "door/"), "door", width)
                change_notice(page, f"/organise/groups/{GROUP}/events/{slug}/", width)
                import_review(page, width)
                organiser.close()
                erase(visitor.pages[0], link, width)
                visitor.close()
        finally:
            browser.close()


def main() -> int:
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="turnout-screenshots-") as tmp:
        demo, log = start_demo(Path(tmp), port)
        try:
            wait_until_up(base_url + "/", demo, log)
            take_screenshots(base_url, log)
        finally:
            stop_demo(demo)
    return 0


if __name__ == "__main__":
    sys.exit(main())
