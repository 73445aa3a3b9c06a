"""Prototype scam-script detector: the design the Rust core is to implement (DESIGN.md).

    from detector import Detector
    d = Detector.load()
    r = d.scan("こちらは総務省です。2時間以内に通信を停止します。1を押してください。")
    r["level"], r["score"], r["explain"]

The algorithm, step by step (DESIGN.md has the details a port needs):

1. Evidence outside the words: links (shorteners, throw-away TLDs, look-alike domains, raw IP
   addresses) and phone numbers are found in the NFKC, lower-cased text and replaced by
   placeholder characters.
2. The text is cut into clauses at sentence punctuation and line breaks.
3. Each clause is normalised (normalise.py) and every cue of the pack is matched in it.
4. Context: a clause holding a negation cue (「…ことはありません」, "will never") or a
   reported-speech cue (「…をかたる電話」, "claiming to be", "if someone calls") does not count
   the cues inside it, nor does a quotation reported with と/って or in English quotes;
   families marked context_exempt ("this is not a scam") count anyway. Every discounted cue is
   kept in the explanation with the reason.
5. Each family present adds the weight of its heaviest cue; each combination of families that
   holds adds its bonus; the sum is capped at 100; thresholds give the level.
6. Organisations named outside negation and reported speech are the caller's claims.

Standard library only.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import learned
from normalise import PLACEHOLDER_PHONE, PLACEHOLDER_URL, Normaliser

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
MAX_INPUT_CHARS = 16384  # the Rust scanner reads at most 64 KiB

LEVELS = ("none", "low", "medium", "high")

_URL_RE = re.compile(
    r"(?:https?://)?(?:\d{1,3}(?:\.\d{1,3}){3}|(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,})"
    r"(?::\d+)?(?:/[!-~]*)?")
_COMMON_TLDS = {"com", "net", "org", "jp", "uk", "us", "gov", "edu", "au", "nz", "ca", "io", "co",
                "me", "ly", "gl", "gd", "app", "biz", "de", "fr", "eu", "tv", "ai", "at"}
_PHONE_RE = re.compile(r"\+?\(?\d[\d \-()]{7,}\d")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")


class PackError(ValueError):
    """A pack file is malformed; the message names the file and the entry."""


def _latin(c: str) -> bool:
    return ("a" <= c <= "z") or ("0" <= c <= "9")


class Detector:
    def __init__(self, normalise: dict, cues: dict, context: dict, scoring: dict, links: dict,
                 official: dict | None = None, model: dict | None = None):
        self.norm = Normaliser(normalise)
        # The learned weighting (learned.py), when the pack has one (the Rust port's does).
        self.model = learned.Model(model) if model else None
        self.gap = cues.get("gap", 20)
        self.families = {}
        self.cues = []  # (family code, cue text, weight, compiled regex, mention only)
        for f in cues["families"]:
            code = f["code"]
            if code in self.families:
                raise PackError(f"cues.json: family {code!r} listed twice")
            self.families[code] = f
            for i, cue in enumerate(f["cues"]):
                where = f"cues.json: families[{code}].cues[{i}]"
                mention = isinstance(cue, dict) and bool(cue.get("mention"))
                self.cues.append((code, *self._compile_cue(cue, f["weight"], where), mention))
        for f in scoring["computed_families"]:
            self.families[f["code"]] = dict(f, weight=0, cues=[])
        self.negation = self._compile_context(context["negation"], "negation")
        self.reported = self._compile_context(context["reported"], "reported")
        self.request = self._compile_context(context.get("request", {}), "request")
        self.quotes = context["quotes"]
        breaks = context["clause_breaks"]
        self.break_chars = set(breaks["chars"])
        self.abbreviations = set(breaks["abbreviations"])
        self.break_before = breaks.get("before", [])
        self.break_after = breaks.get("after", [])
        self.quote_pairs = [(p[0], p[1]) for p in self.quotes["ja"]["pairs"]]
        self.scoring = scoring
        self.thresholds = scoring["thresholds"]
        for combo in scoring["combos"]:
            for key in ("all", "any", "any2"):
                for code in combo.get(key, []):
                    if code not in self.families:
                        raise PackError(f"scoring.json: combo {combo['id']}: unknown family {code!r}")
        self.links = links
        self.official = official or {"organisations": []}
        self.reply_trick = [self.norm.fold_cue(c) for c in links["reply_to_activate"]]

    @classmethod
    def load(cls, pack_dir: Path | str = HERE / "pack", with_model: bool = True) -> "Detector":
        pack_dir = Path(pack_dir)

        def read(name):
            path = pack_dir / name
            try:
                return json.loads(path.read_text(encoding="utf-8"))
            except (OSError, json.JSONDecodeError) as e:
                raise PackError(f"{path}: {e}") from e

        official_path = REPO / "core" / "rules" / "organisations.json"
        official = json.loads(official_path.read_text(encoding="utf-8")) if official_path.exists() else None
        model = read("model.json") if with_model and (pack_dir / "model.json").exists() else None
        return cls(read("normalise.json"), read("cues.json"), read("context.json"),
                   read("scoring.json"), read("links.json"), official, model)

    # -- compiling the pack -------------------------------------------------------------------

    def _phrase_regex(self, text: str, where: str) -> str:
        parts = [self.norm.fold_cue(p) for p in text.split("…")]
        if any(not p for p in parts):
            raise PackError(f"{where}: {text!r} is empty after normalisation")
        pattern = f".{{0,{self.gap}}}?".join(re.escape(p) for p in parts)
        if _latin(parts[0][0]):
            pattern = r"(?<![a-z0-9])" + pattern
        else:
            # A kana cue that is the tail of another word's reading must not match inside
            # that word: しょうきん (賞金) is not in ほしょうきん (保証金), らしい not in あたらしい.
            first = text.split("…")[0]
            pattern = "".join(f"(?<!{re.escape(g)})" for g in self._guards(first, parts[0])) + pattern
        if _latin(parts[-1][-1]):
            pattern += r"(?![a-z0-9])"
        elif "\u3041" <= parts[-1][-1] <= "\u309f":
            # A kana cue does not end inside a mora: とうし (投資) is not in たんとうしゃ.
            pattern += "(?![ぁぃぅぇぉゃゅょゎ])"
        return pattern

    def _guards(self, source: str, head: str) -> list[str]:
        """The prefixes that make `head` (the folded start of a cue written as `source`) the
        tail of another word's reading: しょうきん (賞金) inside ほしょうきん (保証金), らしい inside
        あたらしい (新しい). A word that contains the cue as written (全国銀行協会 for 銀行協会) is
        the same word and no guard."""
        if not ("\u3041" <= head[0] <= "\u309f"):
            return []
        written = self.norm.fold_plain(source)
        guards = set()
        for word, reading in self.norm.lexicon.table.items():
            if written in word:
                continue
            at = reading.find(head, 1)
            while at > 0:
                guards.add(reading[:at])
                at = reading.find(head, at + 1)
        return sorted(guards)

    def _compile_cue(self, cue, default_weight: int, where: str):
        if isinstance(cue, str):
            cue = {"text": cue}
        weight = cue.get("weight", default_weight)
        if "pattern" in cue:  # the Rust port's pack names a regex cue's field so
            cue = dict(cue, re=cue["pattern"])
        if "re" in cue:
            # The Rust port's pack writes look-arounds as separate fields (its regex engine
            # has none): what the text right after the match must or must not start with.
            pattern = cue["re"]
            if "followed_by" in cue:
                pattern = f"(?:{pattern})(?={cue['followed_by']})"
            if "not_followed_by" in cue:
                pattern = f"(?:{pattern})(?!{cue['not_followed_by']})"
            try:
                # ASCII word boundaries, as the Rust port compiles them (its fast engine stops
                # at the first non-ASCII byte under a Unicode \b).
                return cue["re"], weight, re.compile(pattern, re.ASCII)
            except re.error as e:
                raise PackError(f"{where}: bad regex {cue['re']!r}: {e}") from e
        return cue["text"], weight, re.compile(self._phrase_regex(cue["text"], where))

    def _compile_context(self, section: dict, name: str):
        out = []
        for lang, cues in section.items():
            for i, cue in enumerate(cues):
                where = f"context.json: {name}.{lang}[{i}]"
                label, _, regex = self._compile_cue(cue, 0, where)
                out.append((label, regex))
        return out

    # -- evidence outside the words -----------------------------------------------------------

    def _registrable(self, host: str) -> str:
        labels = host.split(".")
        for suffix in self.links["second_level_suffixes"]:
            if host.endswith("." + suffix) or host == suffix:
                return ".".join(labels[-3:])
        return ".".join(labels[-2:])

    def _link(self, url: str) -> dict:
        host = re.sub(r"^https?://", "", url).split("/")[0].split(":")[0]
        registrable = self._registrable(host)
        tld = host.rsplit(".", 1)[-1]
        official = {d for ds in self.links["brands"].values() for d in ds}
        found = {"url": url, "host": host, "signs": []}
        if _IPV4.match(host):
            found["signs"].append("ip_address")
        if registrable in self.links["shorteners"] or host in self.links["shorteners"]:
            found["signs"].append("shortener")
        if tld in self.links["throwaway_tlds"]:
            found["signs"].append("throwaway_tld")
        if registrable not in official:
            tokens = set(re.split(r"[.\-]", host))
            brands = [b for b in self.links["brands"] if b in tokens]
            if brands or re.search(r"\.(?:com|co)-|-(?:com|co)\.|co-jp", host):
                found["signs"].append("lookalike")
                found["brands"] = brands
        else:
            found["official"] = True
        return found

    def _is_url(self, m: re.Match) -> bool:
        url = m.group(0)
        if url.startswith(("http://", "https://", "www.")) or "/" in url:
            return True
        tld = url.rsplit(".", 1)[-1]
        return tld in _COMMON_TLDS or tld in self.links["throwaway_tlds"]

    @staticmethod
    def _phone_kind(digits: str) -> str:
        if digits.startswith("81") and len(digits) in (11, 12):
            digits = "0" + digits[2:]
        if digits.startswith("050"):
            return "jp_ip"
        if digits[:3] in ("070", "080", "090"):
            return "jp_mobile"
        if digits.startswith(("0120", "0800")):
            return "jp_toll_free"
        if digits.startswith("0570"):
            return "jp_navi"
        if digits.startswith("0"):
            return "jp_fixed_or_other"
        return "other"

    def _mask(self, text: str):
        """Links and phone numbers found and replaced by one placeholder character each.
        Returns the masked text, a map from masked index to source span, links, phones."""
        links, phones, pieces = [], [], []  # pieces: (start, end, placeholder)
        for m in _URL_RE.finditer(text):
            if self._is_url(m):
                links.append(self._link(m.group(0).rstrip(".,)")))
                pieces.append((m.start(), m.end(), PLACEHOLDER_URL))
        taken = [(s, e) for s, e, _ in pieces]
        for m in _PHONE_RE.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            digits = re.sub(r"\D", "", m.group(0))
            if 9 <= len(digits) <= 13:
                phones.append({"text": m.group(0), "digits": digits, "kind": self._phone_kind(digits),
                               "span": (m.start(), m.end())})
                pieces.append((m.start(), m.end(), PLACEHOLDER_PHONE))
        pieces.sort()
        out, spans, last = [], [], 0
        for s, e, ph in pieces:
            for i in range(last, s):
                out.append(text[i])
                spans.append((i, i + 1))
            out.append(ph)
            spans.append((s, e))
            last = e
        for i in range(last, len(text)):
            out.append(text[i])
            spans.append((i, i + 1))
        return "".join(out), spans, links, phones

    # -- clauses and context ------------------------------------------------------------------

    def _clauses(self, text: str) -> list[tuple[int, int]]:
        bounds, start, n = [], 0, len(text)
        quote_end = -1  # index of the closing bracket of the quotation being read
        for i, c in enumerate(text):
            if i > quote_end:
                close = next((cl for op, cl in self.quote_pairs if op == c), None)
                if close is not None:
                    quote_end = text.find(close, i + 1)
            if i < quote_end:
                # A quotation is one clause with its reporting verb, however many sentences
                # it quotes.
                continue
            if i > start and any(text.startswith(w, i) for w in self.break_before):
                bounds.append((start, i))
                start = i
            cut = c in self.break_chars or any(
                text.endswith(w, start, i + 1) for w in self.break_after)
            if c == "." and (i + 1 == n or text[i + 1].isspace()):
                word = re.search(r"([a-z.]+)$", text[start:i].lower())
                cut = not (word and word.group(1) in self.abbreviations)
            if cut:
                if i + 1 > start:
                    bounds.append((start, i + 1))
                start = i + 1
        if start < n:
            bounds.append((start, n))
        return [(s, e) for s, e in bounds if text[s:e].strip()]

    def _quoted(self, clause: str) -> list[tuple[int, int, str]]:
        """Spans (in clause coordinates) of reported quotations."""
        out = []
        ja = self.quotes["ja"]
        for pair in ja["pairs"]:
            o, c = pair[0], pair[1]
            for m in re.finditer(re.escape(o) + r"([^" + re.escape(c) + r"]*)" + re.escape(c), clause):
                after = clause[m.end():m.end() + 4]
                if any(after.startswith(f) for f in ja["followed_by"]):
                    out.append((m.start(), m.end(), "quotation reported with " + after[:2]))
        en = self.quotes["en"]
        for pair in en["pairs"]:
            o, c = pair[0], pair[1]
            pattern = (r"(?<![A-Za-z])" + re.escape(o) + r"([^" + re.escape(c) + r"\n]{3,}?)"
                       + re.escape(c) + r"(?![A-Za-z])")
            for m in re.finditer(pattern, clause):
                if len(m.group(1).split()) >= en["min_words"]:
                    out.append((m.start(), m.end(), "quotation"))
        return out

    # -- scanning -----------------------------------------------------------------------------

    def scan(self, text: str, kind: str | None = None) -> dict:
        """Scans one transcript, voicemail or SMS. `kind` is accepted for symmetry with the
        corpus and not used: the detector sees only the words."""
        source = unicodedata.normalize("NFKC", text[:MAX_INPUT_CHARS])
        # Lower case one character for one, so that offsets into `lowered` are offsets into
        # `source` (a character whose lower case is longer, such as İ, is left as it is).
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in source)
        masked, mask_spans, links, phones = self._mask(lowered)

        counted, discounted, clauses = [], [], []
        for cs, ce in self._clauses(masked):
            clause = masked[cs:ce]
            norm = self.norm.normalise(clause)
            negation = next((label for label, rx in self.negation if rx.search(norm.text)), None)
            reported = next((label for label, rx in self.reported if rx.search(norm.text)), None)
            clauses.append({"text": norm.text,
                            "context": "negation" if negation else "reported" if reported else ""})
            quotes = self._quoted(clause)
            asks = next((label for label, rx in self.request if rx.search(norm.text)), None)
            for code, label, weight, rx, mention in self.cues:
                for m in rx.finditer(norm.text):
                    qs, qe = norm.source_span(m.start(), m.end())
                    span = (mask_spans[cs + qs][0], mask_spans[cs + qe - 1][1])
                    match = {"family": code, "cue": label, "weight": weight,
                             "text": source[span[0]:span[1]], "span": span}
                    why = None
                    if negation:
                        why = f"negation ({negation})"
                    elif reported:
                        why = f"reported speech ({reported})"
                    else:
                        q = next((r for s, e, r in quotes if s <= qs and qe <= e), None)
                        if q:
                            why = q
                        elif mention and not asks:
                            why = "named, not asked for"
                    if why and not self.families[code].get("context_exempt"):
                        discounted.append(dict(match, why=why))
                    else:
                        counted.append(match)

        # Families: the heaviest cue of each.
        families: dict[str, dict] = {}
        for m in counted:
            best = families.get(m["family"])
            if best is None or m["weight"] > best["weight"]:
                families[m["family"]] = m

        # Links.
        lw = self.links["weights"]
        if links:
            families["link"] = {"family": "link", "cue": "link", "weight": lw["link"],
                                "text": links[0]["url"], "span": None}
        signs = sorted({s for link in links for s in link["signs"]})
        reply = any(c in self.norm.normalise(lowered).text for c in self.reply_trick)
        if reply:
            signs.append("reply_to_activate")
        if signs and links:
            weight = min(lw["max"], max(lw[s] for s in signs) + 5 * (len(signs) - 1))
            families["link_suspect"] = {"family": "link_suspect", "cue": "+".join(signs),
                                        "weight": weight, "text": links[0]["url"], "span": None}

        # Call-back numbers given in the name of an organisation.
        claimed = [m for m in counted if m["family"] in ("authority", "organisation")]
        if phones and claimed:
            odd = [p for p in phones if p["kind"] in ("jp_ip", "jp_mobile")]
            named = self._official_orgs(" ".join(m["text"] for m in claimed))
            for org in named:
                published = {re.sub(r"\D", "", n) for n in org.get("numbers", [])}
                published |= {"0" + n[2:] for n in published if n.startswith("81")}
                odd += [p for p in phones if p["digits"] not in published and p not in odd]
            if odd:
                families["callback_suspect"] = {
                    "family": "callback_suspect", "cue": odd[0]["kind"],
                    "weight": self.scoring["callback_suspect_weight"], "text": odd[0]["text"],
                    "span": odd[0]["span"]}

        present = set(families)
        groups = {self.families[c]["group"] for c in present}
        combos = []
        for g in self.scoring["group_combos"]:
            if set(g["groups"]) <= groups:
                combos.append((g["id"], g["bonus"]))
        for c in self.scoring["combos"]:
            if (set(c.get("all", [])) <= present
                    and (not c.get("any") or present & set(c["any"]))
                    and (not c.get("any2") or present & set(c["any2"]))):
                combos.append((c["id"], c["bonus"]))
        raw = sum(m["weight"] for m in families.values()) + sum(b for _, b in combos)
        score = min(100, raw)
        t = self.thresholds
        # A scam asks for something: without any family of the demand group the score stays
        # below medium, unless a combination with a floor holds (a relative's opening call).
        if not any(self.families[c]["group"] == "demand" for c in present):
            cap = self.scoring["no_demand_cap"]
            score = min(score, cap["max"] if isinstance(cap, dict) else cap)
        for c in self.scoring["combos"]:
            if c.get("floor") and (c["id"], c["bonus"]) in combos:
                score = max(score, t[c["floor"]])
        rule_score = score
        weighing = None
        if self.model is not None:
            x = learned.features(present, [i for i, _ in combos], score,
                                 [m["family"] for m in discounted], clauses, self.model.ngrams)
            p = self.model.probability(x)
            weighing = {"probability": p, "strongest": self.model.strongest(x)}
            # The weighting decides between "ask questions" and "let it pass": it can bring a
            # text with a family present and enough found by the rules up to medium, or any
            # text down to low, never past them.
            heaviest = max((m["weight"] for m in families.values()), default=0)
            score = self.model.settle(score, heaviest, present, p, t["medium"])
        level = ("high" if score >= t["high"] else "medium" if score >= t["medium"]
                 else "low" if score >= t["low"] else "none")

        claims = list(dict.fromkeys(m["text"] for m in sorted(
            claimed, key=lambda m: (m["family"] != "authority", m["span"][0]))))
        check = self.scoring["check"]
        if level in ("medium", "high"):
            verdict_score = score
        elif level == "low" and len(present) >= check["low_families_min"]:
            verdict_score = min(score, check["low_score_cap"])
        else:
            verdict_score = 0
        result = {
            "level": level, "score": score,
            "families": {c: {"weight": m["weight"], "cue": m["cue"], "text": m["text"]}
                         for c, m in sorted(families.items())},
            "combos": [{"id": i, "bonus": b} for i, b in combos],
            "discounted": [{"family": m["family"], "text": m["text"], "why": m["why"]}
                           for m in discounted],
            "links": links, "phones": [{k: v for k, v in p.items() if k != "span"} for p in phones],
            "claims": claims, "verdict_score": verdict_score, "clauses": clauses,
            "rule_score": rule_score, "learned": weighing,
        }
        result["explain"] = self.explain(result)
        return result

    def _official_orgs(self, text: str) -> list[dict]:
        low = text.lower()
        return [o for o in self.official["organisations"]
                if any(a.lower() in low for a in o.get("aliases", []))]

    @staticmethod
    def explain(r: dict) -> str:
        parts = [f"{c} +{f['weight']} ({f['text']!s})" for c, f in r["families"].items()]
        parts += [f"combo {c['id']} +{c['bonus']}" for c in r["combos"]]
        out = "; ".join(parts) + f" = {r['score']} {r['level']}"
        if r["discounted"]:
            out += " | not counted: " + "; ".join(
                f"{d['family']} ({d['text']}) by {d['why']}" for d in r["discounted"][:6])
        return out
