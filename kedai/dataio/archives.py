"""Checking a ZIP upload (an XLSX workbook, a backup) before reading it.

A ZIP's central directory states each member's compressed and inflated
size; Python's ``zipfile`` never inflates a member past its stated size
(it stops there and then fails the CRC check), so the stated sizes bound
what reading can cost. :func:`zip_check` refuses an archive whose members
are too many, too large in total or one by one, or compressed
suspiciously well (a "zip bomb": a few hundred KiB that inflate to
gigabytes) — from the directory alone, before any member is inflated.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from kedai.dataio.exceptions import DataError

# Below this a member's ratio is not judged: small files of repeated text
# compress very well and cost nothing to inflate.
RATIO_FLOOR_BYTES = 1 << 20


@dataclass(frozen=True)
class ZipLimits:
    """What an archive may hold: members, bytes once inflated (in all and
    per member), and inflated bytes per compressed byte."""

    max_members: int
    max_inflated: int
    max_member_inflated: int
    max_ratio: int


def zip_check(archive: zipfile.ZipFile, limits: ZipLimits, *, what: str) -> None:
    """Raise DataError (code ``archive_limits``) naming the first limit
    ``archive`` exceeds; ``what`` names the file for the message ("The
    workbook", "The backup")."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise _refused(_("%(what)s holds %(count)s files; at most %(limit)s are "
                         "accepted.") % {"what": what, "count": len(members),
                                         "limit": limits.max_members})
    total = 0
    for info in members:
        if info.file_size > limits.max_member_inflated:
            raise _refused(_("%(what)s holds a file (%(name)s) of %(size)s once "
                             "unpacked; at most %(limit)s is accepted.") % {
                "what": what, "name": info.filename[:100],
                "size": filesizeformat(info.file_size),
                "limit": filesizeformat(limits.max_member_inflated)})
        total += info.file_size
        if total > limits.max_inflated:
            raise _refused(_("%(what)s unpacks to more than %(limit)s; it is "
                             "refused.") % {
                "what": what, "limit": filesizeformat(limits.max_inflated)})
        if (info.file_size > RATIO_FLOOR_BYTES
                and info.file_size > limits.max_ratio * max(info.compress_size, 1)):
            raise _refused(_("%(what)s holds a file (%(name)s) compressed more "
                             "than %(ratio)s times, as only damaged or malicious "
                             "files are; it is refused.") % {
                "what": what, "name": info.filename[:100],
                "ratio": limits.max_ratio})


def _refused(message: str) -> DataError:
    return DataError(message, code="archive_limits")
