"""Render again every stored Markdown rendering that is not current: after an upgrade
that changed the sanitiser's version (turnout.core.rendered), so that the first visitors
of each page do not pay for it. Safe to run any time; a second run changes nothing."""

from django.apps import apps
from django.core.management.base import BaseCommand

from turnout.core import rendered


class Command(BaseCommand):
    help = "Render again the stored Markdown made under an older sanitiser version."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        total = 0
        for model in apps.get_models():
            if not rendered.markdown_sources(model):
                continue
            changed = rendered.rerender_stale(model, batch_size=batch_size)
            total += changed
            self.stdout.write(f"{changed} {model._meta.label_lower}")
        self.stdout.write(f"re-rendered {total} stored Markdown texts")
