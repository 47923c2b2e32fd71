"""Matching an entry to a food: which food it names, how sure the match is, and notes.

:class:`Matcher` reads an :class:`~magcalc.foods.entries.Entry` against a
:class:`~magcalc.foods.table.FoodTable`: its food words are ranked by the table's search
index, a food whose portions fit the amount wins among close matches, a weak match
falls back to parts of the entry (the name before a comma, the first words, the noun
last) before it is refused, and where the USDA sources disagree strongly on magnesium
the note says so (or SR Legacy's analysed food replaces an FNDDS one).
"""

from __future__ import annotations

import itertools
import re
import warnings
from typing import TYPE_CHECKING

from magcalc._util import shown
from magcalc.errors import MagcalcError, MatchWarning, UnknownFoodError
from magcalc.foods._words import NEUTRAL_WORDS, PREP_WORDS, VARIANT_WORDS, brand_words, tokens
from magcalc.foods.models import (
    FNDDS,
    MAX_QUERY_CHARS,
    SR_LEGACY,
    EntryContext,
    Food,
    FoodMatch,
    Match,
    MatchQuality,
    check_context,
    check_source,
)
from magcalc.foods.portions import resolve_portion

if TYPE_CHECKING:
    from magcalc.foods.entries import Entry
    from magcalc.foods.table import FoodTable
    from magcalc.units import Amount

__all__ = ["Matcher"]

# Words that say an entry is of the food as bought ("dry rice", "uncooked pasta"), and
# those of them that only say its state.
_TYPED_AS_BOUGHT = frozenset({"dry", "uncooked", "raw", "unprepared"})
_STATE_ONLY = frozenset({"uncooked", "unprepared"})
# Preparations a recipe does to an ingredient after a comma, not states it is sold in.
_INSTRUCTIONS = PREP_WORDS - frozenset(
    "canned frozen dried dry dehydrated smoked raw cooked prepared uncooked unprepared".split()
)
# Nouns too general to name a food by themselves ("zzqx nonsense food").
_CANS = frozenset({"can", "tin"})
_GENERIC_NOUNS = frozenset(
    "food foods meat meats dish dishes drink drinks beverage beverages product products mix "
    "item items thing things stuff".split()
)
# Foods within this many score points of the best are close enough for the portion
# that the entry names to decide between them.
_PORTION_MARGIN = 6.0
# Coverage of the entry's food words (by idf weight) for a good match, and below which
# nothing plausible matches.
_GOOD_COVERAGE = 0.75
_MIN_COVERAGE = 0.55
# A food whose portions fit the amount may cover this little of the words (it is then a
# weak match, with a warning) rather than the entry failing for want of a portion.
_PORTION_COVERAGE = 0.4
# Two sources "disagree strongly" on a food when one has 1.5 times the other's
# magnesium and at least 10 mg/100 g more (magcalc's rule, not a USDA one).
_DISAGREE_RATIO = 1.5
_DISAGREE_MG = 10.0
# USDA's "not further specified": a food that stands for a mix of kinds.
_NFS = re.compile(r"\bNFS\b")


class Matcher:
    """
    Matches entries to the foods of one table (see :meth:`match`).

    Parameters
    ----------
    table : FoodTable
        The table whose foods, search index and suggestions are used.
    """

    def __init__(self, table: FoodTable) -> None:
        self.table = table
        self.index = table.index
        self._names_cache: frozenset[str] | None = None

    def match(
        self,
        entry: Entry,
        *,
        source: str | None = None,
        amount: Amount | None = None,
        warn: bool = True,
        notes: bool = True,
        context: EntryContext = "eaten",
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """
        The food an entry names, how sure the match is, and notes.

        Among foods that match about equally well, the one whose portions can serve
        ``amount`` wins ("1 packet" picks a food with a packet portion). A weak match
        warns with :class:`~magcalc.MatchWarning`; nothing plausible raises
        :class:`~magcalc.UnknownFoodError` with suggestions. ``notes=False`` skips the
        comparison with the other source (the costliest part) where notes are not shown.
        """
        table = self.table
        source = check_source(source)
        check_context(context)
        text = entry.text.strip()
        query = entry.food
        exact = table.row_of(text) if text and not entry.has_amount else None
        if exact is not None and (source is None or table.sources[exact] == source):
            food = table.food_at(exact)
            return food, Match(quality="exact", score=100.0, coverage=1.0, query=text), ()
        if not query:
            raise UnknownFoodError(
                entry.text, ["an entry that names a food, e.g. '1 cup milk' or '2 eggs'"]
            )
        if entry.readings:
            return self._match_readings(
                entry, source=source, amount=amount, warn=warn, notes=notes, context=context
            )
        if len(query) > MAX_QUERY_CHARS:
            raise UnknownFoodError(
                shown(entry.text),
                [f"a food name of at most {MAX_QUERY_CHARS} characters (not {len(query):,})"],
            )
        # A recipe measures ingredients as bought: with no preparation typed, the raw
        # meat, the dry grain ("1 cup rice", "2 lb lamb shoulder", "4 salmon fillets"). What
        # a person ate was eaten prepared ("1 cup brown rice" in a diary is cooked), except
        # where it is weighed as bought, by the pound or kilogram.
        typed = set(tokens(" ".join((query, *entry.form_words, *entry.ignored_words))))
        as_bought = (
            # "dry rice", "uncooked pasta": the state as bought, typed, with or without an
            # amount (a batch diary resolves each food name once, before its amounts).
            bool(typed & _TYPED_AS_BOUGHT)
            or (
                amount is not None and context == "recipe"
                # Pounds and kilograms are how a recipe's ingredients are bought; a diary
                # weighs what was eaten, so there the unit decides nothing.
            )
        )
        after = [w for w in entry.food_words if w not in entry.head_words]
        if (
            as_bought
            and entry.head_words
            and after
            and set(tokens(" ".join(after))) <= _INSTRUCTIONS
        ):
            # "1 cup pecans, toasted" in a recipe: bought raw, toasted as a step.
            query = " ".join(entry.head_words)
        if as_bought:
            # "Uncooked" says the state, which as_bought ranks by; USDA mostly writes "raw"
            # or "dry", so the word itself would match the few foods that say "uncooked".
            kept = [w for w in query.split() if w.lower() not in _STATE_ONLY]
            query = " ".join(kept) or query
        # "fresh" names no food, but where USDA has a fresh and a dried or canned one
        # ("Thyme, fresh") it says which.
        fresh = ("fresh",) if "fresh" in entry.ignored_words else ()
        # A can holds the canned food ("1 can (14 oz) coconut milk" is not coconut water).
        canned = ("canned",) if entry.unit in _CANS else ()
        # The words that name the food: before a comma if there is one ("egg yolk,
        # beaten with water"); its head noun is the one a match must have.
        name = " ".join(entry.head_words) or query
        ranked = self.index.rank(
            query,
            source=source,
            optional=(*entry.form_words, *entry.example_words, *fresh, *canned),
            as_bought=as_bought,
            name=name,
        )[:30]
        # Read once: the portion search and the retries below keep to this noun.
        noun = self.index.head_noun(name)
        head_set = self.index.head_set(noun)
        if entry.form_words:
            # A form word can be part of the food's name ("shredded wheat", "ground
            # beef"): the name with it wins where it matches better.
            named = " ".join((*entry.form_words, query))
            with_form = self.index.rank(named, source=source, as_bought=as_bought)[:12]
            if with_form and (
                self.index.head_words(with_form[0][0])
                & frozenset(tokens(" ".join(entry.form_words)))
                and self.index.coverage(named, with_form[0][0]) >= 0.9
            ):
                ranked, query = with_form, named
        if not ranked:
            raise UnknownFoodError(entry.text, table.suggest(query))
        best_score = ranked[0][1]
        donor: int | None = None
        close = [i for i, sc in ranked if sc >= best_score - _PORTION_MARGIN]
        # magcalc answers in magnesium: among close matches, a food USDA gives a value
        # for comes before one it does not ("Candies, SYMPHONY Milk Chocolate Bar").
        close.sort(key=lambda i: table.magnesium[i] is None)
        chosen = close[0]
        if amount is not None and amount.kind != "mass":
            names = frozenset(tokens(query))
            # Close matches first; then any well-covered one, so that a food with no
            # portion for the amount does not hide one that has it.
            later = [
                i
                for i, _ in ranked
                if i not in close
                and self.index.coverage(query, i) >= _PORTION_COVERAGE
                # Another food with the portion is not the food typed ("1/3 cup hazelnuts"
                # is not peanuts because their cup is listed).
                and self.index.has_head(i, head_set)
            ]
            for i in close + later:
                try:
                    resolve_portion(table.food_at(i), amount, names)
                except MagcalcError:
                    continue
                if i in close or not self._weighs_as(query, close[0], i):
                    chosen = i
                else:
                    donor = i  # "½ head savoy cabbage": the savoy, weighed as cabbage
                break
            else:
                donor = self._donor(entry, query, close[0], source, amount, names, context)
                # No match has a portion for the amount ("½ large red onion": FNDDS's red
                # onion has no "large"): the food's head noun may ("Onions, raw", large).
                if (
                    donor is None
                    and len(entry.food_words) > 1
                    and noun
                    and noun not in _GENERIC_NOUNS
                ):
                    tail = entry.model_copy(update={"food_words": (noun,), "head_words": ()})
                    try:
                        found = self._again(tail, source, amount, notes, context)
                        resolve_portion(found[0], amount, names)
                    except MagcalcError:
                        pass
                    else:
                        row = table.row_of(found[0].key)
                        if row is not None and self._weighs_as(query, close[0], row):
                            donor = row
                        else:
                            weak = found[1].model_copy(update={"quality": "weak"})
                            return self._finish_match(entry, (found[0], weak, found[2]), warn)
        switched: tuple[str, ...] = ()
        if source is None and table.sources[chosen] == FNDDS and donor is None:
            chosen, switched = self._analysed_instead(query, chosen, ranked, amount)
        score = dict(ranked)[chosen]
        coverage = self.index.coverage(query, chosen)
        if coverage < _GOOD_COVERAGE and entry.head_words:
            # Descriptive words after a comma ("garlic, smashed"): the name alone.
            head = entry.model_copy(update={"food_words": entry.head_words, "head_words": ()})
            try:
                found = self._again(head, source, amount, notes, context)
            except UnknownFoodError:
                pass
            else:
                if found[1].coverage > coverage:
                    return self._finish_match(entry, found, warn)
        if coverage < _GOOD_COVERAGE and len(entry.food_words) > 1 and not entry.head_words:
            # No comma, but instructions after the name ("garlic cloves smashed"): the
            # first words name the food.
            for n in range(len(entry.food_words) - 1, 0, -1):
                dropped = entry.food_words[n:]
                if 2 * n < len(entry.food_words):
                    break
                if not any(w.endswith(("ed", "ing")) for w in dropped):
                    continue  # only instructions ("smashed", "thinly sliced") may go
                first = entry.model_copy(update={"food_words": entry.food_words[:n]})
                try:
                    found = self._again(first, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                if found[1].quality == "good" and found[1].coverage > coverage:
                    return self._finish_match(entry, found, warn)
        if coverage < _GOOD_COVERAGE and len(entry.food_words) > 1 and not entry.head_words:
            # The last words name the food in English ("Bosc pears", "roma tomatoes"):
            # the name without the words before it, when the whole matches poorly.
            for n in (2, 1):
                if n >= len(entry.food_words):
                    continue
                if 2 * n < len(entry.food_words) and (
                    n > 1 or entry.food_words[-1].lower() in _GENERIC_NOUNS
                ):
                    continue  # more than half may go only to keep a specific noun
                if noun and noun not in tokens(" ".join(entry.food_words[-n:])):
                    continue  # "tails" alone is not "rock lobster tails"
                tail = entry.model_copy(update={"food_words": entry.food_words[-n:]})
                try:
                    found = self._again(tail, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                row = table.row_of(found[0].key)
                whole = self.index.coverage(query, row) if row is not None else 0.0
                if found[1].quality == "good" and whole >= coverage:
                    # Words were dropped to find it: say so.
                    weak = found[1].model_copy(update={"quality": "weak"})
                    return self._finish_match(entry, (found[0], weak, found[2]), warn)
        floor = _MIN_COVERAGE if chosen == close[0] else _PORTION_COVERAGE
        if coverage < floor:
            span = self._match_span(
                entry, source=source, amount=amount, notes=notes, context=context
            )
            if span is not None:
                weak = span[1].model_copy(update={"quality": "weak"})
                return self._finish_match(entry, (span[0], weak, span[2]), warn)
            raise UnknownFoodError(entry.text, table.suggest(query))
        quality: MatchQuality = "good" if coverage >= _GOOD_COVERAGE else "weak"
        alternatives = tuple(
            FoodMatch(food=table.food_at(i), score=round(sc, 2))
            for i, sc in ranked
            if i != chosen and table.descriptions[i] != table.descriptions[chosen]
        )[:3]
        food = table.food_at(chosen)
        used = tuple(w for w in entry.food_words if set(tokens(w)) & self.index.words(chosen))
        match = Match(
            quality=quality,
            score=round(score, 2),
            coverage=round(coverage, 3),
            query=query,
            used_words=used,
            ignored_words=entry.ignored_words,
            form_words=entry.form_words,
            alternatives=alternatives,
            portion_food=None if donor is None else table.food_at(donor),
        )
        if quality == "weak" and warn:
            others = "; ".join(a.food.description for a in alternatives) or "none"
            warnings.warn(
                f"{shown(entry.text)} matches {food.description!r} only in part "
                f"({coverage:.0%} of its food words); alternatives: {others}. Pass a "
                "more specific name or an id to be sure.",
                MatchWarning,
                stacklevel=4,
            )
        said = switched or (self._disagreement(query, chosen, entry.form_words) if notes else ())
        return food, match, said

    def _again(
        self,
        part: Entry,
        source: str | None,
        amount: Amount | None,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """:meth:`match` on a part of an entry (a fallback tries several), never warning:
        the caller decides how sure the whole entry's match is."""
        return self.match(
            part, source=source, amount=amount, warn=False, notes=notes, context=context
        )

    def _match_readings(
        self,
        entry: Entry,
        *,
        source: str | None,
        amount: Amount | None,
        warn: bool,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """An entry that names alternatives ("lard or peanut oil"): the first reading
        that names a food well, else the first that matches at all."""
        plain = entry.model_copy(update={"readings": ()})
        options = [plain] + [
            plain.model_copy(update={"food_words": words, "head_words": ()})
            for words in entry.readings
        ]
        first: tuple[Food, Match, tuple[str, ...]] | None = None
        for k, option in enumerate(options):
            try:
                found = self._again(option, source, amount, notes, context)
            except UnknownFoodError:
                continue
            if first is None or (self._mended(first[1]) and not self._mended(found[1])):
                first = found  # "fleur de sel or Maldon salt": salt, not a mended "flour"
            if self._names_well(found, single_ok=k == 0):
                return self._finish_match(entry, found, warn)
        if first is None:
            raise UnknownFoodError(entry.text, self.table.suggest(entry.food))
        return self._finish_match(entry, first, warn)

    def _mended(self, match: Match) -> bool:
        """Whether the words matched were mended into others ("fleur" -> "flour")."""
        return self.index.mends(tokens(match.query))

    def _match_span(
        self,
        entry: Entry,
        *,
        source: str | None,
        amount: Amount | None,
        notes: bool,
        context: EntryContext,
    ) -> tuple[Food, Match, tuple[str, ...]] | None:
        """The last resort before refusing: two, then one, of the entry's words that
        name a food well, the last first (English puts the food's noun last: "tart
        eating apples", "saffron threads" -> saffron, "dutch-process cocoa powder")."""
        words = entry.food_words[:8]
        vocabulary = self.index.knows
        for n in (2, 1):
            if n >= len(words):
                continue
            for start in range(len(words) - n, -1, -1):
                span = words[start : start + n]
                if all(w in _GENERIC_NOUNS for w in span) or not all(map(vocabulary, span)):
                    continue
                part = entry.model_copy(
                    update={"food_words": span, "head_words": (), "readings": ()}
                )
                try:
                    found = self._again(part, source, amount, notes, context)
                except UnknownFoodError:
                    continue
                if found[1].quality == "good" and self._names_well(found, single_ok=False):
                    return found
        return None

    def _names_well(self, found: tuple[Food, Match, tuple[str, ...]], *, single_ok: bool) -> bool:
        """Whether a match names what was typed, not only has its words: one whose
        description has two typed words side by side ("Syrups, maple" for "maple
        syrup", not "Figs, canned, heavy syrup" for "fig syrup"), or a good match whose
        name or kind is the one word typed ("Lard", "Peppers, serrano")."""
        food, match, _ = found
        row = self.table.row_of(food.key)
        if row is None:
            return False
        if self._mended(match):
            return False  # a reading whose words were mended ("fleur" -> flour) is no name
        typed = self.index.correct(tokens(match.query))
        head = self.index.head_words(row)
        if len(set(typed)) <= 1:
            # One word: the food's name or its kind ("Lard", "Peppers, serrano, raw").
            names = {frozenset(tokens(part)) for part in food.description.split(",")[:2]}
            return match.quality == "good" and (
                single_ok or (frozenset(typed) in names | {head} and not set(typed) & PREP_WORDS)
            )
        pairs = set(itertools.pairwise(typed))
        pairs |= {(b, a) for a, b in pairs}
        if self.index.pairs(row) & pairs or set(typed) <= head:
            return True
        if any(set(typed) <= name for name in self.index.synonym_sets(row)):
            return True  # FNDDS's everyday name ("Monterey Jack")
        # "Cheese, monterey" for "monterey jack": its name was typed and no other typed
        # word stands elsewhere in it (as "syrup" does in "Figs, canned, heavy syrup").
        rest = set(typed) - head
        return bool(head) and head <= set(typed) and not rest & self.index.words(row)

    def _finish_match(
        self, entry: Entry, found: tuple[Food, Match, tuple[str, ...]], warn: bool
    ) -> tuple[Food, Match, tuple[str, ...]]:
        """A match on the entry's name alone, reported against the whole entry."""
        food, match, notes = found
        rest = tuple(w for w in entry.food_words if w not in match.used_words)
        match = match.model_copy(update={"ignored_words": match.ignored_words + rest})
        if match.quality == "weak" and warn:
            others = "; ".join(a.food.description for a in match.alternatives) or "none"
            warnings.warn(
                f"{shown(entry.text)} matches {food.description!r} only in part; "
                f"alternatives: {others}. Pass a more specific name or an id to be sure.",
                MatchWarning,
                stacklevel=5,
            )
        return food, match, notes

    def _analysed_instead(
        self, query: str, chosen: int, ranked: list[tuple[int, float]], amount: Amount | None
    ) -> tuple[int, tuple[str, ...]]:
        """SR Legacy's food in place of the FNDDS one chosen, where the two disagree.

        FNDDS 2021-2023 publishes some foods far from SR Legacy's analysed value for
        the same food ("Cereal, shredded wheat, plain" 36 mg/100 g, "Cereal, bran
        flakes, plain" 29, against 130-229 for every shredded wheat and bran flakes
        SR Legacy analysed, although wheat bran itself has 611). Where an SR Legacy
        food has every typed word the FNDDS food has, is the same food (it covers
        the FNDDS description as :meth:`_disagreement` requires), has a portion for
        the amount, and the two disagree strongly (``_DISAGREE_RATIO`` and
        ``_DISAGREE_MG``), the analysed SR Legacy food is used; the note on the
        disagreement names the FNDDS food and its id, and ``source="FNDDS"`` keeps it.
        """
        table = self.table
        mine = table.magnesium[chosen]
        if mine is None:
            return chosen, ()
        search = self.index
        wanted = search.coverage(query, chosen)
        same = table.descriptions[chosen]
        names = frozenset(tokens(query))
        for i, _ in ranked:
            theirs = table.magnesium[i]
            if table.sources[i] != SR_LEGACY or theirs is None:
                continue
            low, high = sorted((mine, theirs))
            if high - low < _DISAGREE_MG or high < _DISAGREE_RATIO * low:
                continue
            if search.coverage(query, i) < wanted or search.coverage(same, i) < _GOOD_COVERAGE:
                continue
            if not self._same_kind(query, chosen, i):
                continue
            if amount is not None and amount.kind != "mass":
                try:
                    resolve_portion(table.food_at(i), amount, names)
                except MagcalcError:
                    continue
            note = (
                f"the USDA sources disagree: SR Legacy {table.descriptions[i]!r} (analysed) has "
                f"{theirs:g} mg/100 g, FNDDS {same!r} {mine:g} mg/100 g; SR Legacy's is used, "
                f"pass source='FNDDS' or the id {table.food_at(chosen).key!r} for the other"
            )
            return i, (note,)
        return chosen, ()

    def _same_kind(self, query: str, a: int, b: int) -> bool:
        """Whether two foods, one from each source, are the same kind of food, so that a
        strong disagreement between them is one of values, not of foods.

        Neither may add, to what was typed and the other's description, a variant or
        preparation word ("powder", "chocolate", "dry mix, unprepared", "cooked"), the
        name of another food ("OAT BRAN FLAKES" for bran flakes) or a word of its own
        name ("Peppers, serrano"); brand names may differ. A food USDA marks "NFS" (not
        further specified) stands for a mix of kinds, no one of them.
        """
        table = self.table
        if any(_NFS.search(table.descriptions[i]) for i in (a, b)):
            return False
        typed = set(tokens(query))
        neutral = NEUTRAL_WORDS - PREP_WORDS
        other = VARIANT_WORDS | PREP_WORDS | self._food_names()
        words = {i: set(tokens(table.descriptions[i])) for i in (a, b)}
        for mine, theirs in ((a, b), (b, a)):
            added = words[mine] - words[theirs] - typed - neutral
            if added & other:
                return False
            if (added - brand_words(table.descriptions[mine])) & self.index.head_words(mine):
                return False
        return True

    def _donor(
        self,
        entry: Entry,
        query: str,
        food: int,
        source: str | None,
        amount: Amount,
        names: frozenset[str],
        context: EntryContext,
    ) -> int | None:
        """A plainer kind of ``food`` with a portion for the amount: the entry less one
        of its words ("bell pepper" for a small yellow bell pepper), or None."""
        words = entry.food_words
        if len(words) < 2:
            return None
        for k in range(len(words)):
            part = entry.model_copy(
                update={"food_words": words[:k] + words[k + 1 :], "head_words": ()}
            )
            try:
                found = self._again(part, source, None, False, context)[0]
                resolve_portion(found, amount, names)
            except MagcalcError:
                continue
            row = self.table.row_of(found.key)
            if row is not None and self._weighs_as(query, food, row):
                return row
        return None

    def _weighs_as(self, query: str, food: int, other: int) -> bool:
        """Whether ``other`` is ``food`` less a typed variety word, so that its portion
        weighs ``food`` ("Cabbage, raw" for a head of savoy cabbage, a small green pepper
        for a small yellow one).

        It covers less of what was typed, is in the same food group, and adds no variant,
        preparation or other food's word to ``food``'s description; a dietitian weighs a
        variety USDA lists no household measure for as its plain kind.
        """
        table, index = self.table, self.index
        if index.coverage(query, other) >= index.coverage(query, food):
            return False
        if index.food_groups[other] != index.food_groups[food]:
            return False
        added = (
            set(tokens(table.descriptions[other]))
            - set(tokens(table.descriptions[food]))
            - (NEUTRAL_WORDS - PREP_WORDS)
        )
        return not added & (VARIANT_WORDS | PREP_WORDS | self._food_names())

    def _food_names(self) -> frozenset[str]:
        """Words that are a food's whole name in SR Legacy ("Cereals, oats", "Biscuits")."""
        if self._names_cache is None:
            names: set[str] = set()
            brands: set[str] = set()
            for i, source in enumerate(self.table.sources):
                head = self.index.head_words(i)
                if source == SR_LEGACY and len(head) == 1:
                    names |= head
                    brands |= head & brand_words(self.table.descriptions[i])
            # A brand is no food's name ("Cereals ready-to-eat, POST, ...", "Post, ...").
            self._names_cache = frozenset(names - brands)
        return self._names_cache

    def _disagreement(self, query: str, chosen: int, form: tuple[str, ...]) -> tuple[str, ...]:
        """A note when the other USDA source's best match differs strongly in magnesium."""
        table = self.table
        other = FNDDS if table.sources[chosen] == SR_LEGACY else SR_LEGACY
        # The same food in the other source: among the best matches there for what was
        # typed, the one that covers most of the chosen food's own description.
        same = table.descriptions[chosen]
        ranked = self.index.rank(query, source=other, optional=form)[:5]
        covered = [(self.index.coverage(same, i), -k, i) for k, (i, _) in enumerate(ranked)]
        if not covered or max(covered)[0] < _GOOD_COVERAGE:
            return ()
        i = max(covered)[2]
        mine, theirs = table.magnesium[chosen], table.magnesium[i]
        if mine is None or theirs is None:
            return ()
        if self.index.coverage(query, i) < _GOOD_COVERAGE or not self._same_kind(query, chosen, i):
            return ()
        low, high = sorted((mine, theirs))
        if high - low < _DISAGREE_MG or high < _DISAGREE_RATIO * low:
            return ()
        return (
            f"the USDA sources disagree: {table.sources[chosen]} {table.descriptions[chosen]!r} "
            f"has {mine:g} mg/100 g, {other} {table.descriptions[i]!r} {theirs:g} mg/100 g; "
            f"pass source={other!r} or the id {table.food_at(i).key!r} for the other",
        )
