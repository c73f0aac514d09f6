"""`flask gazetteer import`: the council's addresses from Ordnance Survey AddressBase Plus (CSV, no
header row) or from its LLPG in the NLPG Data Transfer Format 8.1 (typed CSV records), full supplies
and change-only updates alike.

Streaming: the file is read a line at a time and written in batches of whole record types (a batch
never mixes types, so a BLPU is in the table before the LPI that names it), so memory stays flat
however long the file. Idempotent: a row is written only when a value differs, so importing the same
supply twice changes nothing. Deletions retire an address (logical status "historic") rather than
removing the row: cases keep pointing at it, the portal no longer offers it.

The service flushes through Core statements and calls `commit` (the command's) after each batch."""
from __future__ import annotations

import csv
import string
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Callable, Iterable, Iterator

from sqlalchemy import and_, bindparam, insert, select, update

from frontdoor.extensions import db
from frontdoor.models import Property, Street
from workflows.validation import normalise_postcode

# AddressBase Plus, the current (77-column) edition. The rows carry no header: OS publishes the header
# separately; this is that header as it appears in a public AddressBase Plus chunking script
# (the "AddressBasePlus_FULL*.csv" splitter in the search index, id 34515965737) and matches OS's
# AddressBase Plus technical specification's field order.
ABP_COLUMNS = (
    "UPRN,UDPRN,CHANGE_TYPE,STATE,STATE_DATE,CLASS,PARENT_UPRN,X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE,RPC,"
    "LOCAL_CUSTODIAN_CODE,COUNTRY,LA_START_DATE,LAST_UPDATE_DATE,ENTRY_DATE,RM_ORGANISATION_NAME,LA_ORGANISATION,"
    "DEPARTMENT_NAME,LEGAL_NAME,SUB_BUILDING_NAME,BUILDING_NAME,BUILDING_NUMBER,SAO_START_NUMBER,SAO_START_SUFFIX,"
    "SAO_END_NUMBER,SAO_END_SUFFIX,SAO_TEXT,ALT_LANGUAGE_SAO_TEXT,PAO_START_NUMBER,PAO_START_SUFFIX,PAO_END_NUMBER,"
    "PAO_END_SUFFIX,PAO_TEXT,ALT_LANGUAGE_PAO_TEXT,USRN,USRN_MATCH_INDICATOR,AREA_NAME,LEVEL,OFFICIAL_FLAG,"
    "OS_ADDRESS_TOID,OS_ADDRESS_TOID_VERSION,OS_ROADLINK_TOID,OS_ROADLINK_TOID_VERSION,OS_TOPO_TOID,"
    "OS_TOPO_TOID_VERSION,VOA_CT_RECORD,VOA_NDR_RECORD,STREET_DESCRIPTION,ALT_LANGUAGE_STREET_DESCRIPTION,"
    "DEPENDENT_THOROUGHFARE,THOROUGHFARE,WELSH_DEPENDENT_THOROUGHFARE,WELSH_THOROUGHFARE,DOUBLE_DEPENDENT_LOCALITY,"
    "DEPENDENT_LOCALITY,LOCALITY,WELSH_DEPENDENT_LOCALITY,WELSH_DOUBLE_DEPENDENT_LOCALITY,TOWN_NAME,"
    "ADMINISTRATIVE_AREA,POST_TOWN,WELSH_POST_TOWN,POSTCODE,POSTCODE_LOCATOR,POSTCODE_TYPE,DELIVERY_POINT_SUFFIX,"
    "ADDRESSBASE_POSTAL,PO_BOX_NUMBER,WARD_CODE,PARISH_CODE,RM_START_DATE,MULTI_OCC_COUNT,VOA_NDR_P_DESC_CODE,"
    "VOA_NDR_SCAT_CODE,ALT_LANGUAGE"
).split(",")

# DTF 8.1 record layouts. GeoPlace's DTF 8.1 specification is not public; these orders are those of
# AddressBase Premium, which OS builds to DTF 8.1 and supplies with one extra trailing EPOCH field, as
# two public loaders state them: ONSdigital/address-index-data
# (batch/src/main/scala/uk/gov/ons/addressindex/models/CSVSchemas.scala) and
# endeavourhealth-discovery/ASSIGN (UPRN/yottadb/PAWK.m). A trailing EPOCH is accepted, not required.
# Of the header (10) and trailer (99) only the record identifier is read.
DTF_LAYOUTS = {
    "11": ("RECORD_IDENTIFIER,CHANGE_TYPE,PRO_ORDER,USRN,RECORD_TYPE,SWA_ORG_REF_NAMING,STATE,STATE_DATE,"
           "STREET_SURFACE,STREET_CLASSIFICATION,VERSION,STREET_START_DATE,STREET_END_DATE,LAST_UPDATE_DATE,"
           "RECORD_ENTRY_DATE,STREET_START_X,STREET_START_Y,STREET_START_LAT,STREET_START_LONG,STREET_END_X,"
           "STREET_END_Y,STREET_END_LAT,STREET_END_LONG,STREET_TOLERANCE").split(","),
    "15": ("RECORD_IDENTIFIER,CHANGE_TYPE,PRO_ORDER,USRN,STREET_DESCRIPTOR,LOCALITY,TOWN_NAME,ADMINISTRATIVE_AREA,"
           "LANGUAGE,START_DATE,END_DATE,LAST_UPDATE_DATE,ENTRY_DATE").split(","),
    "21": ("RECORD_IDENTIFIER,CHANGE_TYPE,PRO_ORDER,UPRN,LOGICAL_STATUS,BLPU_STATE,BLPU_STATE_DATE,PARENT_UPRN,"
           "X_COORDINATE,Y_COORDINATE,LATITUDE,LONGITUDE,RPC,LOCAL_CUSTODIAN_CODE,COUNTRY,START_DATE,END_DATE,"
           "LAST_UPDATE_DATE,ENTRY_DATE,ADDRESSBASE_POSTAL,POSTCODE_LOCATOR,MULTI_OCC_COUNT").split(","),
    "24": ("RECORD_IDENTIFIER,CHANGE_TYPE,PRO_ORDER,UPRN,LPI_KEY,LANGUAGE,LOGICAL_STATUS,START_DATE,END_DATE,"
           "LAST_UPDATE_DATE,ENTRY_DATE,SAO_START_NUMBER,SAO_START_SUFFIX,SAO_END_NUMBER,SAO_END_SUFFIX,SAO_TEXT,"
           "PAO_START_NUMBER,PAO_START_SUFFIX,PAO_END_NUMBER,PAO_END_SUFFIX,PAO_TEXT,USRN,USRN_MATCH_INDICATOR,"
           "AREA_NAME,LEVEL,OFFICIAL_FLAG").split(","),
    "32": ("RECORD_IDENTIFIER,CHANGE_TYPE,PRO_ORDER,UPRN,CLASS_KEY,CLASSIFICATION_CODE,CLASS_SCHEME,SCHEME_VERSION,"
           "START_DATE,END_DATE,LAST_UPDATE_DATE,ENTRY_DATE").split(","),
}
DTF_HEADER, DTF_TRAILER = "10", "99"
# Records a council's export may carry that addresses do not need (ESU, cross references, ...).
DTF_SKIPPED = {"12", "13", "14", "16", "17", "18", "19", "22", "23", "25", "26", "27", "28", "29", "30", "31"}

# BS 7666 logical status codes (BLPU and LPI). 3 (alternative) and 5 (candidate) LPIs are not the
# address a property is known by.
LOGICAL_STATUS = {"1": "approved", "6": "provisional", "8": "historic", "7": "rejected"}
KIND_BY_CLASS_LETTER = {"R": "residential", "C": "commercial", "P": "parent_shell", "X": "dual_use"}
CHANGE_TYPES = {"I", "U", "D"}
MAX_REJECTIONS_KEPT = 1000

# The columns each kind of record sets on a property (what is compared, so what makes it "changed").
ADDRESS_FIELDS = ("address_line1", "address_line2", "town", "usrn", "street")
BLPU_FIELDS = ("logical_status", "postcode", "easting", "northing", "latitude", "longitude", "parent_uprn",
               "gazetteer_updated_on")
ABP_FIELDS = ADDRESS_FIELDS + BLPU_FIELDS + ("classification", "address_kind", "ward")
CLASS_FIELDS = ("classification", "address_kind")
# What a property inserted from a BLPU alone holds until its LPI arrives.
INSERT_DEFAULTS = {"address_line1": "", "address_line2": None, "town": "", "ward": "", "logical_status": "approved"}


class Rejected(ValueError):
    """A line the import refuses, with the reason shown beside its line number."""


@dataclass
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    format: str = ""
    lines: int = 0
    counts: Counter = field(default_factory=Counter)  # (record kind, outcome) -> n
    rejected: list[Rejection] = field(default_factory=list)  # the first MAX_REJECTIONS_KEPT
    rejected_count: int = 0

    def reject(self, line: int, reason: str):
        self.rejected_count += 1
        if len(self.rejected) < MAX_REJECTIONS_KEPT:
            self.rejected.append(Rejection(line, reason))

    def summary_lines(self) -> list[str]:
        kinds = sorted({kind for kind, _ in self.counts})
        out = []
        for kind in kinds:
            parts = [f"{self.counts[(kind, outcome)]} {outcome}" for outcome in
                     ("added", "changed", "unchanged", "retired", "skipped") if self.counts[(kind, outcome)]]
            out.append(f"{kind}: {', '.join(parts) or 'none'}")
        out.append(f"{self.rejected_count} lines rejected")
        return out


@lru_cache(maxsize=1)
def _grid_to_wgs84():
    from pyproj import Transformer

    # OSGB36 / British National Grid to WGS84. Without the OSTN15 grid file PROJ uses the published
    # Helmert transformation: good to a few metres, plenty for a map pin or a round.
    return Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


def grid_to_lat_long(easting: float, northing: float) -> tuple[float, float]:
    longitude, latitude = _grid_to_wgs84().transform(easting, northing)
    return round(latitude, 7), round(longitude, 7)


# ---- reading

def _decoded_lines(raw: Iterable[bytes], on_progress: Callable[[int], object] | None) -> Iterator[str]:
    first = True
    for chunk in raw:
        if on_progress is not None:
            on_progress(len(chunk))
        yield chunk.decode("utf-8-sig" if first else "utf-8", errors="replace")
        first = False


def detect_format(first_record: list[str]) -> str:
    if first_record and first_record[0].strip() == DTF_HEADER:
        return "dtf"
    if len(first_record) == len(ABP_COLUMNS):
        return "abp"
    raise Rejected("cannot tell the format: neither a DTF header record (10) nor an AddressBase Plus row "
                   f"of {len(ABP_COLUMNS)} columns; pass --format")


def import_file(raw: Iterable[bytes], fmt: str | None = None, batch_size: int = 1000,
                commit: Callable[[], object] | None = None,
                on_progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import a gazetteer supply from a binary line iterator (an open file). fmt: "abp", "dtf" or None
    to tell from the first line."""
    report = ImportReport()
    reader = csv.reader(_decoded_lines(raw, on_progress))
    writer = _BatchWriter(report, batch_size, commit)
    seen_header = seen_trailer = False
    for row in reader:
        line = reader.line_num
        report.lines = line
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if not report.format:
            report.format = fmt or detect_format(row)  # a file of neither format stops here
        try:
            if report.format == "abp":
                writer.add(*_abp_record(row), line)
                continue
            record_type = row[0].strip()
            if not seen_header and record_type != DTF_HEADER:
                report.reject(line, "the file does not start with a DTF header record (10)")
                seen_header = True
            if record_type == DTF_HEADER:
                seen_header = True
            elif record_type == DTF_TRAILER:
                seen_trailer = True
            elif record_type in DTF_SKIPPED:
                report.counts[(f"record {record_type}", "skipped")] += 1
            else:
                writer.add(*_dtf_record(record_type, row), line)
        except Rejected as exc:
            report.reject(line, str(exc))
    writer.flush()
    if report.format == "dtf" and not seen_trailer:
        report.reject(report.lines, "no DTF trailer record (99): the file may be cut short")
    if not report.format:
        report.format = fmt or "empty"
    return report


# ---- parsing one record into (kind, change type, values)

def _fields(row: list[str], layout: list[str], name: str, epoch_allowed: bool = True) -> dict[str, str]:
    if len(row) != len(layout) and not (epoch_allowed and len(row) == len(layout) + 1):
        raise Rejected(f"{name}: {len(row)} fields, expected {len(layout)}")
    return {key: value.strip() for key, value in zip(layout, row)}


def _change_type(value: str) -> str:
    if value not in CHANGE_TYPES:
        raise Rejected(f"CHANGE_TYPE {value!r} is not I, U or D")
    return value


def _uprn(value: str, name: str = "UPRN") -> str:
    if not value.isdigit() or len(value) > 12:
        raise Rejected(f"{name} {value!r} is not a number of at most 12 digits")
    return str(int(value))


def _optional_uprn(value: str, name: str) -> str | None:
    return _uprn(value, name) if value else None


def _number(value: str, name: str) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise Rejected(f"{name} {value!r} is not a number") from None


def _date(value: str, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{name} {value!r} is not a date (YYYY-MM-DD)") from None


def _postcode(*values: str) -> str:
    for value in values:
        if value:
            normalised = normalise_postcode(value)
            if normalised is None:
                raise Rejected(f"postcode {value!r} is not a postcode")
            return normalised
    raise Rejected("no postcode")


def _position(f: dict[str, str]) -> dict:
    easting, northing = _number(f["X_COORDINATE"], "X_COORDINATE"), _number(f["Y_COORDINATE"], "Y_COORDINATE")
    if easting is None or northing is None:
        raise Rejected("no X_COORDINATE/Y_COORDINATE")
    if not (0 <= easting <= 700_000 and 0 <= northing <= 1_300_000):
        raise Rejected(f"coordinates {easting:g}, {northing:g} are outside the British National Grid")
    latitude, longitude = _number(f["LATITUDE"], "LATITUDE"), _number(f["LONGITUDE"], "LONGITUDE")
    if latitude is None or longitude is None:
        latitude, longitude = grid_to_lat_long(easting, northing)
    return {"easting": round(easting, 2), "northing": round(northing, 2),
            "latitude": round(latitude, 7), "longitude": round(longitude, 7)}


def _tidy(text: str) -> str:
    """Gazetteers hold names in capitals; residents read them in title case (numbers kept as they are)."""
    return string.capwords(text) if text.isupper() else text


def _span(start: str, suffix: str, end: str, end_suffix: str) -> str:
    if not start:
        return ""
    return f"{start}{suffix}" + (f"-{end}{end_suffix}" if end else "")


def _first_line(f: dict[str, str], street: str) -> str:
    sao = " ".join(p for p in (_tidy(f["SAO_TEXT"]),
                               _span(f["SAO_START_NUMBER"], f["SAO_START_SUFFIX"], f["SAO_END_NUMBER"],
                                     f["SAO_END_SUFFIX"])) if p)
    pao_number = _span(f["PAO_START_NUMBER"], f["PAO_START_SUFFIX"], f["PAO_END_NUMBER"], f["PAO_END_SUFFIX"])
    on_street = " ".join(p for p in (pao_number, street) if p)
    line = ", ".join(p for p in (sao, _tidy(f["PAO_TEXT"]), on_street) if p)
    if not line:
        raise Rejected("no address: SAO, PAO and street are all empty")
    if len(line) > 200:
        raise Rejected("the address is longer than 200 characters")
    return line


def _classification(code: str) -> dict:
    if not code:
        return {"classification": None, "address_kind": None}
    if len(code) > 6:
        raise Rejected(f"classification {code!r} is longer than 6 characters")
    return {"classification": code, "address_kind": KIND_BY_CLASS_LETTER.get(code[0].upper(), "other")}


def _abp_record(row: list[str]) -> tuple[str, str, str, dict]:
    f = _fields(row, ABP_COLUMNS, "AddressBase Plus row", epoch_allowed=False)
    change = _change_type(f["CHANGE_TYPE"])
    uprn = _uprn(f["UPRN"])
    if change == "D":
        return "address", change, uprn, {}
    street = _tidy(f["STREET_DESCRIPTION"])
    values = {
        "address_line1": _first_line(f, street),
        "address_line2": _tidy(f["LOCALITY"] or f["DEPENDENT_LOCALITY"]) or None,
        "town": _tidy(f["POST_TOWN"] or f["TOWN_NAME"])[:100],
        "usrn": _uprn(f["USRN"], "USRN") if f["USRN"] else None,
        "street": street or None,
        # AddressBase Plus holds approved addresses only: the others arrive as deletions.
        "logical_status": "approved",
        "postcode": _postcode(f["POSTCODE"], f["POSTCODE_LOCATOR"]),
        "parent_uprn": _optional_uprn(f["PARENT_UPRN"], "PARENT_UPRN"),
        "gazetteer_updated_on": _date(f["LAST_UPDATE_DATE"], "LAST_UPDATE_DATE"),
        **_position(f),
        **_classification(f["CLASS"]),
    }
    if f["WARD_CODE"]:
        values["ward"] = f["WARD_CODE"][:100]
    return "address", change, uprn, values


def _dtf_record(record_type: str, row: list[str]) -> tuple[str, str, str, dict]:
    layout = DTF_LAYOUTS.get(record_type)
    if layout is None:
        raise Rejected(f"record type {record_type!r} is not a DTF 8.1 record type")
    f = _fields(row, layout, f"record {record_type}")
    change = _change_type(f["CHANGE_TYPE"])
    if record_type == "11":
        return "street", change, _uprn(f["USRN"], "USRN"), {}
    if record_type == "15":
        if not f["STREET_DESCRIPTOR"]:
            raise Rejected("street descriptor without a STREET_DESCRIPTOR")
        if f["LANGUAGE"] not in ("", "ENG"):
            return "street descriptor (other language)", change, _uprn(f["USRN"], "USRN"), {}
        return "street descriptor", change, _uprn(f["USRN"], "USRN"), {
            "description": _tidy(f["STREET_DESCRIPTOR"])[:200], "locality": _tidy(f["LOCALITY"])[:100] or None,
            "town": _tidy(f["TOWN_NAME"])[:100] or None,
            "administrative_area": _tidy(f["ADMINISTRATIVE_AREA"])[:100] or None}
    uprn = _uprn(f["UPRN"])
    if change == "D":
        return {"21": "BLPU", "24": "LPI", "32": "classification"}[record_type], change, uprn, {}
    if record_type == "21":
        status = LOGICAL_STATUS.get(f["LOGICAL_STATUS"])
        if status is None:
            raise Rejected(f"BLPU LOGICAL_STATUS {f['LOGICAL_STATUS']!r} is not 1, 6, 7 or 8")
        return "BLPU", change, uprn, {
            "logical_status": status, "postcode": _postcode(f["POSTCODE_LOCATOR"]),
            "parent_uprn": _optional_uprn(f["PARENT_UPRN"], "PARENT_UPRN"),
            "gazetteer_updated_on": _date(f["LAST_UPDATE_DATE"], "LAST_UPDATE_DATE"), **_position(f)}
    if record_type == "24":
        status = LOGICAL_STATUS.get(f["LOGICAL_STATUS"])  # None: an alternative or candidate LPI
        return "LPI", change, uprn, {"status": status, "language": f["LANGUAGE"] or "ENG",
                                     "usrn": _uprn(f["USRN"], "USRN"), "fields": f}
    return "classification", change, uprn, _classification(f["CLASSIFICATION_CODE"])


# ---- writing, a batch of one kind at a time

class _BatchWriter:
    def __init__(self, report: ImportReport, batch_size: int, commit):
        self.report, self.batch_size, self.commit = report, batch_size, commit
        self.kind: str | None = None
        self.pending: list[tuple[str, str, dict, int]] = []
        self.table = Property.__table__

    def add(self, kind: str, change: str, key: str, values: dict, line: int):
        if kind != self.kind or len(self.pending) >= self.batch_size:
            self.flush()
            self.kind = kind
        self.pending.append((change, key, values, line))

    def flush(self):
        if not self.pending:
            return
        kind, pending = self.kind, self.pending
        self.pending = []
        if kind == "address":
            self._upsert(kind, pending, ABP_FIELDS, insert_allowed=True)
        elif kind == "BLPU":
            self._upsert(kind, pending, BLPU_FIELDS, insert_allowed=True)
        elif kind == "LPI":
            self._lpis(pending)
        elif kind == "classification":
            self._upsert(kind, [(c, k, v if c != "D" else _classification(""), line) for c, k, v, line in pending],
                         CLASS_FIELDS, insert_allowed=False)
        elif kind == "street descriptor":
            self._streets(pending)
        else:  # street (11) records and descriptors in other languages carry nothing we keep
            self.report.counts[(kind, "skipped")] += len(pending)
        if self.commit is not None:
            self.commit()

    def _existing(self, keys, fields) -> dict[str, dict]:
        columns = [self.table.c.uprn, *(self.table.c[name] for name in fields)]
        rows = db.session.execute(select(*columns).where(self.table.c.uprn.in_(sorted(set(keys)))))
        return {row.uprn: row._asdict() for row in rows}

    def _upsert(self, kind, pending, fields, insert_allowed: bool):
        counts = self.report.counts
        # The last record for a UPRN in the batch wins: a deletion retires, anything else is written.
        latest: dict[str, tuple[dict, int]] = {}
        deleted: dict[str, None] = {}
        for change, key, values, line in pending:
            if change == "D" and kind in ("address", "BLPU"):
                latest.pop(key, None)
                deleted[key] = None
            else:
                deleted.pop(key, None)
                latest[key] = (values, line)
        retire = list(deleted)
        existing = self._existing([*latest, *retire], fields)
        inserts, updates = [], []
        for key, (values, line) in latest.items():
            row = existing.get(key)
            if row is None:
                if not insert_allowed:
                    self.report.reject(line, f"{kind} for UPRN {key}, which the gazetteer does not hold")
                    continue
                inserts.append({**{name: None for name in fields}, **INSERT_DEFAULTS, **values, "uprn": key})
            elif any(row[name] != value for name, value in values.items()):
                updates.append({**{name: row[name] for name in fields}, **values, "b_uprn": key})
            else:
                counts[(kind, "unchanged")] += 1
        if inserts:
            db.session.execute(insert(self.table), inserts)
            counts[(kind, "added")] += len(inserts)
        if updates:
            statement = update(self.table).where(self.table.c.uprn == bindparam("b_uprn")).values(
                {name: bindparam(name) for name in fields})
            db.session.execute(statement, updates)
            counts[(kind, "changed")] += len(updates)
        gone = [key for key in retire if key in existing]
        counts[(kind, "unchanged")] += len(retire) - len(gone)
        if gone:
            result = db.session.execute(update(self.table).where(
                and_(self.table.c.uprn.in_(gone), self.table.c.logical_status != "historic")).values(
                logical_status="historic"))
            counts[(kind, "retired")] += result.rowcount
            counts[(kind, "unchanged")] += len(gone) - result.rowcount

    def _streets(self, pending):
        counts, table = self.report.counts, Street.__table__
        latest = {key: values for change, key, values, _ in pending if change != "D"}
        counts[("street descriptor", "skipped")] += sum(1 for change, *_ in pending if change == "D")
        existing = {row.usrn: row._asdict() for row in db.session.execute(
            select(table).where(table.c.usrn.in_(sorted(latest))))} if latest else {}
        inserts = [{**values, "usrn": key} for key, values in latest.items() if key not in existing]
        updates = [{**values, "b_usrn": key} for key, values in latest.items()
                   if key in existing and any(existing[key][n] != v for n, v in values.items())]
        counts[("street descriptor", "unchanged")] += len(latest) - len(inserts) - len(updates)
        if inserts:
            db.session.execute(insert(table), inserts)
            counts[("street descriptor", "added")] += len(inserts)
        if updates:
            db.session.execute(update(table).where(table.c.usrn == bindparam("b_usrn")).values(
                {n: bindparam(n) for n in ("description", "locality", "town", "administrative_area")}), updates)
            counts[("street descriptor", "changed")] += len(updates)

    def _lpis(self, pending):
        """The LPI a property is known by: English, and of the property's own logical status (an
        approved property's historic or alternative LPIs are old or other names, not its address)."""
        counts = self.report.counts
        table = Street.__table__
        live = [(key, values, line) for change, key, values, line in pending if change != "D"]
        counts[("LPI", "skipped")] += len(pending) - len(live)
        usrns = {values["usrn"] for _, values, _ in live}
        streets = {row.usrn: row for row in db.session.execute(
            select(table).where(table.c.usrn.in_(sorted(usrns))))} if usrns else {}
        status_of = {row["uprn"]: row["logical_status"]
                     for row in self._existing([key for key, _, _ in live], ("logical_status",)).values()}
        chosen: list[tuple[str, str, dict, int]] = []
        for key, values, line in live:
            if key not in status_of:
                self.report.reject(line, f"LPI for UPRN {key}, which has no BLPU")
                continue
            if values["language"] != "ENG" or values["status"] != status_of[key]:
                counts[("LPI", "skipped")] += 1
                continue
            street = streets.get(values["usrn"])
            if street is None:
                self.report.reject(line, f"LPI on USRN {values['usrn']}, which has no street descriptor")
                continue
            try:
                first = _first_line(values["fields"], street.description)
            except Rejected as exc:
                self.report.reject(line, str(exc))
                continue
            chosen.append(("U", key, {"address_line1": first, "address_line2": street.locality,
                                      "town": street.town or "", "usrn": values["usrn"],
                                      "street": street.description}, line))
        if chosen:
            self._upsert("LPI", chosen, ADDRESS_FIELDS, insert_allowed=False)
