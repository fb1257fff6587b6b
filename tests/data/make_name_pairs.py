"""Generate tests/data/name_pairs.csv: labelled name pairs for calibrating the matcher.

Deterministic (seeded). Positives are the spellings people really write: Cyrillic names
(Russian and Belarusian, from reference §8 plus ordinary Belarusian person and company names)
against their Latin transliterations under several schemes (BGN/PCGN, ISO 9, ICAO passport,
German, Łacinka, informal), legal-form variants, word order, typos, initials, joined words.
Negatives are the hard cases: shared generic words, different numbers, relatives sharing a
surname, look-alike surnames, parent vs differently named subsidiary, random pairs.

Run: python tests/data/make_name_pairs.py  (rewrites name_pairs.csv)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

OUT = Path(__file__).with_name("name_pairs.csv")

BGN = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
       "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
       "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
       "э": "e", "ю": "yu", "я": "ya", "і": "i", "ў": "w"}
ISO9 = {**BGN, "ж": "ž", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ", "й": "j", "ю": "û", "я": "â",
        "ё": "ë", "э": "è", "ь": "ʹ", "ў": "ǔ"}
ICAO = {**BGN, "й": "i", "ю": "iu", "я": "ia", "ё": "e", "ъ": "ie", "ў": "u"}
GERMAN = {**BGN, "в": "w", "ж": "sh", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch", "ш": "sch",
          "щ": "schtsch", "ю": "ju", "я": "ja", "ё": "jo", "ў": "u"}
LACINKA = {**BGN, "г": "h", "ж": "ž", "й": "j", "х": "ch", "ц": "c", "ч": "č", "ш": "š", "ю": "ju", "я": "ja",
           "ё": "jo", "е": "ie", "ў": "ŭ", "ь": "", "ы": "y"}
INFORMAL = {**BGN, "й": "i", "х": "h", "ю": "iu", "я": "ia", "ё": "e", "ы": "i"}
SCHEMES = {"bgn": BGN, "iso9": ISO9, "icao": ICAO, "german": GERMAN, "lacinka": LACINKA, "informal": INFORMAL}


def translit(text: str, table: dict[str, str], belarusian: bool = False) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low == "г" and belarusian:
            rep = "h"
        elif low in table:
            rep = table[low]
        else:
            out.append(ch)
            continue
        out.append(rep.capitalize() if ch.isupper() and rep else rep)
    return "".join(out)


# (Cyrillic name, language) — organisations from reference §8 and ordinary ones.
ORGS_CYR = [
    ("Беларуськалий", "ru"), ("Беларуськалій", "be"), ("Гродно Азот", "ru"), ("Гродна Азот", "be"), ("Нафтан", "ru"),
    ("Белшина", "ru"), ("Белшына", "be"), ("Лакокраска", "ru"), ("Полоцк-Стекловолокно", "ru"), ("БЕЛАЗ", "ru"),
    ("Интеграл", "ru"), ("Белавиа", "ru"), ("Белинвестбанк", "ru"), ("Белбизнеслизинг", "ru"), ("Банк Дабрабыт", "ru"),
    ("Белагропромбанк", "ru"), ("Беларусбанк", "ru"), ("Синезис", "ru"), ("Белтехэкспорт", "ru"),
    ("Белспецвнештехника", "ru"), ("Пеленг", "ru"), ("Табак-инвест", "ru"), ("Белаэронавигация", "ru"),
    ("Трансавиаэкспорт", "ru"), ("Белоруснефть", "ru"), ("Центркурорт", "ru"), ("Бремино групп", "ru"),
    ("Логекс", "ru"), ("Сохра", "ru"), ("Славкалий", "ru"), ("Агророзквит", "ru"), ("Гродно Химволокно", "ru"),
    ("Минотор-Сервис", "ru"), ("Белнефтехим", "ru"), ("Мозырский нефтеперерабатывающий завод", "ru"),
    ("Минский завод колёсных тягачей", "ru"), ("Минский автомобильный завод", "ru"), ("Мінскі аўтамабільны завод", "be"),
    ("Гомельстекло", "ru"), ("Светлогорское Химволокно", "ru"), ("Могилевхимволокно", "ru"), ("Амкодор", "ru"),
    ("Белорусский металлургический завод", "ru"), ("Беларускі металургічны завод", "be"), ("Керамин", "ru"),
    ("Савушкин продукт", "ru"), ("Милавица", "ru"), ("Коммунарка", "ru"), ("Атлант", "ru"), ("Горизонт", "ru"),
    ("Мотовело", "ru"), ("Белкоммунмаш", "ru"), ("Брестгазоаппарат", "ru"), ("Витязь", "ru"), ("Нафтан Сервис", "ru"),
    ("Полимир", "ru"), ("Речицкий метизный завод", "ru"), ("Борисовский завод агрегатов", "ru"),
    ("Оршанский льнокомбинат", "ru"), ("Жодинский завод", "ru"),
]
PERSONS_CYR = [
    ("Александр Григорьевич Лукашенко", "ru"), ("Аляксандр Рыгоравіч Лукашэнка", "be"),
    ("Виктор Александрович Лукашенко", "ru"), ("Віктар Аляксандравіч Лукашэнка", "be"),
    ("Дмитрий Александрович Лукашенко", "ru"), ("Виктор Геннадьевич Хренин", "ru"), ("Віктар Генадзьевіч Хрэнін", "be"),
    ("Александр Григорьевич Вольфович", "ru"), ("Наталья Ивановна Кочанова", "ru"), ("Анатолий Сивак", "ru"),
    ("Андрей Швед", "ru"), ("Николай Воробей", "ru"), ("Александр Шакутин", "ru"), ("Сергей Николаевич Румас", "ru"),
    ("Роман Александрович Головченко", "ru"), ("Раман Аляксандравіч Галоўчанка", "be"), ("Игорь Петришенко", "ru"),
    ("Юрий Викторович Караев", "ru"), ("Иван Иванович Кубраков", "ru"), ("Леонид Михайлович Заяц", "ru"),
    ("Владимир Петрович Макей", "ru"), ("Уладзімір Пятровіч Макей", "be"), ("Андрей Владимирович Равков", "ru"),
    ("Павел Леонидович Муравейко", "ru"), ("Дмитрий Юрьевич Пантус", "ru"), ("Лидия Михайловна Ермошина", "ru"),
    ("Лідзія Міхайлаўна Ярмошына", "be"), ("Валентин Павлович Шаев", "ru"), ("Олег Анатольевич Чесновский", "ru"),
    ("Евгений Николаевич Шестаков", "ru"), ("Михаил Петрович Гуцериев", "ru"), ("Алексей Иванович Олексин", "ru"),
    ("Николай Николаевич Воробей", "ru"), ("Геннадий Андреевич Казакевич", "ru"), ("Светлана Степановна Ярош", "ru"),
    ("Татьяна Ивановна Кирсанова", "ru"), ("Константин Владимирович Молостов", "ru"), ("Ирина Сергеевна Костевич", "ru"),
    ("Петр Васильевич Пархомчик", "ru"), ("Ганна Сяргееўна Кузьміч", "be"), ("Сяргей Пятровіч Навумчык", "be"),
]
LEGAL_RU = ["ОАО", "ЗАО", "ООО", "ЧУП", "ИООО", "РУП", "ОДО", "УП", "СООО", "ЧТУП"]
LEGAL_LATIN = ["OAO", "JSC", "OJSC", "CJSC", "LLC", "ZAO", "Open Joint Stock Company", "Ltd", "IOOO",
               "Republican Unitary Enterprise", "UAB", "GmbH", "Sp. z o.o.", "SIA", "Limited Liability Company"]

NEGATIVES = [
    # shared generic words
    ("Minsk Trading LLC", "Minsk Automobile Plant", "organization", "generic"),
    ("Belarus Plant Supplies GmbH", "Belarusian Steel Works", "organization", "generic"),
    ("Minsk Trading House", "Belarusian Oil Trade House", "organization", "generic"),
    ("National Bank of Georgia", "National Bank of the Republic of Belarus", "organization", "generic"),
    ("Development Bank of Kazakhstan", "Development Bank of the Republic of Belarus", "organization", "generic"),
    ("State Committee for Standardization", "State Security Committee", "organization", "generic"),
    ("Belarus Logistics Services", "Belarusian Potash Company", "organization", "generic"),
    ("Global Trading Company", "Global Custom Management", "organization", "generic"),
    ("New Oil Services LLC", "New Oil Company", "organization", "generic"),
    ("Minsk Tractor Works", "Minsk Wheeled Tractor Plant", "organization", "generic"),
    ("Minsk Gear Works", "Minsk Automobile Plant", "organization", "generic"),
    ("Grodno Tobacco Factory Neman", "Grodno Azot", "organization", "generic"),
    ("Brest Meat Plant", "140 Repair Plant", "organization", "generic"),
    ("Belarusian Railway", "Belarusian Autoworks", "organization", "generic"),
    ("International Trading Group", "Belarusian Potash Company", "organization", "generic"),
    ("Euro Industrial Supplies", "Industrial Supply Europe", "organization", "generic"),
    ("Baltic Logistics UAB", "Belarus Logistics OOO", "organization", "generic"),
    ("Polotsk Dairy", "Polotsk-Steklovolokno", "organization", "generic"),
    ("Mogilev Trading Company", "Mogilevkhimvolokno", "organization", "generic"),
    ("Vitebsk Service Center", "Minotor-Service", "organization", "generic"),
    # different numbers
    ("558 Aircraft Repair Plant", "557 Aircraft Repair Plant", "organization", "number"),
    ("140 Repair Plant", "104 Repair Plant", "organization", "number"),
    ("11420 Corp", "11421 Corp", "organization", "number"),
    ("Plant No 1", "Plant No 2", "organization", "number"),
    ("Avtobaza 7", "Avtobaza 17", "organization", "number"),
    ("Stroitrest 3", "Stroitrest 8", "organization", "number"),
    ("Remzavod 2020", "Remzavod 2021", "organization", "number"),
    ("Depot 12 Minsk", "Depot 21 Minsk", "organization", "number"),
    # parent vs differently named subsidiary / related companies
    ("Belaruskali", "Belarusian Potash Company", "organization", "related"),
    ("Belinvestbank", "Belbizneslizing", "organization", "related"),
    ("Grodno Azot", "Grodno Khimvolokno", "organization", "related"),
    ("Belneftekhim", "Naftan", "organization", "related"),
    ("Belneftekhim", "Belarusian Oil Trade House", "organization", "related"),
    ("Belavia", "Belaeronavigatsia", "organization", "related"),
    ("Beltechexport", "Belspetsvneshtechnika", "organization", "related"),
    ("Synesis", "Dana Holdings", "organization", "related"),
    ("Belorusneft", "Belneftekhim", "organization", "related"),
    ("BelAZ", "MAZ", "organization", "related"),
    ("MZKT", "MTZ", "organization", "related"),
    ("Bremino Group", "Logex", "organization", "related"),
    ("Belaruskali", "Slavkali", "organization", "related"),
    ("Integral", "Peleng", "organization", "related"),
    ("Belshina", "Belorusneft", "organization", "related"),
    ("Naftan", "Mozyr Oil Refinery", "organization", "related"),
    ("Tabak Invest", "Grodno Tobacco Factory Neman", "organization", "related"),
    ("KB Radar", "AGAT Electromechanical Plant", "organization", "related"),
    ("Belagroprombank", "Belarusbank", "organization", "related"),
    ("Bank Dabrabyt", "Belinvestbank", "organization", "related"),
    # look-alike but different
    ("Naftan", "Naftogaz", "organization", "lookalike"),
    ("Belavia", "Belarus Avia Parts", "organization", "lookalike"),
    ("Integral", "Integra Systems", "organization", "lookalike"),
    ("Synesis", "Genesis", "organization", "lookalike"),
    ("Peleng", "Pelican", "organization", "lookalike"),
    ("Logex", "Logistics Express", "organization", "lookalike"),
    ("Sohra", "Sahara Trading", "organization", "lookalike"),
    ("Belshina", "Belshoes", "organization", "lookalike"),
    ("Amkodor", "Ambidor", "organization", "lookalike"),
    ("Belaruskali", "Belarus Kalinkovichi Furniture", "organization", "lookalike"),
    ("Keramin", "Kerama Marazzi", "organization", "lookalike"),
    ("Atlant", "Atlantic Shipping", "organization", "lookalike"),
    ("Gorizont", "Horizon Capital", "organization", "lookalike"),
    ("Lakokraska", "Lakokrasochny Zavod Yaroslavl", "organization", "lookalike"),
    ("Tsentrkurort", "Tsentrobank", "organization", "lookalike"),
]
# Relatives / namesakes: different people sharing a surname or a first name.
PERSON_NEGATIVES = [
    ("Alexander Lukashenko", "Viktor Lukashenko"), ("Dmitry Lukashenko", "Viktor Lukashenko"),
    ("Aliaksandr Lukashenka", "Aliaksandr Lukashevich"), ("Лукашэнка Аляксандр", "Лукашэвіч Аляксандр"),
    ("Viktor Khrenin", "Viktor Khrennikov"), ("Natalia Kochanova", "Natalia Kochetkova"),
    ("Andrei Shved", "Andrei Shvedov"), ("Nikolai Vorobei", "Nikolai Vorobiev"), ("Anatoli Sivak", "Anatoli Sivakov"),
    ("Aleksandr Shakutin", "Aleksandr Shatunov"), ("Sergei Rumas", "Sergei Rumyantsev"),
    ("Roman Golovchenko", "Roman Golovko"), ("Igor Petrishenko", "Igor Petrenko"), ("Ivan Kubrakov", "Ivan Kuprakov"),
    ("Leonid Zayats", "Leonid Zaitsev"), ("Vladimir Makei", "Vladimir Makeev"), ("Pavel Muraveiko", "Pavel Muraviev"),
    ("Lidia Yermoshina", "Lidia Yermolova"), ("Mikhail Gutseriev", "Said Gutseriev"),
    ("Viktor Sheiman", "Viktor Shulman"), ("Yuri Karaev", "Yuri Karasev"), ("Andrei Ravkov", "Andrei Rakov"),
    ("Ivan Petrov", "Petr Ivanov"), ("Sergei Ivanov", "Sergei Ivanenko"), ("Olga Smirnova", "Olga Smirnitskaya"),
    ("Alexander Volfovich", "Alexander Volkovich"), ("Dmitry Pantus", "Dmitry Pantiukhov"),
    ("Valentin Shaev", "Valentin Shaevich"), ("Yevgeny Shestakov", "Yevgeny Shestopalov"),
    ("Gennady Kazakevich", "Gennady Kozakov"), ("Svetlana Yarosh", "Svetlana Yaroshenko"),
    ("Tatiana Kirsanova", "Tatiana Kirilova"), ("Konstantin Molostov", "Konstantin Morozov"),
    ("Irina Kostevich", "Irina Kostenko"), ("Petr Parkhomchik", "Petr Parkhomenko"),
    ("Viktor Aleksandrovich Lukashenko", "Dmitry Aleksandrovich Lukashenko"),
    ("Natalia Ivanovna Kochanova", "Natalia Petrovna Kovaleva"), ("Aleksandr Shakutin", "Aleksei Shakutin"),
    ("Nikolai Nikolaevich Vorobei", "Nikolai Nikolaevich Vorobyov"), ("Oleg Chesnovsky", "Oleg Chernovsky"),
]


def typo(rng: random.Random, s: str) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha()]
    if len(letters) < 6:
        return s
    i = rng.choice(letters[1:-1])
    op = rng.choice(["drop", "swap", "double"])
    if op == "drop":
        return s[:i] + s[i + 1:]
    if op == "swap" and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    return s[:i] + s[i] + s[i:]


def main() -> None:
    rng = random.Random(20261124)
    rows: list[tuple[str, str, str, int, str, str]] = []
    add = rows.append
    for name, lang in ORGS_CYR:
        be = lang == "be"
        schemes = rng.sample(list(SCHEMES), 3)
        for sch in schemes:
            latin = translit(name, SCHEMES[sch], be)
            add((f"{rng.choice(LEGAL_RU)} «{name}»", latin, "organization", 1, "transliteration", sch))
        latin = translit(name, BGN, be)
        add((f"{latin} {rng.choice(LEGAL_LATIN)}", f"{rng.choice(LEGAL_LATIN)} {latin}", "organization", 1,
             "legal_form", ""))
        add((latin, typo(rng, latin), "organization", 1, "typo", ""))
        if " " in latin or "-" in latin:
            add((latin, latin.replace(" ", "").replace("-", ""), "organization", 1, "joined", ""))
    for name, lang in PERSONS_CYR:
        be = lang == "be"
        parts = name.split()
        for sch in rng.sample(list(SCHEMES), 3):
            latin = translit(name, SCHEMES[sch], be)
            add((name, latin, "person", 1, "transliteration", sch))
        latin_parts = translit(name, BGN, be).split()
        first, last = latin_parts[0], latin_parts[-1]
        add((" ".join(latin_parts), f"{last.upper()}, {' '.join(latin_parts[:-1])}", "person", 1, "word_order", ""))
        add((" ".join(latin_parts), f"{first} {last}", "person", 1, "no_patronymic", ""))
        add((f"{first[0]}. {last}", f"{first} {last}", "person", 1, "initial", ""))
        add((f"{first} {last}", f"{first} {typo(rng, last)}", "person", 1, "typo", ""))
        if len(parts) == 3:
            add((f"{last}", " ".join(latin_parts), "person", 0, "surname_only", "surname alone is not a match"))
    for a, b, kind, cat in NEGATIVES:
        add((a, b, kind, 0, cat, ""))
    for a, b in PERSON_NEGATIVES:
        add((a, b, "person", 0, "namesake", ""))
    # Random unrelated pairs from the positives' names.
    pool = [translit(n, BGN, lang == "be") for n, lang in ORGS_CYR]
    for _ in range(40):
        a, b = rng.sample(pool, 2)
        add((a, b, "organization", 0, "random", ""))
    ppool = [translit(n, BGN, lang == "be") for n, lang in PERSONS_CYR]
    for _ in range(30):
        a, b = rng.sample(ppool, 2)
        if a.split()[-1][:5] != b.split()[-1][:5]:
            add((a, b, "person", 0, "random", ""))
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["a", "b", "kind", "label", "category", "note"])
        w.writerows(rows)
    print(f"{len(rows)} pairs -> {OUT}")  # noqa: T201 - a script, not library code


if __name__ == "__main__":
    main()
