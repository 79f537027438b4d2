"""Exported activity files: FIT (the upload format) and TCX (the fallback), written
atomically from a ride in rides.db."""

from app.infra.export.fit_activity import encode_fit_activity, write_fit_activity
from app.infra.export.ride_export import ExportRide, RideNotFoundError, load_export_ride
from app.infra.export.tcx import encode_tcx, write_tcx

__all__ = [
    "ExportRide",
    "RideNotFoundError",
    "encode_fit_activity",
    "encode_tcx",
    "load_export_ride",
    "write_fit_activity",
    "write_tcx",
]
