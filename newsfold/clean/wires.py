"""Wire services: canonical names and the spellings that credit them."""

from __future__ import annotations

from typing import Optional

#: spelling (casefolded) -> canonical wire name
WIRES = {
    "ap": "AP", "associated press": "AP", "the associated press": "AP",
    "reuters": "Reuters", "thomson reuters": "Reuters",
    "afp": "AFP", "agence france-presse": "AFP", "agence france presse": "AFP",
    "anadolu": "Anadolu", "anadolu agency": "Anadolu", "aa": "Anadolu", "anadolu ajansı": "Anadolu",
    "tass": "TASS", "itar-tass": "TASS",
    "xinhua": "Xinhua",
    "pti": "PTI", "press trust of india": "PTI",
    "ians": "IANS", "ani": "ANI", "uni": "UNI",
    "dpa": "dpa", "deutsche presse-agentur": "dpa",
    "efe": "EFE", "bernama": "Bernama", "upi": "UPI", "united press international": "UPI",
    "wam": "WAM", "spa": "SPA", "saudi press agency": "SPA", "kuna": "KUNA",
    "yonhap": "Yonhap", "kyodo": "Kyodo", "ansa": "ANSA", "irna": "IRNA", "sana": "SANA",
    "mena": "MENA", "qna": "QNA", "bna": "BNA", "apa": "APA", "interfax": "Interfax",
    "ria": "RIA Novosti", "ria novosti": "RIA Novosti", "sputnik": "Sputnik",
    "bloomberg": "Bloomberg", "pa": "PA", "pa media": "PA", "aap": "AAP", "cp": "CP",
    "the canadian press": "CP", "antara": "Antara", "pna": "PNA", "vna": "VNA",
    "prensa latina": "Prensa Latina", "notimex": "Notimex", "lusa": "Lusa", "belga": "Belga",
    "anp": "ANP", "ntb": "NTB", "tt": "TT", "ctk": "CTK", "pap": "PAP", "mti": "MTI",
    "agerpres": "Agerpres", "bta": "BTA", "ats": "ATS", "hina": "HINA", "sta": "STA",
    "kuwait news agency": "KUNA", "emirates news agency": "WAM", "yonhap news agency": "Yonhap",
    "xinhua news agency": "Xinhua",
    # syndicated news services whose copy many outlets run under their own names
    "healthday": "HealthDay", "healthday news": "HealthDay",
}


def canonical_wire(name: str) -> Optional[str]:
    """Canonical wire name for a credit such as ``AP``, ``Reuters`` or ``Xinhua/ABC``."""
    key = name.strip().strip("()").strip().casefold()
    if key in WIRES:
        return WIRES[key]
    head = key.split("/")[0].strip()
    return WIRES.get(head)
