"""Food search: a small inverted index that ranks foods the way people type them.

:class:`magcalc.foods.FoodTable` owns one :class:`SearchIndex` and exposes it through
``search``. Its words come from :mod:`magcalc.foods._words`, its tables from
:mod:`magcalc.foods._build` and its weights and USDA markers from
:mod:`magcalc.foods._rules`. The ranking is explained in
:func:`magcalc.foods.search_foods`; its weights are tuned on the evaluation set
in ``tests/data/search_eval.csv`` and measured by ``benchmarks/bench_search.py``.

How a query is scored
---------------------
1. Text is lower-cased, split into words, stop words dropped and plurals made
   singular; the same is done to every USDA description.
2. Query words not in the vocabulary are corrected: two words that form one
   USDA word are joined ("soy milk" -> "soymilk"), typos are mapped to the
   closest word (rapidfuzz ratio), and a prefix is completed.
3. Coverage: the share of the query's idf weight that a description contains
   (synonyms and compound words such as "kiwi" -> "kiwifruit" count too).
4. Adjustments, all read from the structure of USDA descriptions:

   * Extra words cost in proportion to their rarity ("sheep" or "sockeye" make a
     variant, "vitamin" hardly does); a hyphenated word ("air-popped") counts once.
     Words that only restate a default cost nothing: neutral words ("whole",
     "drained"), the category prefix, an "A or B" segment ("large or small curd"),
     a negated one ("no cheese"), ingredients ("made from soy and wheat", "from
     roasted kernels") and what a food is "prepared with" unless it is another food.
   * Words marking a processed variant ("canned", "flavor", "unenriched") cost
     more; per group, the usual selling state is not a variant (dried spices and
     nuts, canned soup).
   * Another food costs more: a later segment or "prepared with" that names a food
     whose own entries live in another food group ("Bacon, turkey", "Bagels, egg",
     "oil-roasted", "with milk"), a food after the name's first word ("cashew
     butter") and the dish of a "Soup, ..."/"Sauce, ..." entry.
   * The food's name earns a bonus: the first segment, or the one after a category
     or species prefix ("Nuts, almonds", "Pork, cured, bacon").
   * A popularity prior: more USDA household measures, the Food Distribution
     Program staple, and USDA's own generic markers ("all types", "all grades",
     "unspecified", "regular", "plain", "original", "most common type").
   * Default preparation when none is typed: raw (or no preparation, or dried
     nuts) for fruits, vegetables and nuts; cooked for legumes, grains and meats,
     but only for foods USDA also lists cooked (raw tofu is eaten as is); luncheon
     meats count as half cooked (sold ready to eat). Everyday names can imply a
     preparation (oatmeal, corn on the cob).
   * Salt: "without salt" for home-cooked foods, salted for manufactured ones
     (butter, chips, canned fish), unless salt is typed.
   * Query words that stand next to each other earn a bonus; baby, fast-food,
     restaurant and branded items are penalised unless the query asks for them.
"""

from __future__ import annotations

import bisect
import itertools
import threading
from collections.abc import Callable, Sequence
from typing import Any

from magcalc.foods._build import IndexTables, build_tables, export_state, load_state
from magcalc.foods._entry_words import before_with
from magcalc.foods._rules import (
    AS_BOUGHT,
    COOKED_GROUPS,
    COOKED_WORDS,
    DISH_KINDS,
    DRIED,
    F_AS_EATEN,
    F_COOKED,
    F_RAW,
    F_READY,
    F_WITH_SALT,
    F_WITHOUT_SALT,
    FRESH_CUTS,
    GROUP_PENALTY,
    NAME_PARTS,
    PART_WORDS,
    RAW_GROUPS,
    SALT_WORDS,
    SIDE_CLAUSE,
    WEIGHTS,
    WWEIA_GROUPS,
)
from magcalc.foods._words import PREP_WORDS, everyday_names, one_slip, ordered_tokens, tokens

__all__ = ["SearchIndex"]


class SearchIndex:
    """
    Inverted index over food descriptions with the ranking described above.

    Parameters
    ----------
    descriptions, food_groups : sequence of str
    magnesium : sequence of float or None
        Foods without a value rank slightly lower (unknown, not zero).
    portion_counts : sequence of int, or a function that returns one
        Number of USDA household measures per food (a popularity prior); a function is
        only called when the index is built rather than loaded.
    """

    def __init__(
        self,
        descriptions: Sequence[str],
        food_groups: Sequence[str],
        magnesium: Sequence[float | None],
        portion_counts: Sequence[int] | Callable[[], Sequence[int]],
        sources: Sequence[str] | None = None,
        synonyms: Sequence[str] | None = None,
    ) -> None:
        self.descriptions = list(descriptions)
        self.sources = list(sources) if sources is not None else ["SR Legacy"] * len(descriptions)
        self.synonyms = list(synonyms) if synonyms is not None else [""] * len(descriptions)
        # FNDDS foods are grouped by WWEIA category; ranking reads SR-style groups.
        self.food_groups = [
            WWEIA_GROUPS.get(g, g) if src == "FNDDS" else g
            for g, src in zip(food_groups, self.sources, strict=True)
        ]
        self.magnesium = list(magnesium)
        self._portion_counts = portion_counts
        self._lock = threading.Lock()
        self._built: IndexTables | None = None
        self._names: frozenset[str] | None = None
        self._main: dict[int, frozenset[str]] = {}
        self._tails: dict[int, str] = {}

    @property
    def _index(self) -> IndexTables:
        if self._built is None:
            with self._lock:
                if self._built is None:
                    self._built = build_tables(
                        self.descriptions,
                        self.food_groups,
                        self.magnesium,
                        self._portion_counts,
                        self.sources,
                        self.synonyms,
                    )
        return self._built

    def export_state(self) -> list[Any]:
        """The built index as compact plain containers (see :func:`._build.export_state`)."""
        return export_state(self._index)

    def load_state(self, state: list[Any]) -> None:
        """Adopt an index exported by :meth:`export_state` from the same code and data."""
        tables = load_state(state)
        with self._lock:
            self._built = tables

    def build(self) -> None:
        """Build the index now rather than on the first query."""
        _ = self._index

    def _salt_mended(self, typed: list[str]) -> list[str]:
        """Typed words with a slip in a salt word mended ("unslated" -> "unsalted")."""
        postings = self._index.postings
        return [t if t in postings or len(t) < 5 else (one_slip(t, SALT_WORDS) or t) for t in typed]

    def correct(self, query_tokens: list[str]) -> list[str]:
        """Map tokens not in the vocabulary to vocabulary words (names, compounds, typos)."""
        return self._correct_counted(query_tokens)[0]

    def _correct_counted(self, query_tokens: list[str]) -> tuple[list[str], int]:
        """:meth:`correct` and how many typed words it had to drop (unreadable)."""
        index = self._index
        dropped = 0
        names = everyday_names()
        known = names.words
        # A slip in an everyday name ("aubregine", "pancteta") is mended first, so that
        # the name is then read as written in data/food_names.csv.
        query_tokens = [
            t
            if len(t) < 5 or t in index.postings or t in known or t.isdigit()
            else (one_slip(t, known) or t)
            for t in query_tokens
        ]
        out: list[str] = []
        i = 0
        while i < len(query_tokens):
            tok = query_tokens[i]
            for n in range(min(names.longest, len(query_tokens) - i), 0, -1):
                phrase = names.phrase.get(tuple(query_tokens[i : i + n]))
                if phrase is not None:
                    out.extend(phrase)
                    i += n
                    break
            else:
                if i + 1 < len(query_tokens):
                    # "soy milk" -> "soymilk", "pop corn" -> "popcorn"
                    joined = tok + query_tokens[i + 1]
                    if joined in index.postings:
                        out.append(joined)
                        i += 2
                        continue
                if tok in index.postings or tok.isdigit() or tok in names.alias:
                    out.append(tok)
                else:
                    fixed = self._fuzzy_token(tok)
                    if fixed is not None:
                        out.append(fixed)
                    else:
                        dropped += 1
                i += 1
        return out, dropped

    def mends(self, query_tokens: list[str]) -> bool:
        """Whether reading these words mends a typed word into another ("fleur" ->
        "flour"), not only drops one or reads an everyday name."""
        postings, known = self._index.postings, everyday_names().words
        unread = [t for t in query_tokens if t not in postings and t not in known]
        return any(not t.isdigit() and self._fuzzy_token(t) is not None for t in unread)

    def _fuzzy_token(self, tok: str) -> str | None:
        index = self._index
        if len(tok) >= 4:
            from rapidfuzz import fuzz, process

            if len(tok) >= 5:
                # One slip first: a letter wrong, missing or extra, or two letters swapped
                # ("ornage" is "orange", not "borage": a swap costs two edits in ratio).
                # Among several, a swap ("peacn": pecan, not peach), then the word most
                # foods have.
                from rapidfuzz.distance import OSA

                near = process.extract(
                    tok, index.vocab, scorer=OSA.distance, score_cutoff=1, limit=None
                )
                if near:
                    letters = sorted(tok)
                    word: str = min(
                        near,
                        key=lambda h: (
                            h[1],
                            sorted(h[0]) != letters,
                            -len(index.postings[h[0]]),
                            h[0],
                        ),
                    )[0]
                    return word
            cutoff = 80 if len(tok) >= 6 else 75
            hit = process.extractOne(tok, index.vocab, scorer=fuzz.ratio, score_cutoff=cutoff)
            if hit is not None:
                best: str = hit[0]
                return best
        if len(tok) >= 3:
            # As-you-type prefix: the most common word that starts with it.
            lo = bisect.bisect_left(index.vocab, tok)
            hi = bisect.bisect_left(index.vocab, tok + "\uffff")
            if lo < hi:
                return max(index.vocab[lo:hi], key=lambda w: len(index.postings[w]))
        return None

    def _expand(self, token: str) -> list[str]:
        """Compound words that start with the token ("kiwi" -> "kiwifruit")."""
        index = self._index
        lo = bisect.bisect_left(index.vocab, token)
        hi = bisect.bisect_left(index.vocab, token + "\uffff")
        return [w for w in index.vocab[lo:hi] if w != token and len(w) - len(token) >= 3][:8]

    def pairs(self, i: int) -> frozenset[tuple[str, str]]:
        """Adjacent word pairs of description ``i``; computed when first needed (they
        are only read for a query's candidates, and storing them all slows loading)."""
        index = self._index
        found = index.pairs[i]
        if found is None:
            found = index.pairs[i] = frozenset(
                itertools.pairwise(ordered_tokens(self.descriptions[i]))
            )
        return found

    def rank(
        self,
        query: str,
        *,
        source: str | None = None,
        optional: Sequence[str] = (),
        as_bought: bool = False,
        name: str | None = None,
    ) -> list[tuple[int, float]]:
        """Rows and scores (0-100), best first.

        ``source`` keeps one database's foods ("SR Legacy" or "FNDDS"); ``optional``
        words (cut and form words such as "mashed") are not required, cost nothing when
        a description has them and earn a small bonus there. ``name`` is the part of the
        query that names the food, where the rest describes it ("egg yolk" of "egg yolk,
        beaten with water"): its head noun is the one a food must have. ``as_bought``
        says the amount is a purchase weight ("2 lb lamb shoulder"): with no preparation
        typed, meats, grains and legumes then prefer the raw food, as bought, over a
        cooked one.
        """
        index = self._index
        raw = self._salt_mended(tokens(query))
        # Salt level is a preference, not a word to find ("unsalted butter").
        salt_pref = 0
        if any(t in ("unsalted", "saltless") for t in raw):
            salt_pref = -1
        elif "salted" in raw:
            salt_pref = 1
        raw = [t for t in raw if t not in ("unsalted", "saltless", "salted")] or raw
        if not salt_pref:
            raw = list(everyday_names().default.get(tuple(raw), raw))
        q = self.correct(raw)
        if not q:
            return []
        extras = {t for w in optional for t in tokens(w)}
        extras = (extras | {a for t in extras for a in everyday_names().alias.get(t, ())}) - set(q)
        implied = {w for t in raw for w in everyday_names().implied.get(t, ())}
        weights = {t: index.idf.get(t, 0.0) for t in q}
        for t in q:
            for alias in everyday_names().alias.get(t, ()):
                weights[t] = max(weights[t], index.idf.get(alias, 0.0))
        total = sum(weights.values()) or 1.0
        qset = set(q)
        acc: dict[int, float] = {}
        for t, w in weights.items():
            hit: set[int] = set(index.postings.get(t, ()))
            for i in hit:
                acc[i] = acc.get(i, 0.0) + w
            alternatives = [(a, 1.0) for a in everyday_names().alias.get(t, ())]
            if len(t) >= 4:
                alternatives += [(v, 0.9) for v in self._expand(t)]
            for alt, factor in alternatives:
                qset.add(alt)
                for i in index.postings.get(alt, ()):
                    if i not in hit:
                        hit.add(i)
                        acc[i] = acc.get(i, 0.0) + factor * w
        if source is not None:
            acc = {i: m for i, m in acc.items() if self.sources[i] == source}
        with_names = [i for i in acc if self.synonyms[i]]
        if with_names:
            aliases_of = everyday_names().alias
            others = {
                t: (set(aliases_of.get(t, ())), set(self._expand(t)) if len(t) >= 4 else set())
                for t in weights
            }
            for i in with_names:
                # Postings hold every word of its FNDDS names; only those _have admits count.
                acc[i] = self._matched_weight(self._have(i, qset), weights, others)
        if not acc:
            return []
        qset |= extras
        best = max(acc.values())
        floor = best - 0.35 * total
        # A one-word query has no modifiers to be misled by: its word is weighed anyway.
        head_noun = self.head_set(self.head_noun(name or query)) if len(q) > 1 else frozenset()
        dishes_typed = qset | {d for d, kinds in DISH_KINDS.items() if kinds & qset}
        qpairs = set(itertools.pairwise(q))
        qpairs |= {(b, a) for a, b in qpairs}
        has_prep = bool((qset | implied) & PREP_WORDS)
        cooking_typed = bool((qset | implied) & COOKED_WORDS)
        fresh_cut = bool(extras & FRESH_CUTS) and not qset & DRIED
        mentions_salt = "salt" in qset or salt_pref != 0
        lifted = {g for g, (_, words) in GROUP_PENALTY.items() if qset & words}
        if "Baby Foods" in lifted and qset & {"baby"} and not qset & {"food", "babyfood"}:
            lifted.discard("Baby Foods")  # baby spinach, baby carrots are not baby foods
        scored: list[tuple[float, int, int]] = []
        for i, m in acc.items():
            if m < floor:
                continue
            # Each word the description adds costs more the rarer it is: "sheep" or
            # "sockeye" make a variant, "vitamin" or "cooked" hardly do.
            extra = 0.0
            for unit in index.units[i]:
                if len(unit) == 1:
                    if not unit & qset:
                        extra += index.idf[next(iter(unit))]
                else:
                    extra += max((index.idf[t] for t in unit - qset), default=0.0)
            score = (
                100.0 * m / total
                - min(WEIGHTS["extra"] * extra, 20.0)
                + WEIGHTS["prior"] * index.prior[i]
            )
            if index.variant[i]:
                score -= WEIGHTS["variant"] * len(index.variant[i] - qset)
            if "fat" not in qset and "separable fat" in self.descriptions[i]:
                # Trimmed fat alone ("Chicken, broilers or fryers, separable fat"), not the
                # meat of "a whole chicken".
                score -= WEIGHTS["fat_only"]
            if index.foods[i]:
                score -= WEIGHTS["food"] * len(index.foods[i] - qset)
                if index.foods[i] & DISH_KINDS.keys() - dishes_typed:
                    # "canned black beans" are beans, not black bean soup.
                    score -= WEIGHTS["dish"]
            head = index.head[i]
            if head & qset:
                score += WEIGHTS["head"]
                if head <= qset:
                    score += WEIGHTS["head_all"]
            if not self.has_head(i, head_noun):
                score -= WEIGHTS["head_noun"]
            if index.tokens[i] & NAME_PARTS and self._name_tail(i) in NAME_PARTS - qset:
                # "Pumpkin flowers", "Beet greens": a part of the food typed (leaves are
                # not one: "Coriander (cilantro) leaves" is fresh coriander).
                score -= WEIGHTS["head_noun"]
            if qpairs and self.pairs(i) & qpairs:
                score += WEIGHTS["pair"]
            if extras and index.tokens[i] & extras:
                formed = index.tokens[i] & extras
                if "fresh" in formed and index.flags[i] & (F_COOKED | F_AS_EATEN):
                    # "fresh" asks for the food as bought, not a dish cooked from fresh
                    # ("Snowpeas, fresh, cooked" for "1 pound fresh sugar snap peas").
                    formed = formed - {"fresh"}
                score += WEIGHTS["form"] * len(formed)
            if fresh_cut and self.food_groups[i] == "Spices and Herbs" and index.tokens[i] & DRIED:
                # Chopped or minced herbs are fresh leaves; a dried herb is crumbled.
                score -= WEIGHTS["prep"]
            penalty = index.penalty[i]
            if penalty:
                group = self.food_groups[i]
                if group in lifted:
                    penalty -= GROUP_PENALTY[group][0]
                if index.brand[i] and index.brand[i] & qset:
                    penalty -= 12.0
                score -= penalty
            f = index.flags[i]
            if salt_pref and f & (F_WITHOUT_SALT | F_WITH_SALT):
                wanted = F_WITHOUT_SALT if salt_pref < 0 else F_WITH_SALT
                score += 2 * WEIGHTS["salt"] * (1.0 if f & wanted else -1.0)
            if not mentions_salt and f & (F_WITHOUT_SALT | F_WITH_SALT):
                # SR's "without salt" is home cooking without added salt, the default for
                # cooked foods; manufactured foods (butter, chips, canned fish) are
                # normally sold salted.
                home = 1.0 if f & F_COOKED else -1.0
                score += WEIGHTS["salt"] * (home if f & F_WITHOUT_SALT else -home)
            if implied and index.tokens[i] & implied:
                score += WEIGHTS["prep"]
            if not has_prep:
                group = self.food_groups[i]
                if group in RAW_GROUPS:
                    if f & F_RAW:
                        score += WEIGHTS["prep"]
                    elif f & (F_COOKED | F_AS_EATEN):
                        score -= WEIGHTS["prep"]
                elif group in COOKED_GROUPS and as_bought:
                    if f & F_AS_EATEN:
                        score -= WEIGHTS["as_eaten"]  # a dish as eaten, not the ingredient
                    elif f & F_COOKED:
                        score -= WEIGHTS["prep"]
                    elif f & F_RAW or index.tokens[i] & AS_BOUGHT:
                        score += WEIGHTS["prep"]
                elif group in COOKED_GROUPS:
                    if f & F_COOKED:
                        score += WEIGHTS["prep"]
                    elif f & F_READY:
                        score += 0.5 * WEIGHTS["prep"]
                    elif f & F_RAW:
                        score -= WEIGHTS["prep"]
            elif (
                as_bought
                and not cooking_typed
                and f & (F_COOKED | F_AS_EATEN)
                and (self.food_groups[i] in COOKED_GROUPS or self.food_groups[i] in RAW_GROUPS)
            ):
                # "frozen peas", "dried beans": the state as bought, not a cooked dish.
                score -= WEIGHTS["prep"]
            if source is None and self.sources[i] == "FNDDS":
                # Where both databases have the food, SR Legacy's analysed single food
                # comes first; FNDDS wins where it names the food better (dishes, foods
                # as eaten) or, in the entry reader, where only its portions fit.
                score -= WEIGHTS["fndds"]
            scored.append((score, len(self.descriptions[i]), i))
        scored.sort(key=lambda s: (-s[0], s[1], s[2]))
        top = (
            100.0
            + WEIGHTS["head"]
            + WEIGHTS["head_all"]
            + WEIGHTS["pair"]
            + WEIGHTS["prep"]
            + WEIGHTS["salt"]
            + 10.0
        )
        return [(i, max(0.0, min(100.0, 100.0 * s / top))) for s, _, i in scored]

    def _name_vocabulary(self) -> frozenset[str]:
        """Every word that is part of some food's name (its first part or the part after
        a category): the nouns a query can end on."""
        found = self._names
        if found is None:
            head = self._index.head
            # A loaded index keeps its word sets as strings: read the words from those.
            words = getattr(head, "words", None)
            found = self._names = words() if words else frozenset().union(*head)
        return found

    def head_noun(self, query: str) -> str | None:
        """The word that names the food in what was typed, or None.

        English puts the head of a noun phrase last ("new potatoes", "sweet crisp apples",
        "blanched peas"): the last typed word that names some food, after preparation
        words ("hazelnuts toasted" -> hazelnut). Where that word is a part ("lobster
        tails", "squid rings", "chicken breast") the food is the word before it. Words
        are read as typed, before everyday names are rewritten ("chocolate milk" is milk),
        and an everyday name counts ("chillies"). In "A with B" the head is A's
        ("tomatoes with green chiles" are tomatoes).
        """
        names = self._name_vocabulary()
        aliases = everyday_names().alias
        main = before_with(query)
        typed = self._salt_mended(tokens(main))

        def content(words: list[str]) -> list[str]:
            return [
                t
                for t in words
                if (t in names or t in aliases) and t not in PREP_WORDS and not t.isdigit()
            ]

        if main != query and not content(typed):
            typed = self._salt_mended(tokens(query))

        found = content(typed) or content(self.correct(typed))  # a typo: its correction
        if not found:
            return None
        if found[-1] in PART_WORDS and len(found) > 1:
            return found[-2]
        return found[-1]

    def head_set(self, word: str | None) -> frozenset[str]:
        """A head noun with its everyday aliases and compounds ("kiwi" -> "kiwifruit")."""
        if word is None:
            return frozenset()
        found = {word, *everyday_names().alias.get(word, ())}
        if len(word) >= 4:
            found |= set(self._expand(word))
        return frozenset(found)

    def has_head(self, i: int, head: frozenset[str]) -> bool:
        """Whether food ``i``'s description or one of its FNDDS names has the head noun
        (a set from :meth:`head_set`; an empty one asks for nothing)."""
        if not head:
            return True
        index = self._index
        if index.tokens[i] & head and self._main_words(i) & head:
            return True
        return any(name & head for name in index.synonyms[i])

    def _name_tail(self, i: int) -> str:
        """The last word of description ``i``'s first part ("flower" of "Pumpkin flowers")."""
        found = self._tails.get(i)
        if found is None:
            named = ordered_tokens(self.descriptions[i].split(",")[0])
            found = self._tails[i] = named[-1] if len(named) > 1 else ""
        return found

    def _main_words(self, i: int) -> frozenset[str]:
        """Words of description ``i`` less what it is "with" or "excluding": "Rice with
        squid" is not squid, and a salad "excluding tomato" is no tomato."""
        found = self._main.get(i)
        if found is None:
            found = self._index.tokens[i]
            description = self.descriptions[i].lower()
            if SIDE_CLAUSE.search(description):
                found = found & frozenset(tokens(SIDE_CLAUSE.sub(" ", description)))
            self._main[i] = found
        return found

    def head_words(self, i: int) -> frozenset[str]:
        """The words of food ``i``'s name (its first part, or the one after a category)."""
        result: frozenset[str] = self._index.head[i]
        return result

    def _have(self, i: int, typed: set[str]) -> frozenset[str]:
        """Words of food ``i`` that count for what was typed: its description's, and
        the typed words of each FNDDS name typed whole, or half of it with its rarest
        word."""
        index = self._index
        have: frozenset[str] = index.tokens[i]
        if self.synonyms[i]:
            idf = index.idf
            for name in index.synonyms[i]:
                got = name & typed
                if not got or got <= have:
                    continue
                # The whole name, or at least half of it including its rarest word
                # ("marzipan" for "marzipan paste").
                rarest = max(name, key=lambda t: idf.get(t, 0.0))
                if got == name or (2 * len(got) >= len(name) and rarest in got):
                    have = have | got
        return have

    @staticmethod
    def _matched_weight(
        have: frozenset[str],
        weights: dict[str, float],
        others: dict[str, tuple[set[str], set[str]]],
    ) -> float:
        """Weight of the typed words among the words a food has (see :meth:`_have`);
        ``others`` holds each typed word's aliases and compounds, found once per query."""
        total = 0.0
        for t, w in weights.items():
            aliases, compounds = others[t]
            if t in have or aliases & have:
                total += w
            elif compounds & have:
                total += 0.9 * w
        return total

    def knows(self, word: str) -> bool:
        """Whether every word of ``word`` is in the vocabulary (or an everyday name)."""
        found = tokens(word)
        postings, alias = self._index.postings, everyday_names().alias
        return bool(found) and all(t in postings or t in alias for t in found)

    def synonym_sets(self, i: int) -> tuple[frozenset[str], ...]:
        """The words of each of food ``i``'s FNDDS everyday names."""
        result: tuple[frozenset[str], ...] = self._index.synonyms[i]
        return result

    def words(self, i: int) -> frozenset[str]:
        """The normalised words of food ``i`` (description and additional description)."""
        result: frozenset[str] = self._index.tokens[i]
        return result

    def coverage(self, query: str, i: int) -> float:
        """Share (0-1, by idf weight) of the typed words that food ``i`` has.

        A typed word counts as present when the description (or FNDDS's additional
        description) has it, one of its everyday-name aliases ("oatmeal" -> "oat") or a
        compound that starts with it ("kiwi" -> "kiwifruit"), as ranking does. Typed
        words that are not in the vocabulary at all, and could not be corrected, count
        as absent.
        """
        index = self._index
        typed = self._salt_mended(tokens(query))
        raw = [t for t in typed if t not in ("unsalted", "saltless", "salted")]
        if raw == typed:
            raw = list(everyday_names().default.get(tuple(raw), raw))
        corrected, dropped = self._correct_counted(raw)
        q = set(corrected)
        if not q:
            return 0.0
        have = self._have(i, q)
        alias = everyday_names().alias
        total = covered = 0.0
        for t in q:
            w = max([index.idf.get(t, 0.0)] + [index.idf.get(a, 0.0) for a in alias.get(t, ())])
            total += w
            alternatives = set(alias.get(t, ())) | set(self._expand(t) if len(t) >= 4 else ())
            if t in have or alternatives & have:
                covered += w
        share = covered / (total or 1.0)
        # Words dropped as unreadable lower the coverage in proportion to their number.
        return share * (1.0 - dropped / max(1, len(raw)))

    def confident(self, query: str, i: int) -> bool:
        """Whether food ``i`` covers most of what was typed (so a wrong food is not used)."""
        return self.coverage(query, i) >= 0.6
