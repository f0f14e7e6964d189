"""Tracking links per carrier, for the order page and the shipping notice.

Each carrier's public tracking page takes the consignment number in the
URL. The default URL shapes below come from carriers' public tracking pages
as linked by merchants' code; they were not confirmed against carrier
documentation (**[unconfirmed]**, no tracking URL is given in
docs/reference/shipping.md). Override or add one per carrier with the setting
``KEDAI_TRACKING_URLS = {"skynet": "https://…{number}"}``; ``{number}`` is
replaced by the URL-quoted tracking number. A carrier without a URL gets
"" and the page shows the number alone.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings

DEFAULT_TRACKING_URLS: dict[str, str] = {
    "poslaju": "https://tracking.pos.com.my/tracking/{number}",
    "skynet": "https://www.skynet.com.my/track?hawbNoList={number}",
    "jnt": "https://www.jtexpress.my/tracking/{number}",
    "ninjavan": "https://www.ninjavan.co/en-my/tracking?id={number}",
    "citylink": "https://www.citylinkexpress.com/tracking-result/?track0={number}",
    "gdex": "https://gdexpress.com/home/parcel_tracking?tracking_number={number}",
    "dhl": "https://www.dhl.com/my-en/home/tracking.html?tracking-id={number}",
}


def tracking_url(carrier: str, number: str) -> str:
    """The public tracking page of ``number`` at ``carrier``, or "".

    Never fetches anything. Unknown carriers and empty numbers give "".
    """
    number = number.strip()
    if not number:
        return ""
    urls = {**DEFAULT_TRACKING_URLS, **getattr(settings, "KEDAI_TRACKING_URLS", {})}
    template = urls.get(carrier, "")
    return template.replace("{number}", quote(number, safe="")) if template else ""
