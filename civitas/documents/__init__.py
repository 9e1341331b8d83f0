"""Model-free validators for identity documents: resident IDs, MRZs, phone numbers, bulk checking."""

from civitas.documents.errors import DocumentError, ErrorCode
from civitas.documents.idnumbers import (
    PROVINCES,
    ResidentId,
    make_resident_id,
    mask_resident_id,
    parse_resident_id,
    province_of,
)
from civitas.documents.mrz import MrzResult, make_td1, make_td3, parse_mrz
from civitas.documents.phones import mask_phone, normalise_phone

__all__ = [
    "PROVINCES",
    "DocumentError",
    "ErrorCode",
    "MrzResult",
    "ResidentId",
    "make_resident_id",
    "make_td1",
    "make_td3",
    "mask_phone",
    "mask_resident_id",
    "normalise_phone",
    "parse_mrz",
    "parse_resident_id",
    "province_of",
]
