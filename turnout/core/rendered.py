"""Markdown rendered once, when its row is saved, and stored beside its source.

Rendering and sanitising a meeting's description on every view cost most of a page's
time; the stored rendering costs nothing to show. A model declares it with
``about_rendered, about_stamp = stored_markdown("about")`` and subclasses
``StoredMarkdown``; templates then show ``group.about_html``.

The stored HTML is never trusted blindly: it is shown only while its stamp is the
current renderer version (``turnout.core.markdown.render_version``) with a digest of the
source and of the HTML itself. So a source changed behind the renderer's back (a bulk
update, a fixture, SQL), a rendering made under other sanitiser settings, or HTML
written into the column by hand, is never shown: the page renders the source afresh
(the output is always right) and stores it back with one UPDATE of those two columns.
After an upgrade that changes the version, ``turnout manage rerender_markdown`` renders
every stale row in batches so that the first visitors do not pay for it.
"""

import hashlib
import logging

from django.db import DatabaseError, migrations, models, transaction
from django.utils.safestring import SafeString, mark_safe

from turnout.core.markdown import current_version, render_markdown

logger = logging.getLogger(__name__)

STAMP_MAX_LENGTH = 40


def stamp(source: str, html: str) -> str:
    """The stamp of ``html`` as the current renderer's output for ``source``."""
    digest = hashlib.blake2b(f"{source}\0{html}".encode(), digest_size=9).hexdigest()
    return f"{current_version()}:{digest}"


class RenderedMarkdownField(models.TextField):
    """The sanitised HTML of the Markdown in the field ``source``, made on every save
    (``save()``, ``create()``, ``bulk_create()``: Django asks each field's ``pre_save``)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.update(editable=False, blank=True, default="", db_default="")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("editable", "blank", "default", "db_default"):
            kwargs.pop(fixed, None)
        return name, path, args, {**kwargs, "source": self.source}

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        source = self.source
        setattr(cls, f"{source}_html", property(lambda instance: shown(instance, source)))

    def pre_save(self, model_instance, add):
        html = str(render_markdown(getattr(model_instance, self.source) or ""))
        setattr(model_instance, self.attname, html)
        return html


class MarkdownStampField(models.CharField):
    """The stamp of the rendering beside the field ``source`` (see ``stamp``)."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.update(
            max_length=STAMP_MAX_LENGTH, editable=False, blank=True, default="", db_default=""
        )
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("max_length", "editable", "blank", "default", "db_default"):
            kwargs.pop(fixed, None)
        return name, path, args, {**kwargs, "source": self.source}

    def pre_save(self, model_instance, add):
        source = getattr(model_instance, self.source) or ""
        value = stamp(source, str(render_markdown(source)))
        setattr(model_instance, self.attname, value)
        return value


def stored_markdown(source: str) -> tuple[RenderedMarkdownField, MarkdownStampField]:
    """The two columns that store ``source``'s rendering: ``<source>_rendered`` and
    ``<source>_stamp`` by convention (``shown`` and the command rely on those names)."""
    return RenderedMarkdownField(source=source), MarkdownStampField(source=source)


def markdown_sources(model) -> list[str]:
    """The Markdown fields of ``model`` that have a stored rendering."""
    return [f.source for f in model._meta.fields if isinstance(f, RenderedMarkdownField)]


class StoredMarkdown(models.Model):
    """For models with ``stored_markdown`` columns: a save that names a source in
    ``update_fields`` saves its rendering too."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            named = set(update_fields)
            for source in markdown_sources(type(self)):
                if source in named:
                    named |= {f"{source}_rendered", f"{source}_stamp"}
            update_fields = named
        super().save(*args, update_fields=update_fields, **kwargs)


def is_current(instance, source: str) -> bool:
    text = getattr(instance, source) or ""
    html = getattr(instance, f"{source}_rendered")
    return getattr(instance, f"{source}_stamp") == stamp(text, html)


def refresh(instance, source: str) -> dict[str, str]:
    """Render ``source`` afresh onto ``instance``; the two columns' new values."""
    html = str(render_markdown(getattr(instance, source) or ""))
    values = {
        f"{source}_rendered": html,
        f"{source}_stamp": stamp(getattr(instance, source) or "", html),
    }
    for name, value in values.items():
        setattr(instance, name, value)
    return values


def shown(instance, source: str) -> SafeString:
    """The sanitised HTML of ``instance``'s Markdown ``source``: the stored rendering when
    it is current, else rendered now and stored back."""
    if is_current(instance, source):
        return mark_safe(getattr(instance, f"{source}_rendered"))  # noqa: S308 -- stamped ours
    values = refresh(instance, source)
    if instance.pk is not None:
        _store_back(instance, source, values)
    return render_markdown(getattr(instance, source) or "")


def _store_back(instance, source: str, values: dict[str, str]) -> None:
    """One UPDATE of the two columns, only if the source is still what was rendered; a
    failure (a read-only or busy database) leaves the page right and the row stale."""
    rows = type(instance)._base_manager.filter(
        pk=instance.pk, **{source: getattr(instance, source)}
    )
    try:
        with transaction.atomic():
            rows.update(**values)
    except DatabaseError:
        logger.warning("Could not store the rendering of %s %s", instance._meta.label, instance.pk)


def rerender_stale(model, *, batch_size: int = 500) -> int:
    """Render again every row of ``model`` whose stored rendering is not current, reading
    and writing ``batch_size`` rows at a time; how many rows were re-rendered."""
    sources = markdown_sources(model)
    columns = [name for s in sources for name in (s, f"{s}_rendered", f"{s}_stamp")]
    changed, last = 0, None
    while True:
        rows = model._base_manager.order_by("pk").only("pk", *columns)
        batch = list((rows.filter(pk__gt=last) if last is not None else rows)[:batch_size])
        if not batch:
            return changed
        last = batch[-1].pk
        stale = [row for row in batch if not all(is_current(row, s) for s in sources)]
        for row in stale:
            for source in sources:
                refresh(row, source)
        if stale:
            model._base_manager.bulk_update(stale, [c for c in columns if c not in sources])
        changed += len(stale)


def add_stored_markdown(app_label: str, model_name: str, source: str) -> list:
    """A migration's operations: add ``stored_markdown(source)`` to the model and store the
    rendering of every row it already has (the pages show nothing else)."""

    def render_existing(apps, schema_editor):
        rerender_stale(apps.get_model(app_label, model_name))

    html_field, stamp_field = stored_markdown(source)
    return [
        migrations.AddField(model_name.lower(), f"{source}_rendered", html_field),
        migrations.AddField(model_name.lower(), f"{source}_stamp", stamp_field),
        migrations.RunPython(render_existing, migrations.RunPython.noop),
    ]
