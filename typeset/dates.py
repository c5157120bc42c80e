"""The one date an edition carries, in its metadata and file stamps: never the clock, so two
builds of the same inputs are byte-identical.

`SOURCE_DATE_EPOCH` wins when set (the reproducible-builds convention for pinning a build's
date); otherwise the issue's own date from `typeset.toml`; otherwise a fixed date.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, date, datetime

FALLBACK = datetime(2000, 1, 1, tzinfo=UTC)


def source_date_epoch(environ: Mapping[str, str] = os.environ) -> datetime | None:
    """The build date `SOURCE_DATE_EPOCH` pins, or None when it is unset or blank.

    ValueError, naming the variable, when it is not a whole number of seconds a date can hold.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError) as error:
        raise ValueError(f"SOURCE_DATE_EPOCH: not a Unix time: {epoch!r}") from error


def edition_date(
    issue_date: date | None = None, environ: Mapping[str, str] = os.environ
) -> datetime:
    pinned = source_date_epoch(environ)
    if pinned is not None:
        return pinned
    if issue_date is not None:
        return datetime(issue_date.year, issue_date.month, issue_date.day, tzinfo=UTC)
    return FALLBACK
