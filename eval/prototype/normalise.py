"""Text normaliser of the prototype detector (see DESIGN.md, "Normalisation").

The same function folds the scanned text and every cue of the pack, so a cue written in any
folded form matches all of them. Every character of the output remembers the span of the
input it came from, so explanations can quote the caller's words.

Steps, in order:

1. Per character: NFKC (a half-width katakana and a following half-width voicing mark are one
   unit), lower case, katakana -> hiragana (the long-vowel mark stays).
2. Kanji numerals -> ASCII digits: a run of 〇一二三四五六七八九十 is read as a number.
3. Tokens: Latin words (letters, digits, apostrophes inside a word) and single Japanese
   characters. Latin words are split where letters meet digits ("24hrs" -> "24", "hrs"),
   contractions are expanded ("don't" -> "do not"), number words become digits ("two" -> "2"),
   word replacements apply ("hrs" -> "hour"), then each word is stemmed (plural and -ed/-ing
   folding, DESIGN.md). Whitespace and punctuation are dropped, except one space between two
   Latin words.
4. Japanese rewrites over the whole string, each leftmost-longest: the reading lexicon
   (surface -> canonical kana: 警察 / けいさつ, 振り込み / 振込 / ふりこみ), kana numerals before a
   counter (にじかん -> 2じかん, いちをおして -> 1をおして), honorific お/ご before listed nouns
   (おでんわ -> でんわ).

Standard library only.
"""

from __future__ import annotations

import re
import unicodedata

PLACEHOLDER_URL = "\ue000"
PLACEHOLDER_PHONE = "\ue001"

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_HALF_VOICING = ("\uff9e", "\uff9f")
# Characters of categories P, S, Z or C that are kept: placeholders and Japanese marks.
_KEPT = (PLACEHOLDER_URL, PLACEHOLDER_PHONE, "ー", "々", "〆", "ヶ")


def _kata_to_hira(c: str) -> str:
    o = ord(c)
    if 0x30A1 <= o <= 0x30F6:
        return chr(o - 0x60)
    if o in (0x30FD, 0x30FE):
        return chr(o - 0x60)
    return c


def _is_latin(c: str) -> bool:
    return ("a" <= c <= "z") or ("0" <= c <= "9")


def _read_kanji_number(run: str) -> str:
    """A run of 〇一二...九十 as digits: 二十四 -> 24, 十 -> 10, 二〇二五 -> 2025."""
    if "十" not in run:
        return "".join(str(_KANJI_DIGITS[c]) for c in run)
    total, digit = 0, None
    for c in run:
        if c == "十":
            total += (digit if digit is not None else 1) * 10
            digit = None
        else:
            if digit is not None:  # 二二十: unusual, read digit by digit
                total = total * 10 + digit
            digit = _KANJI_DIGITS[c]
    return str(total + (digit or 0))


class Normalised:
    """Normalised text with, per character, the (start, end) span of the source text."""

    __slots__ = ("text", "spans")

    def __init__(self, text: str, spans: list[tuple[int, int]]):
        self.text = text
        self.spans = spans

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        return self.spans[start][0], self.spans[end - 1][1]


class _Rewriter:
    """Leftmost-longest replacement of fixed strings (Aho-Corasick in the Rust port)."""

    def __init__(self, table: dict[str, str]):
        self.table = table
        self.lengths = sorted({len(k) for k in table}, reverse=True)
        self.first = {k[0] for k in table}

    def apply(self, chars: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
        if not self.table:
            return chars
        text = "".join(c for c, _ in chars)
        out, i, n = [], 0, len(chars)
        while i < n:
            if text[i] in self.first:
                for length in self.lengths:
                    if i + length <= n and text[i:i + length] in self.table:
                        value = self.table[text[i:i + length]]
                        span = (chars[i][1][0], chars[i + length - 1][1][1])
                        out.extend((c, span) for c in value)
                        i += length
                        break
                else:
                    out.append(chars[i])
                    i += 1
            else:
                out.append(chars[i])
                i += 1
        return out


class Normaliser:
    def __init__(self, data: dict):
        ja = data["ja"]
        en = data["en"]
        # Keys are folded by steps 1-2 so they can be written in katakana or kanji numerals.
        self.lexicon = _Rewriter({self._fold_plain(k): v for k, v in ja["readings"].items()})
        self.readings = sorted(set(ja["readings"].values()))
        digits = ja["kana_digits"]  # reading -> digit
        units = "|".join(sorted(map(re.escape, digits), key=len, reverse=True))
        counters = "|".join(self._counter_patterns(ja["counters"]))
        self.kana_number = re.compile(
            rf"((?:(?:{units})?じゅう(?:{units})?)|(?:{units}))(?=\s*(?:{counters}))")
        self.kana_digits = digits
        # Honorific nouns in their canonical form (after the readings).
        honorific = ["".join(c for c, _ in self.lexicon.apply(
            [(c, (0, 0)) for c in self._fold_plain(w)])) for w in ja["honorific_nouns"]]
        table = {}
        for w in honorific:
            table["お" + w] = w
            table["ご" + w] = w
        self.honorific = _Rewriter(table)
        self.contractions = en["contractions"]
        self.number_words = en["number_words"]
        self.word_map = en["words"]
        # An exception's value is a word to stem by the rules (told -> tell), unless it is the
        # word itself (news stays news).
        self.stem_exceptions = {k: (v if v == k else self._stem_rules(v))
                                for k, v in en["stem_exceptions"].items()}

    @staticmethod
    def _counter_patterns(counters: list[str]) -> list[str]:
        """Counters as regex fragments. The prototype's pack writes them as regexes; the Rust
        port's (core/rules/script/normalise.json) as text, where a space allows any
        whitespace and a counter ending in hiragana must not run into a small ゃ ゅ ょ."""
        if any("(" in c or "\\" in c for c in counters):
            return counters
        out = []
        for c in counters:
            pattern = r"\s*".join(re.escape(part) for part in c.split(" "))
            if "\u3041" <= c[-1] <= "\u309f":
                pattern += "(?![ゃゅょ])"
            out.append(pattern)
        return out

    # -- step 1 and 2 -----------------------------------------------------------------------

    @staticmethod
    def _fold_chars(text: str) -> list[tuple[str, tuple[int, int]]]:
        out = []
        i, n = 0, len(text)
        while i < n:
            j = i + 1
            if j < n and text[j] in _HALF_VOICING:
                j += 1
            for c in unicodedata.normalize("NFKC", text[i:j]).lower():
                out.append((_kata_to_hira(c), (i, j)))
            i = j
        # kanji numerals
        res, k = [], 0
        while k < len(out):
            if out[k][0] in _KANJI_DIGITS or out[k][0] == "十":
                m = k
                while m < len(out) and (out[m][0] in _KANJI_DIGITS or out[m][0] == "十"):
                    m += 1
                run = "".join(c for c, _ in out[k:m])
                span = (out[k][1][0], out[m - 1][1][1])
                res.extend((d, span) for d in _read_kanji_number(run))
                k = m
            else:
                res.append(out[k])
                k += 1
        return res

    def fold_plain(self, text: str) -> str:
        """Steps 1-2 only, without spaces: how lexicon keys are compared."""
        return self._fold_plain(text)

    def _fold_plain(self, text: str) -> str:
        return "".join(c for c, _ in self._fold_chars(text)).replace(" ", "")

    # -- step 3: English words ----------------------------------------------------------------

    def stem(self, w: str) -> str:
        if w in self.stem_exceptions:
            return self.stem_exceptions[w]
        return self._stem_rules(w)

    @staticmethod
    def _stem_rules(w: str) -> str:
        if len(w) <= 3 or not w.isalpha():
            return w
        if w.endswith("ies") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("sses"):
            w = w[:-2]
        elif w.endswith(("ches", "shes", "xes", "zes")):
            w = w[:-2]
        elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
            w = w[:-1]
        if w.endswith("ied") and len(w) > 4:
            w = w[:-3] + "y"
        elif w.endswith("ed") and len(w) > 4:
            w = w[:-2]
        elif w.endswith("ing") and len(w) > 5:
            w = w[:-3]
        if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "lsz":
            w = w[:-1]
        if w.endswith("e") and len(w) > 3:
            w = w[:-1]
        return w

    def _words(self, raw: str) -> list[str]:
        raw = raw.replace("’", "'").strip("'")
        if raw in self.contractions:
            words = self.contractions[raw].split()
        elif raw.endswith("n't"):
            words = [raw[:-3], "not"]
        elif "'" in raw:
            head, _, tail = raw.partition("'")
            words = [head] + ({"ll": ["will"], "re": ["are"], "ve": ["have"], "m": ["am"],
                               "d": ["would"]}.get(tail, []))
        else:
            words = [raw]
        out = []
        for w in words:
            for part in re.findall(r"[a-z]+|[0-9]+", w):
                part = self.number_words.get(part, part)
                part = self.word_map.get(part, part)
                out.extend(self.stem(p) for p in part.split())
        return out

    # -- the whole pipeline ---------------------------------------------------------------------

    def normalise(self, text: str) -> Normalised:
        chars = self._kana_numbers(self._fold_chars(text))
        units: list[tuple[str, tuple[int, int]]] = []
        last_latin = False
        i, n = 0, len(chars)
        while i < n:
            c = chars[i][0]
            if _is_latin(c):
                # A Latin word: letters and digits, apostrophes inside it, and thousands
                # separators or decimal points between digits (dropped: "2,000" -> "2000").
                j, raw = i, []
                while j < n:
                    cj = chars[j][0]
                    if _is_latin(cj):
                        raw.append(cj)
                    elif (cj in "'’" and j + 1 < n and "a" <= chars[j + 1][0] <= "z"):
                        raw.append("'")
                    elif (cj in ",." and raw and raw[-1].isdigit() and j + 1 < n
                          and chars[j + 1][0].isdigit()):
                        pass
                    else:
                        break
                    j += 1
                span = (chars[i][1][0], chars[j - 1][1][1])
                for w in self._words("".join(raw)):
                    if last_latin:
                        units.append((" ", span))
                    units.extend((ch, span) for ch in w)
                    last_latin = True
                i = j
                continue
            cat = unicodedata.category(c)
            if c.isspace() or (cat[0] in "PSZC" and c not in _KEPT):
                i += 1  # whitespace and punctuation separate words but are not kept
                continue
            units.append(chars[i])
            last_latin = False
            i += 1
        units = self.lexicon.apply(units)
        units = self.honorific.apply(units)
        return Normalised("".join(c for c, _ in units), [s for _, s in units])

    def _kana_numbers(self, chars):
        """Kana numerals at the start of a word and before a counter become digits."""
        text = "".join(c for c, _ in chars)
        out, last = [], 0
        for m in self.kana_number.finditer(text):
            before = text[m.start() - 1] if m.start() else " "
            if "\u3041" <= before <= "\u309f":
                continue  # inside a kana word (こんにちは, でんわにばんごう)
            out.extend(chars[last:m.start()])
            span = (chars[m.start()][1][0], chars[m.end() - 1][1][1])
            out.extend((d, span) for d in self._kana_value(m.group(1)))
            last = m.end()
        out.extend(chars[last:])
        return out

    def _kana_value(self, reading: str) -> str:
        if reading in self.kana_digits:
            return self.kana_digits[reading]
        tens, _, ones = reading.partition("じゅう")
        return str(int(self.kana_digits.get(tens, "1")) * 10 + int(self.kana_digits.get(ones, "0")))

    def fold_cue(self, cue: str) -> str:
        """A cue as the matcher sees it."""
        return self.normalise(cue).text
