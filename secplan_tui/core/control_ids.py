"""Control identifiers that actions may cite, by catalogue; generated from shared/reference/control-ids.md.

Identifiers only: ISO/IEC 27001:2022 Annex A, NIST CSF 2.0 subcategories (no withdrawn 1.1 ids), CIS Controls
v8.1 safeguards and the Cyber Essentials technical themes.
"""

from __future__ import annotations

ISO27001: frozenset[str] = frozenset(
    {
        "A.5.1", "A.5.2", "A.5.3", "A.5.4", "A.5.5", "A.5.6", "A.5.7", "A.5.8", "A.5.9", "A.5.10", "A.5.11",
        "A.5.12", "A.5.13", "A.5.14", "A.5.15", "A.5.16", "A.5.17", "A.5.18", "A.5.19", "A.5.20", "A.5.21",
        "A.5.22", "A.5.23", "A.5.24", "A.5.25", "A.5.26", "A.5.27", "A.5.28", "A.5.29", "A.5.30", "A.5.31",
        "A.5.32", "A.5.33", "A.5.34", "A.5.35", "A.5.36", "A.5.37", "A.6.1", "A.6.2", "A.6.3", "A.6.4",
        "A.6.5", "A.6.6", "A.6.7", "A.6.8", "A.7.1", "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6", "A.7.7",
        "A.7.8", "A.7.9", "A.7.10", "A.7.11", "A.7.12", "A.7.13", "A.7.14", "A.8.1", "A.8.2", "A.8.3",
        "A.8.4", "A.8.5", "A.8.6", "A.8.7", "A.8.8", "A.8.9", "A.8.10", "A.8.11", "A.8.12", "A.8.13",
        "A.8.14", "A.8.15", "A.8.16", "A.8.17", "A.8.18", "A.8.19", "A.8.20", "A.8.21", "A.8.22", "A.8.23",
        "A.8.24", "A.8.25", "A.8.26", "A.8.27", "A.8.28", "A.8.29", "A.8.30", "A.8.31", "A.8.32", "A.8.33",
        "A.8.34",
    }
)

CSF: frozenset[str] = frozenset(
    {
        "GV.OC-01", "GV.OC-02", "GV.OC-03", "GV.OC-04", "GV.OC-05", "GV.OV-01", "GV.OV-02", "GV.OV-03",
        "GV.PO-01", "GV.PO-02", "GV.RM-01", "GV.RM-02", "GV.RM-03", "GV.RM-04", "GV.RM-05", "GV.RM-06",
        "GV.RM-07", "GV.RR-01", "GV.RR-02", "GV.RR-03", "GV.RR-04", "GV.SC-01", "GV.SC-02", "GV.SC-03",
        "GV.SC-04", "GV.SC-05", "GV.SC-06", "GV.SC-07", "GV.SC-08", "GV.SC-09", "GV.SC-10", "ID.AM-01",
        "ID.AM-02", "ID.AM-03", "ID.AM-04", "ID.AM-05", "ID.AM-07", "ID.AM-08", "ID.IM-01", "ID.IM-02",
        "ID.IM-03", "ID.IM-04", "ID.RA-01", "ID.RA-02", "ID.RA-03", "ID.RA-04", "ID.RA-05", "ID.RA-06",
        "ID.RA-07", "ID.RA-08", "ID.RA-09", "ID.RA-10", "PR.AA-01", "PR.AA-02", "PR.AA-03", "PR.AA-04",
        "PR.AA-05", "PR.AA-06", "PR.AT-01", "PR.AT-02", "PR.DS-01", "PR.DS-02", "PR.DS-10", "PR.DS-11",
        "PR.IR-01", "PR.IR-02", "PR.IR-03", "PR.IR-04", "PR.PS-01", "PR.PS-02", "PR.PS-03", "PR.PS-04",
        "PR.PS-05", "PR.PS-06", "DE.AE-02", "DE.AE-03", "DE.AE-04", "DE.AE-06", "DE.AE-07", "DE.AE-08",
        "DE.CM-01", "DE.CM-02", "DE.CM-03", "DE.CM-06", "DE.CM-09", "RS.AN-03", "RS.AN-06", "RS.AN-07",
        "RS.AN-08", "RS.CO-02", "RS.CO-03", "RS.MA-01", "RS.MA-02", "RS.MA-03", "RS.MA-04", "RS.MA-05",
        "RS.MI-01", "RS.MI-02", "RC.CO-03", "RC.CO-04", "RC.RP-01", "RC.RP-02", "RC.RP-03", "RC.RP-04",
        "RC.RP-05", "RC.RP-06",
    }
)

CIS: frozenset[str] = frozenset(
    {
        "1.1", "1.2", "1.3", "1.4", "1.5", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2",
        "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "3.14", "4.1",
        "4.2", "4.3", "4.4", "4.5", "4.6", "4.7", "4.8", "4.9", "4.10", "4.11", "4.12", "5.1", "5.2", "5.3",
        "5.4", "5.5", "5.6", "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "6.8", "7.1", "7.2", "7.3",
        "7.4", "7.5", "7.6", "7.7", "8.1", "8.2", "8.3", "8.4", "8.5", "8.6", "8.7", "8.8", "8.9", "8.10",
        "8.11", "8.12", "9.1", "9.2", "9.3", "9.4", "9.5", "9.6", "9.7", "10.1", "10.2", "10.3", "10.4",
        "10.5", "10.6", "10.7", "11.1", "11.2", "11.3", "11.4", "11.5", "12.1", "12.2", "12.3", "12.4",
        "12.5", "12.6", "12.7", "12.8", "13.1", "13.2", "13.3", "13.4", "13.5", "13.6", "13.7", "13.8",
        "13.9", "13.10", "13.11", "14.1", "14.2", "14.3", "14.4", "14.5", "14.6", "14.7", "14.8", "14.9",
        "15.1", "15.2", "15.3", "15.4", "15.5", "15.6", "15.7", "16.1", "16.2", "16.3", "16.4", "16.5",
        "16.6", "16.7", "16.8", "16.9", "16.10", "16.11", "16.12", "16.13", "16.14", "17.1", "17.2", "17.3",
        "17.4", "17.5", "17.6", "17.7", "17.8", "17.9", "18.1", "18.2", "18.3", "18.4", "18.5",
    }
)

CE: frozenset[str] = frozenset(
    {
        "Firewalls", "Secure configuration", "Security update management", "User access control",
        "Malware protection",
    }
)

CATALOGUES: dict[str, frozenset[str]] = {"ISO27001": ISO27001, "CSF": CSF, "CIS": CIS, "CE": CE}
"""Catalogue prefix -> identifiers; a reference is written ``PREFIX:ID``, e.g. ``CSF:GV.RR-02``."""

def all_references() -> list[str]:
    """Every valid reference, prefixed, for suggestions."""
    return [f"{prefix}:{ident}" for prefix, ids in CATALOGUES.items() for ident in sorted(ids)]


def is_known(reference: str) -> bool:
    """Whether a ``PREFIX:ID`` reference names a control in our lists."""
    prefix, _, ident = reference.partition(":")
    return ident in CATALOGUES.get(prefix, frozenset())
