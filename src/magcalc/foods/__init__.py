"""Foods: the bundled USDA tables, food search, entries, portions and servings.

The bundled table holds USDA's SR Legacy and FNDDS 2021-2023 foods; :func:`search_foods`
ranks them the way people type; :func:`serving` turns a food and a household amount (or
a whole entry, "½ avocado, cubed") into grams through the food's USDA portions, and
:func:`food_magnesium` gives the magnesium in it.

Modules:

- :mod:`~magcalc.foods.models`: Food, Portion, FoodMatch, SearchResults, Match, Serving, Servings
- :mod:`~magcalc.foods.table`: FoodTable (loading, lookup, search) and its shipped index
- :mod:`~magcalc.foods.entries`: the entry parser (parse_entry, parse_entries, Entry)
- :mod:`~magcalc.foods.match`: matching an entry to a food of the table
- :mod:`~magcalc.foods.portions`: a household amount of a food in grams
- :mod:`~magcalc.foods.api`: search_foods, get_food, serving, servings, food_magnesium
- ``_entry_words``: the units, measures, form words and ignored words of entries
- ``_words``: queries and descriptions read into words; the everyday names
- ``_rules``: the ranking's weights and knowledge of USDA descriptions
- ``_build``: building the search index and its stored form
- ``_index``: the search index and its ranking
"""

from __future__ import annotations

from magcalc.foods._words import brand_words
from magcalc.foods.api import food_magnesium, get_food, search_foods, serving, servings
from magcalc.foods.entries import Entry, parse_entries, parse_entry
from magcalc.foods.models import (
    MAX_PLAUSIBLE_SERVING_G,
    MAX_QUERY_CHARS,
    SOURCES,
    EntryContext,
    Food,
    FoodLike,
    FoodMatch,
    Match,
    Portion,
    SearchResults,
    Serving,
    Servings,
)
from magcalc.foods.table import INDEX_FILE, FoodTable

__all__ = [
    "INDEX_FILE",
    "MAX_PLAUSIBLE_SERVING_G",
    "MAX_QUERY_CHARS",
    "SOURCES",
    "Entry",
    "EntryContext",
    "Food",
    "FoodLike",
    "FoodMatch",
    "FoodTable",
    "Match",
    "Portion",
    "SearchResults",
    "Serving",
    "Servings",
    "brand_words",
    "food_magnesium",
    "get_food",
    "parse_entries",
    "parse_entry",
    "search_foods",
    "serving",
    "servings",
]
