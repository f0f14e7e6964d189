"""Malaysian date and time formats in Bahasa Melayu: the same as English
(see ``kedai.core.formats.en``)."""

from kedai.core.formats.en.formats import *  # noqa: F403
