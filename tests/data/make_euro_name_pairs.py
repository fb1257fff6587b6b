"""Generate tests/data/euro_name_pairs.csv: Russian and Belarusian names as other European
languages write them (issue #4).

Lists and the press write Cyrillic names by their own language's sound rules, not by BGN/PCGN:
French (ou = у, j = ж, ch = ш, tch = ч, gu before e/i, -ine), Spanish (j = х), Italian (c/ci = ч,
sc/sci = ш, gh, z = ц), Polish (sz, cz, szcz, ż, w, ł, ja/je/ju), Czech (š, č, ž, ch = х, j = й),
Lithuanian and Latvian (š, č, ž and the male endings -as / -s), Hungarian (s = ш, sz = с,
cs = ч, zs = ж), Dutch (oe = у, sj, tsj, zj) and Turkish (ş, ç, j = ж). The tables below follow
those languages' usual conventions for Russian names; Belarusian г is h in all of them.

Deterministic (seeded). Positives: one name in scheme X vs scheme Y, vs the Cyrillic and vs
BGN (make_name_pairs.py). Hard negatives: other people sharing the surname or the given name,
and surnames that differ by a consonant or an ending (Lukashenko / Lukashevich), each side in
another language's spelling.

Run: python tests/data/make_euro_name_pairs.py  (rewrites euro_name_pairs.csv)
"""

from __future__ import annotations

import csv
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from make_name_pairs import BGN, ORGS_CYR, PERSONS_CYR, translit  # noqa: E402

OUT = Path(__file__).with_name("euro_name_pairs.csv")

V = "аеёиоуыэюяі"  # Cyrillic vowels
BASE = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "з": "z", "и": "i", "к": "k", "л": "l",
        "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ъ": "",
        "ь": "", "э": "e", "і": "i", "ў": "u"}

# scheme -> (pre-pass regexes on lowercase Cyrillic, in order; letter table)
SCHEMES: dict[str, tuple[list[tuple[str, str]], dict[str, str]]] = {
    "french": ([(r"ь(?=[еёюя])", "i"), (r"ий\b", "i"), (r"ый\b", "y"), (r"ин\b", "ine"), (r"ын\b", "yne"), (rf"(?<=[{V}])е", "ïe"),
                (rf"(?<=[{V}])[ий]", "ï"), (r"г(?=[еиыёэ])", "gu"), (rf"(?<=[{V}])с(?=[{V}])", "ss")],
               {**BASE, "ё": "io", "ж": "j", "й": "ï", "у": "ou", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch",
                "щ": "chtch", "ы": "y", "ю": "iou", "я": "ia", "ў": "ou"}),
    "spanish": ([(r"ь(?=[еёюя])", "i"), (r"ий\b", "i"), (r"ый\b", "i"), (r"\bе", "ye"), (rf"(?<=[{V}])е", "ye"), (r"г(?=[еиы])", "gu"),
                 (r"\bю", "yu"), (r"\bя", "ya")],
                {**BASE, "ё": "io", "ж": "zh", "й": "i", "х": "j", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
                 "ы": "y", "ю": "iu", "я": "ia"}),
    "italian": ([(r"ий\b", "ij"), (r"ч(?=[еиёюяі])", "c"), (r"ш(?=[еиёюяі])", "sc"), (r"щ(?=[еиёюяі])", "sc"),
                 (r"ч(?![аоуы])", "c"), (r"[шщ](?![аоуы])", "sc"),
                 (r"г(?=[еиыі])", "gh"), (r"к(?=[еиыі])", "k")],
                {**BASE, "ё": "io", "ж": "z", "й": "j", "х": "ch", "ц": "z", "ч": "ci", "ш": "sci", "щ": "sci",
                 "ы": "y", "ю": "ju", "я": "ja"}),
    "polish": ([(r"ий\b", "ij"), (r"ый\b", "y"), (r"(?<=[жшц])и", "y"), (rf"(?:\b|(?<=[{V}ьъ]))е", "je"),
                (rf"(?:\b|(?<=[{V}ьъ]))ю", "ju"), (rf"(?:\b|(?<=[{V}ьъ]))я", "ja"), (r"л(?=[еёюяиь])", "l")],
               {**BASE, "в": "w", "ё": "io", "ж": "ż", "й": "j", "л": "ł", "х": "ch", "ц": "c", "ч": "cz",
                "ш": "sz", "щ": "szcz", "ы": "y", "ю": "iu", "я": "ia", "ў": "ł"}),
    "czech": ([(r"ий\b", "ij"), (rf"(?:\b|(?<=[{V}ьъ]))е", "je")],
              {**BASE, "ё": "jo", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
               "ы": "y", "ю": "ju", "я": "ja"}),
    "lithuanian": ([(r"ий\b", "ijus"), (r"ей\b", "ejus"), (r"й\b", "jus"), (rf"(?<=[{V}])е", "je")],
                   {**BASE, "ё": "jo", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                    "ы": "y", "ю": "ju", "я": "ja"}),
    "latvian": ([(r"ий\b", "ijs"), (r"ей\b", "ejs"), (rf"(?<=[{V}])е", "je")],
                {**BASE, "ё": "jo", "ж": "ž", "й": "j", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "šč",
                 "ы": "i", "ю": "ju", "я": "ja"}),
    "hungarian": ([(r"ий\b", "ij"), (rf"(?:\b|(?<=[{V}]))е", "je")],
                  {**BASE, "ё": "jo", "ж": "zs", "й": "j", "с": "sz", "х": "h", "ц": "c", "ч": "cs", "ш": "s",
                   "щ": "scs", "ы": "i", "ю": "ju", "я": "ja"}),
    "dutch": ([(r"ий\b", "i"), (r"ый\b", "y"), (rf"(?<=[{V}])е", "je")],
              {**BASE, "ё": "jo", "ж": "zj", "й": "j", "у": "oe", "х": "ch", "ц": "ts", "ч": "tsj", "ш": "sj",
               "щ": "sjtsj", "ы": "y", "ю": "joe", "я": "ja", "ў": "oe"}),
    "turkish": ([(r"ий\b", "iy"), (rf"(?<=[{V}])е", "ye")],
                {**BASE, "ё": "yo", "ж": "j", "й": "y", "х": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "ş",
                 "ы": "ı", "ю": "yu", "я": "ya"}),
}
# Latvian and Lithuanian add the nominative ending to a man's name ending in a consonant.
MALE_ENDING = {"lithuanian": "as", "latvian": "s"}
CONSONANT_END = re.compile(r"[бвгдзклмнпрстфхцчшщжь]$")


def euro(name: str, scheme: str, belarusian: bool = False, male: bool = False) -> str:
    pre, table = SCHEMES[scheme]
    text = name.lower()
    if belarusian:
        text = text.replace("г", "h")
    if male and scheme in MALE_ENDING:
        text = " ".join(w.removesuffix("ь") + MALE_ENDING[scheme] if CONSONANT_END.search(w) else w
                        for w in text.split())
    for pattern, repl in pre:
        text = re.sub(pattern, repl, text)
    latin = "".join(table.get(c, c) for c in text)
    words = latin.split()
    return " ".join("-".join(p[:1].upper() + p[1:] for p in w.split("-")) for w in words)


# Names whose letters the schemes write most differently (ж, ш, ч, щ, х, у, ю, г), added to
# the Belarus names of make_name_pairs.py: (Cyrillic given [patronymic] surname, language).
EXTRA_PERSONS = [
    ("Георгий Константинович Жуков", "ru"), ("Никита Сергеевич Хрущёв", "ru"), ("Сергей Кужугетович Шойгу", "ru"),
    ("Михаил Владимирович Мишустин", "ru"), ("Евгений Викторович Пригожин", "ru"), ("Юрий Чиж", "ru"),
    ("Станислав Шушкевич", "ru"), ("Игорь Шуневич", "ru"), ("Виктор Шейман", "ru"), ("Сергей Тихановский", "ru"),
    ("Светлана Тихановская", "ru"), ("Мария Колесникова", "ru"), ("Олег Гайдукевич", "ru"),
    ("Андрей Кунцевич", "ru"), ("Наталья Эйсмонт", "ru"), ("Дмитрий Шостакович", "ru"), ("Пётр Чайковский", "ru"),
    ("Юрий Гагарин", "ru"), ("Владимир Жириновский", "ru"), ("Геннадий Зюганов", "ru"), ("Людмила Щербакова", "ru"),
    ("Евгений Шевчук", "ru"), ("Игорь Сечин", "ru"), ("Алексей Миллер", "ru"), ("Аляксандр Шуневіч", "be"),
    ("Юрый Чыж", "be"), ("Ігар Сечын", "be"), ("Уладзімір Караткевіч", "be"), ("Андрэй Шчукін", "be"),
]
MALE_GIVEN = re.compile(r"[^аяa]\b|^(Никита|Илья)\b")

# Different people: [given] + surname pairs that differ in a consonant or an ending.
NEG_SURNAMES = [
    ("Лукашенко", "Лукашевич"), ("Хренин", "Хренников"), ("Кочанова", "Кочетова"), ("Швед", "Шведов"),
    ("Воробей", "Воробьёв"), ("Сивак", "Сиваков"), ("Шакутин", "Шатунов"), ("Румас", "Румянцев"),
    ("Головченко", "Головко"), ("Петришенко", "Петренко"), ("Кубраков", "Купраков"), ("Заяц", "Зайцев"),
    ("Макей", "Макеев"), ("Муравейко", "Муравьёв"), ("Ермошина", "Ермолова"), ("Караев", "Карасев"),
    ("Равков", "Раков"), ("Вольфович", "Волкович"), ("Шаев", "Шаевич"), ("Шестаков", "Шестопалов"),
    ("Казакевич", "Казаков"), ("Ярош", "Ярошенко"), ("Кирсанова", "Кирилова"), ("Молостов", "Морозов"),
    ("Костевич", "Костенко"), ("Пархомчик", "Пархоменко"), ("Чесновский", "Черновский"), ("Жуков", "Жуковский"),
    ("Шушкевич", "Шишкевич"), ("Чиж", "Чижов"), ("Гайдукевич", "Гайдученко"), ("Тихановский", "Тихонов"),
    ("Колесникова", "Колесова"), ("Хрущёв", "Хрусталёв"), ("Шойгу", "Шойхет"), ("Мишустин", "Мишутин"),
    ("Пригожин", "Пригодин"), ("Шуневич", "Шулевич"), ("Шейман", "Шейнман"), ("Сечин", "Сетин"),
    ("Жуков", "Жучков"), ("Шевчук", "Шевчик"), ("Щербакова", "Щербинина"), ("Зюганов", "Зубанов"),
    ("Иванов", "Иваненко"), ("Кузнецов", "Кузьмин"), ("Шевцов", "Шевченко"), ("Чайковский", "Чаплинский"),
]
FEMININE_STEMS = ("ова", "ева", "ина", "ская")
GIVEN_M = ["Александр", "Виктор", "Сергей", "Андрей", "Николай", "Юрий", "Игорь", "Михаил", "Дмитрий",
           "Георгий", "Евгений", "Владимир", "Олег", "Павел", "Геннадий"]
GIVEN_F = ["Наталья", "Светлана", "Мария", "Людмила", "Лидия", "Татьяна", "Ирина"]


def main() -> None:
    rng = random.Random(20261203)
    rows: list[tuple[str, str, str, int, str, str]] = []
    add = rows.append
    names = list(dict.fromkeys(PERSONS_CYR + EXTRA_PERSONS))
    schemes = list(SCHEMES)

    def person(name: str, sch: str, be: bool) -> str:
        words = name.split()
        male = bool(MALE_GIVEN.search(words[0]))
        if sch in MALE_ENDING and len(words) == 3:  # the Baltic press leaves the patronymic out
            words = [words[0], words[2]]
        return euro(" ".join(words), sch, be, male)

    for name, lang in names:
        be = lang == "be"
        picked = rng.sample(schemes, 4)
        for sch in picked[:2]:
            add((name, person(name, sch, be), "person", 1, "cyrillic", sch))
        x, y = picked[2], picked[3]
        add((person(name, x, be), person(name, y, be), "person", 1, "cross", f"{x}/{y}"))
        bgn = translit(name, BGN, be)
        add((bgn, person(name, picked[0], be), "person", 1, "bgn", picked[0]))
        # Lists write "SURNAME Given": the French lists among them.
        w = person(name, picked[1], be).split()
        add((bgn, f"{w[-1].upper()} {' '.join(w[:-1])}", "person", 1, "word_order", picked[1]))
    for name, lang in ORGS_CYR:
        be = lang == "be"
        x, y = rng.sample(schemes, 2)
        add((name, euro(name, x, be), "organization", 1, "cyrillic", x))
        add((translit(name, BGN, be), euro(name, y, be), "organization", 1, "bgn", y))

    # Namesakes: one surname, another given name (Viktor / Dmitry Lukashenko).
    by_surname: dict[str, list[tuple[str, str]]] = {}
    for name, lang in names:
        by_surname.setdefault(name.split()[-1], []).append((name, lang))
    for group in by_surname.values():
        for (n1, l1), (n2, l2) in zip(group, group[1:], strict=False):
            if n1.split()[0] != n2.split()[0] and l1 == l2:
                x, y = rng.sample(schemes, 2)
                add((person(n1, x, l1 == "be"), person(n2, y, l2 == "be"), "person", 0, "namesake", f"{x}/{y}"))
    for surname in ["Лукашенко", "Жуков", "Шевчук", "Хрущёв", "Чиж", "Шушкевич", "Тихановский", "Кочанова"]:
        fem = surname.endswith(FEMININE_STEMS)
        g1, g2 = rng.sample(GIVEN_F if fem else GIVEN_M, 2)
        x, y = rng.sample(schemes, 2)
        add((person(f"{g1} {surname}", x, False), person(f"{g2} {surname}", y, False), "person", 0, "namesake",
             f"{x}/{y}"))
    # One given name, a look-alike surname.
    for s1, s2 in NEG_SURNAMES:
        fem = s1.endswith(FEMININE_STEMS)
        given = rng.choice(GIVEN_F if fem else GIVEN_M)
        x, y = rng.sample(schemes, 2)
        add((person(f"{given} {s1}", x, False), person(f"{given} {s2}", y, False), "person", 0, "lookalike",
             f"{x}/{y}"))
        add((f"{given} {s1}", person(f"{given} {s2}", y, False), "person", 0, "lookalike", f"cyrillic/{y}"))
    # Random people, one scheme each.
    for _ in range(40):
        (n1, l1), (n2, l2) = rng.sample(names, 2)
        if n1.split()[-1][:4] != n2.split()[-1][:4]:
            x, y = rng.sample(schemes, 2)
            add((person(n1, x, l1 == "be"), person(n2, y, l2 == "be"), "person", 0, "random", f"{x}/{y}"))
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["a", "b", "kind", "label", "category", "note"])
        w.writerows(rows)
    print(f"{len(rows)} pairs -> {OUT}")  # noqa: T201 - a script, not library code


if __name__ == "__main__":
    main()
