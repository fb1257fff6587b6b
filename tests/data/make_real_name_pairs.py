"""Generate tests/data/real_name_pairs.csv: labelled name pairs taken from REAL list data.

Independent of make_name_pairs.py (whose pairs come from our own spelling generator): here the
spellings are the ones the list publishers and OpenSanctions wrote.

Positives (label 1):
- ``ofac_alias``: an OFAC SDN primary name (2024-05 sdn.csv) and one of its "aka" names from
  the later alt.csv (2025-12), same ent_num. Every Belarus-program entity first, then a sample.
- ``un_alias``: a UN consolidated list name and one of its aliases.
- ``ftm_script``: two names of one OpenSanctions FtM entity in different scripts/languages
  (CC BY-NC, tests only).
- ``un_noisy``: a UN person's name and the noisy query of OpenSanctions' benchmark for it.
Negatives (label 0), different entities of one list whose names share a surname or a
non-trivial word: ``neg_surname`` (persons), ``neg_shared_word`` (organisations).
Plus ``belarus_hand``: hand-written Belarus cases (transliteration schemes, Łacinka, ISO 9,
ICAO passport spellings, legal forms, numbers, related but different names).

A pair whose two names share no letter trigram once ASCII-folded (normality, not our own
code) is marked ``unrelated`` in the ``spelling`` column: a brand or a former name, which no
spelling matcher can be expected to find; the bench reports F1 with and without those.

Deterministic (seeded). Run: python tests/data/make_real_name_pairs.py [SHARED_DATA_DIR]
"""

from __future__ import annotations

import csv
import json
import random
import re
import sys
from collections import defaultdict
from pathlib import Path

from normality import ascii_text

HERE = Path(__file__).parent
OUT = HERE / "real_name_pairs.csv"
SEED = 20240503

# Hand-written Belarus cases: (a, b, kind, label, note). Written from the transliteration
# tables (BGN/PCGN, ISO 9, ICAO Doc 9303, Belarusian Łacinka) and the way company names are
# written in customs documents; not from the matcher's output.
BELARUS: list[tuple[str, str, str, int, str]] = [
    ("Лукашэнка Аляксандр Рыгоравіч", "Lukashenka Aliaksandr", "person", 1, "be Cyrillic vs ICAO, patronymic one side"),
    ("Лукашэнка Аляксандр", "Lukashenko Alexander", "person", 1, "be vs ru-English"),
    ("Łukašenka Alaksandr", "Лукашенко Александр", "person", 1, "Łacinka vs ru Cyrillic"),
    ("A. G. Lukashenko", "Alexander Grigoryevich Lukashenko", "person", 1, "initials"),
    ("Lukashenko A.G.", "Лукашенко Александр Григорьевич", "person", 1, "initials after surname"),
    ("Лукашэнка Аляксандр", "Лукашэвіч Аляксандр", "person", 0, "different surname, same stem"),
    ("Lukashenka Viktar", "Lukashenka Aliaksandr", "person", 0, "same surname, different given name"),
    ("Lukashenko Dmitry Aleksandrovich", "Lukashenko Viktor Aleksandrovich", "person", 0, "brothers"),
    ("Mikalai Karpiankou", "Nikolai Karpenkov", "person", 1, "ICAO be vs ru"),
    ("Mikalai Karpiankou", "Nikolay Karpenkov", "person", 1, "Nikolai/Nikolay"),
    ("Uladzimir Makei", "Vladimir Makey", "person", 1, "Uladzimir/Vladimir"),
    ("Уладзімір Макей", "Vladimir Makei", "person", 1, "be Cyrillic vs ru Latin"),
    ("Siarhei Rumas", "Sergei Rumas", "person", 1, "Siarhei/Sergei"),
    ("Siarhei Rumas", "Sergey Roumas", "person", 1, "Sergey, French-style ou"),
    ("Сяргей Румас", "Сергей Румас", "person", 1, "be vs ru Cyrillic"),
    ("Yury Karaeu", "Yuri Karayev", "person", 1, "Yury/Yuri, -eu/-ev"),
    ("Iurii Karaev", "Юрий Караев", "person", 1, "ISO-like Iurii"),
    ("Viktar Sheiman", "Viktor Sheyman", "person", 1, "Viktar/Viktor"),
    ("Віктар Шэйман", "Viktor Sheiman", "person", 1, "be Cyrillic"),
    ("Natallia Kachanava", "Natalya Kochanova", "person", 1, "akanye, ICAO"),
    ("Наталля Качанава", "Natalia Kochanova", "person", 1, "be Cyrillic vs ru Latin"),
    ("Natallia Kachanava", "Natallia Kuchynskaya", "person", 0, "same given name"),
    ("Ihar Sergeenko", "Igor Sergeyenko", "person", 1, "Ihar/Igor, ye"),
    ("Ігар Сяргеенка", "Игорь Сергеенко", "person", 1, "be vs ru Cyrillic"),
    ("Zhenya Zhuk", "Ženja Žuk", "person", 1, "zh vs ž"),
    ("Yauhen Shatsila", "Evgeni Shatilo", "person", 1, "be vs ru, ts vs t"),
    ("Aliaksandr Volfovich", "Aleksandr Volfovich", "person", 1, "Aliaksandr/Aleksandr"),
    ("Aliaksandr Volfovich", "Aleksandr Volkovich", "person", 0, "one consonant: another family"),
    ("Aleksandr Grigorevich Volfovich", "Aleksandr Grigorevich Lukashenko", "person", 0, "same given name and patronymic"),
    ("Dzmitry Shautsou", "Dmitri Shevtsov", "person", 1, "dz, -ou/-ov, akanye"),
    ("Дзмітрый Шаўцоў", "Dzmitry Shautsou", "person", 1, "ў as u"),
    ("Pavel Kharytonau", "Павел Харитонов", "person", 1, "Х as kh, -au/-ov"),
    ("Pavel Haritonov", "Pavel Kharitonov", "person", 1, "Х as h"),
    ("Andrei Shved", "Andrey Shvedov", "person", 0, "different surname"),
    ("Anatol Glaz", "Anatoly Glaz", "person", 1, "Anatol/Anatoly"),
    ("Хрэнін Віктар Уладзіміравіч", "Khrenin Viktor Vladimirovich", "person", 1, "full be Cyrillic vs ru Latin"),
    ("Khrenin Viktor", "Khrenin Viktar Uladzimiravich", "person", 1, "patronymic one side"),
    ("Ščiapan Ščakin", "Stepan Shchekin", "person", 1, "Łacinka šč vs shch"),
    ("Shchekin Stepan", "Szczekin Stepan", "person", 1, "Polish szcz"),
    ("Ёсіф Ясінскі", "Iosif Yasinsky", "person", 1, "ё/yo"),
    ("Fiodar Jakaŭleŭ", "Fyodor Yakovlev", "person", 1, "Łacinka ŭ and j"),
    ("Fedor Jakovlev", "Fyodor Yakovlev", "person", 1, "ISO-like e for ё"),
    ("Ryhor Rakauski", "Grigory Rakovsky", "person", 1, "г as h/g"),
    ("Ґжэгаж Ціханоўскі", "Grzegorz Cichanowski", "person", 1, "ґ, ц as c"),
    ("Sviatlana Tsikhanouskaya", "Svetlana Tikhanovskaya", "person", 1, "ts/t, -ou-"),
    ("Беларуськалий", "Belaruskali", "organization", 1, "ru Cyrillic vs Latin"),
    ("Беларуськалій", "Belaruskaliy", "organization", 1, "be Cyrillic, -iy"),
    ("Byelaruskaliy", "Belaruskali OAO", "organization", 1, "informal Bye-"),
    ("ОАО «Беларуськалий»", "Open Joint Stock Company Belaruskali", "organization", 1, "legal form both sides"),
    ("ОАО «Гродно Азот»", "Grodno Azot JSC", "organization", 1, "ru Cyrillic legal form vs JSC"),
    ("ААТ «Гродна Азот»", "Hrodna Azot OAO", "organization", 1, "be Cyrillic, г=h"),
    ("GrodnoAzot", "ОАО Гродно Азот", "organization", 1, "joined"),
    ("Grodno Azot", "Grodno Khimvolokno", "organization", 0, "same city, different plant"),
    ("11420 Corp", "11421 Corp", "organization", 0, "different numbers"),
    ("Plant 558", "558 Aircraft Repair Plant", "organization", 1, "number and generic word"),
    ("558 Aircraft Repair Plant", "557 Aircraft Repair Plant", "organization", 0, "different numbers"),
    ("Minsk Tractor Works", "Minsk Wheel Tractor Plant", "organization", 0, "MTZ vs MZKT"),
    ("Minsk Tractor Works", "Минский тракторный завод", "organization", 1, "ru Cyrillic"),
    ("Minsk Wheel Tractor Plant", "Минский завод колёсных тягачей", "organization", 1, "ru Cyrillic, ё"),
    ("Minsk Automobile Plant", "Minsk Tractor Works", "organization", 0, "shared generic words"),
    ("Belaruskali", "Belarusian Potash Company", "organization", 0, "parent vs trader"),
    ("Belshina", "Бельшина", "organization", 1, "ru Cyrillic"),
    ("Belshina", "Belshyna", "organization", 1, "ы/y"),
    ("Belshina", "Belneftekhim", "organization", 0, "shared prefix"),
    ("Naftan", "Нафтан", "organization", 1, "Cyrillic"),
    ("Naftan", "Neftan Trading", "organization", 0, "different company with trade word"),
    ("Belavia", "Белавиа", "organization", 1, "Cyrillic"),
    ("Belavia Belarusian Airlines", "ОАО «Авиакомпания Белавиа»", "organization", 1, "Cyrillic with generic words"),
    ("Integral", "Интеграл", "organization", 1, "Cyrillic"),
    ("Peleng", "Пеленг", "organization", 1, "Cyrillic"),
    ("Peleng", "Pelang Trading LLC", "organization", 0, "near spelling plus trade words"),
    ("Belarus Trading LLC", "Minsk Trading LLC", "organization", 0, "only generic words"),
    ("ЧТУП «Белтехснаб»", "Beltekhsnab", "organization", 1, "ЧТУП legal form"),
    ("Beltechsnab", "Beltekhsnab", "organization", 1, "kh vs ch"),
    ("ИООО «Белтехснаб»", "Beltehsnab", "organization", 1, "kh vs h, ИООО"),
    ("СООО «Белинтерпродукт»", "Belinterprodukt", "organization", 1, "СООО"),
    ("РУП «Белоруснефть»", "Belorusneft", "organization", 1, "РУП"),
    ("Republican Unitary Enterprise Belorusneft", "Belarusneft", "organization", 1, "o/a"),
    ("ОДО «Тэхнасэрвіс»", "Tekhnaservis", "organization", 1, "be Cyrillic, ОДО"),
    ("Tekhnaservis", "Technoservice", "organization", 1, "English-style spelling"),
    ("Belaruskali", "Belarusneft", "organization", 0, "shared 'Belarus' stem"),
    ("Tsentrkurort", "Centrkurort", "organization", 1, "ts vs c"),
    ("ЗАО «Шчучынскі завод»", "ZAO Shchuchynski Zavod", "organization", 1, "шч vs shch, ы vs y"),
    ("Shchuchynski Zavod", "Szczuczynski Zawod", "organization", 1, "Polish-style szcz, w"),
    ("Alyaksandr Ryhoravich", "Aleksandr Grigorievich", "person", 1, "given name and patronymic only"),
    ("BelAZ", "БЕЛАЗ", "organization", 1, "acronym in two scripts"),
    ("BelAZ", "BelAvia", "organization", 0, "shared prefix"),
    ("Aleksandr Kovalenko", "KOVALENKO Aleksandra Sergeevna", "person", 0, "other gender form of the given name"),
    ("Aleksandra Ivanova", "Ivanov Alexander Alexandrovich", "person", 0, "feminine forms of given name and surname"),
    ("Piotr Shevchenko", "Petr SAVCHENKO", "person", 0, "another surname, one letter cluster changed"),
    ("Li Shipping AS", "LASHKAR I JHANGVI (LJ)", "organization", 0, "two-letter word inside an acronym"),
    ("Dubai Trading Ltd", "Dubai General Trading Company", "organization", 0, "place name and generic words only"),
    ("Aleksandr Sergeevich Ivanov", "IVANOV, Aleksandr Sergeyevich", "person", 1, "common name with the same patronymic"),
]

_PAREN = re.compile(r"\s*\([^)]*\)")


def _rows(path: Path, ncols: int) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8", "replace").replace("\x1a", "")
    out = []
    for row in csv.reader(text.splitlines()):
        if len(row) >= ncols:
            out.append([("" if c.strip() == "-0-" else c.strip()) for c in row])
    return out


def _trigrams(s: str) -> set[str]:
    t = re.sub(r"[^a-z0-9]+", " ", (ascii_text(s) or "").lower())
    return {w[i:i + 3] for w in t.split() for i in range(max(1, len(w) - 2))}


def _spelling(a: str, b: str) -> str:
    return "related" if _trigrams(a) & _trigrams(b) else "unrelated"


def _tokens(s: str) -> list[str]:
    return [w for w in re.split(r"[^a-z0-9]+", (ascii_text(s) or "").lower()) if w]


# Words shared by many unrelated organisations: a shared one of these makes no hard negative.
_COMMON = set("""the of and for de la al el company co ltd limited llc inc corp corporation group
international trading trade general bank society organization organisation association
enterprise industrial industries national state services service holding holdings joint stock
open closed public private ojsc jsc oao zao ooo pao cjsc llp plc sa gmbh ag fzco fze republic""".split())


def main(argv: list[str]) -> int:
    shared = Path(argv[1]) if len(argv) > 1 else HERE.parents[2] / "shared" / "data"
    rng = random.Random(SEED)
    pairs: list[dict[str, str]] = []
    seen: set[tuple[str, str]] = set()

    def add(a: str, b: str, kind: str, label: int, category: str, note: str) -> None:
        a, b = a.strip(), b.strip()
        key = (min(a, b), max(a, b))
        if not a or not b or a == b or key in seen:
            return
        seen.add(key)
        pairs.append({"a": a, "b": b, "kind": kind, "label": str(label), "category": category,
                      "spelling": _spelling(a, b), "note": note})

    # OFAC: primary names (2024-05) with the aka names of the later alt.csv.
    sdn = _rows(shared / "ofac" / "sdn_2024-05" / "sdn.csv", 12)
    alt = _rows(shared / "ofac" / "sdn_2025-12_partial" / "alt.csv", 4)
    kinds = {"individual": "person", "vessel": "vessel", "aircraft": "vessel"}
    primary = {r[0]: (r[1], kinds.get(r[2].lower(), "organization"), r[3]) for r in sdn}
    akas: dict[str, list[str]] = defaultdict(list)
    for r in alt:
        if r[0] in primary and r[2].lower() == "aka":
            akas[r[0]].append(r[3])
    belarus = sorted(e for e in akas if "BELARUS" in primary[e][2])
    others = sorted(e for e in akas if "BELARUS" not in primary[e][2])
    for ent in belarus + rng.sample(others, 100):
        name, kind, program = primary[ent]
        n = 2 if ent in belarus else 1
        chosen = akas[ent] if len(akas[ent]) <= n else rng.sample(akas[ent], n)
        for aka in chosen:
            add(name, aka, kind, 1, "ofac_alias", f"ent_num {ent}{' Belarus' if 'BELARUS' in program else ''}")

    # Hard negatives from the same list: persons sharing a surname, organisations a rare word.
    by_surname: dict[str, list[str]] = defaultdict(list)
    by_word: dict[str, list[str]] = defaultdict(list)
    for ent, (name, kind, _) in primary.items():
        if kind == "person" and "," in name:
            by_surname[_tokens(name.split(",")[0])[-1] if _tokens(name.split(",")[0]) else ""].append(ent)
        elif kind == "organization":
            for w in set(_tokens(_PAREN.sub(" ", name))):
                if len(w) >= 4 and w not in _COMMON and not w.isdigit():
                    by_word[w].append(ent)

    def negatives(groups: dict[str, list[str]], n: int, category: str, prefer_belarus: bool) -> None:
        keys = sorted(k for k, v in groups.items() if k and 2 <= len(v) <= 40)
        rng.shuffle(keys)
        if prefer_belarus:
            keys.sort(key=lambda k: not any("BELARUS" in primary[e][2] or "RUSSIA" in primary[e][2] for e in groups[k]))
        made = 0
        for k in keys:
            if made >= n:
                break
            x, y = rng.sample(groups[k], 2)
            a, b = primary[x][0], primary[y][0]
            ta, tb = set(_tokens(a)), set(_tokens(b))
            if ta <= tb or tb <= ta:  # one name inside the other: not decidable by the name alone
                continue
            add(a, b, primary[x][1], 0, category, f"shared {k}; ent_nums {x} {y}")
            made += 1

    negatives(by_surname, 140, "neg_surname", True)
    negatives(by_word, 140, "neg_shared_word", True)

    # UN consolidated list: names and aliases (persons and entities).
    un_xml = (shared / "un" / "UN_consolidated.xml").read_text(encoding="utf-8")
    un_people: list[tuple[str, list[str], str]] = []
    for kind, tag in (("person", "INDIVIDUAL"), ("organization", "ENTITY")):
        for block in re.findall(rf"<{tag}>(.*?)</{tag}>", un_xml, flags=re.S):
            parts = [re.search(rf"<{t}>(.*?)</{t}>", block) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
            name = " ".join(m.group(1).strip() for m in parts if m and m.group(1).strip())
            aliases = [a.strip() for a in re.findall(r"<ALIAS_NAME>(.*?)</ALIAS_NAME>", block) if a.strip()]
            if name and aliases:
                un_people.append((name, aliases, kind))
    for name, aliases, kind in rng.sample(un_people, min(90, len(un_people))):
        add(name, rng.choice(aliases), kind, 1, "un_alias", "UN consolidated")

    # OpenSanctions FtM (CC BY-NC, tests only): names of one entity across scripts.
    ftm = shared / "opensanctions" / "yente_t1_entities.ftm.json"
    for line in ftm.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        ent = json.loads(line)
        if ent["schema"] not in ("Person", "Organization", "Company", "LegalEntity"):
            continue
        names = sorted(set(ent["properties"].get("name", []) + ent["properties"].get("alias", [])))
        kind = "person" if ent["schema"] == "Person" else "organization"
        base = ent.get("caption") or names[0]
        for other in rng.sample(names, min(12, len(names))):
            add(base, other, kind, 1, "ftm_script", f"OpenSanctions {ent['id']}")

    # OpenSanctions benchmark: UN person names and their noisy queries.
    un_dir = shared / "opensanctions" / "name_matching"
    clean = list(csv.DictReader((un_dir / "positives_un_untreated.csv").open(encoding="utf-8")))
    noisy = list(csv.DictReader((un_dir / "positives_un_treated.csv").open(encoding="utf-8")))
    changed = [(c["full_name"], n["full_name"]) for c, n in zip(clean, noisy, strict=True)
               if c["full_name"] and n["full_name"] and c["full_name"] != n["full_name"]]
    for a, b in rng.sample(changed, min(90, len(changed))):
        add(a, b, "person", 1, "un_noisy", "OpenSanctions benchmark")

    for a, b, kind, label, note in BELARUS:
        add(a, b, kind, label, "belarus_hand", note)

    with OUT.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["a", "b", "kind", "label", "category", "spelling", "note"])
        w.writeheader()
        w.writerows(pairs)
    pos = sum(p["label"] == "1" for p in pairs)
    print(f"{OUT}: {len(pairs)} pairs ({pos} positive, {len(pairs) - pos} negative)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
