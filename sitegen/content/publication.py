"""Which pages are published now, and when that changes by time alone.

Drafts, pages dated in the future and expired pages are left out, as Hugo leaves them
out, unless the config asks for them. The build records the next moment a page comes due
or expires, so that a build with unchanged inputs still runs once that moment passes.
"""

from __future__ import annotations

from datetime import datetime

from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document


def is_published(doc: Document, config: Config, now: datetime) -> bool:
    """Drafts, future and expired pages are left out, as Hugo does, unless asked for."""
    meta = doc.meta
    if _left_out_as_draft(doc, config) or _not_yet_due(doc, config, now) is not None:
        return False
    return not (meta.expiry_date and meta.expiry_date <= now)


def next_change(doc: Document, config: Config, now: datetime) -> datetime | None:
    """When time alone changes whether `doc` is published: its future date comes due, or
    its expiry passes; None when neither will (or it is a draft left out anyway)."""
    if _left_out_as_draft(doc, config):
        return None
    expiry = doc.meta.expiry_date
    moments = [expiry] if expiry and expiry > now else []
    due = _not_yet_due(doc, config, now)
    if due is not None:
        moments.append(due)
    return min(moments, default=None)


def _left_out_as_draft(doc: Document, config: Config) -> bool:
    return bool(doc.meta.draft and not config.build_drafts)


def _not_yet_due(doc: Document, config: Config, now: datetime) -> datetime | None:
    """The publish date (else the date) while it is in the future and futures are left out."""
    publish = doc.meta.publish_date or doc.meta.date
    return publish if publish and publish > now and not config.build_future else None
