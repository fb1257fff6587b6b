"""compliance: export-control screening of shipments against the Belarus sanctions regime.

    from compliance import Screener
    screener = Screener.load()
    result = screener.screen({"shipment_id": "S1", "hs_code": "310420", "destination_country": "BY"})
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from compliance.screener import Screener

__all__ = ["Screener", "__version__"]


def __getattr__(name: str) -> Any:
    # Lazy, so `compliance --help` and light imports stay fast.
    if name == "Screener":
        from compliance.screener import Screener

        return Screener
    raise AttributeError(name)
