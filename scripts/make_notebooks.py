#!/usr/bin/env python3
"""Write the notebooks in notebooks/ from the cell sources below (committed without outputs).

The notebooks are the executed gallery: `make test` runs them with nbmake. Edit a notebook
here, then run `python scripts/make_notebooks.py`; or edit it in Jupyter and clear outputs.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip())


QUICKSTART = [
    md("""
# 01 Quickstart: a day's magnesium for one person

magcalc estimates how much magnesium a person takes in from food and supplements and compares it
with the reference values for their age, sex and life stage. Everything here runs offline on the
bundled USDA tables (SR Legacy and FNDDS 2021-2023).
"""),
    code("""
import magcalc
from magcalc import Intake, Person, Supplement, assess

magcalc.__version__
"""),
    md("## Find foods the way you would type them"),
    code("""
magcalc.search_foods("spinach boiled", limit=5)
"""),
    code("""
food = magcalc.get_food("11458")   # NDB number (or an FDC id)
food
"""),
    md("""
## Household portions

`serving` resolves an amount through the food's USDA portions and says which one it used.
"""),
    code("""
for food_name, amount in [("spinach boiled", "1/2 cup"), ("almonds", "1 oz"),
                          ("banana", "1 medium"), ("rye bread", "2 slices")]:
    print(magcalc.serving(food_name, amount))
"""),
    md("""
## Whole entries, as people write them

`serving` also reads a whole entry: the amount, the food, cut and form words that choose the
portion ("cubed", "slivered") and words it sets aside ("organic", "finely"). `match` says how
sure it is and what came close; a weak match warns (`MatchWarning`). Foods come from two USDA
databases: SR Legacy (analysed single foods) and FNDDS 2021-2023 (foods as people report eating
them, with mixed dishes and portions such as "1 packet").
"""),
    code("""
for entry in ["½ avocado, cubed", "2 eggs scrambled", "1 serving (28 g) shelled edamame",
              "1/4 cup slivered almonds", "1 packet instant oatmeal", "1 cup semi-skimmed milk"]:
    s = magcalc.serving(entry)
    print(f"{entry:34} {s.food.source_name:9} {s.food.description[:44]:44} {s.grams:6.1f} g "
          f"{s.magnesium_mg:5.1f} mg  ({s.match.quality})")
"""),
    code("""
s = magcalc.serving("1 oz organic almonds")
s.match.used_words, s.match.ignored_words, [a.food.description for a in s.match.alternatives]
"""),
    code("""
meal = magcalc.servings("2 eggs and a slice of whole wheat toast")
print(meal)
"""),
    code("""
# Where the two USDA sources disagree strongly on a food, the result says so.
magcalc.serving("2 large biscuits shredded wheat").notes
"""),
    code("""
# USDA weighs no head of savoy cabbage: the savoy, weighed as a head of plain cabbage (noted).
s = magcalc.serving("½ head savoy cabbage")
s.food.description, s.match.portion_food.description, s.grams, s.notes
"""),
    code("""
# A metric volume stated beside a cup is the amount measured.
print(magcalc.serving("½ cup (125 mL) dry white wine"))
"""),
    md("""
## A person and a few days of intake

A woman of 34 records two days of food and takes 120 mg of magnesium (as bisglycinate) every day.
"""),
    code("""
person = Person(age_years=34, sex="female")
intake = Intake()
intake.add_food("oatmeal", "1 cup", day=1)
intake.add_food("almonds", "1 oz", day=1)
intake.add_food("spinach boiled", "1/2 cup", day=1)
intake.add_food("brown rice", "1 cup", day=2)
intake.add_food("black beans cooked", "1/2 cup", day=2)
intake.add_food("banana", "1 medium", day=2)
intake.add_supplement(Supplement(form="glycinate", elemental_mg=120), day=None)

report = assess(intake, person)
report
"""),
    md("""
## What it means

- **Total vs the RDA**: ingested magnesium (food + elemental supplemental) against the RDA.
- **Probability of adequacy** (IOM 2000): with only a few days recorded, day-to-day variation
  makes the answer uncertain; more days narrow it.
- **The UL applies to supplemental magnesium only**: food never counts toward it.
- **Absorbed magnesium** is an estimate with a range, never compared with the DRIs.
"""),
    code("""
print(report.conclusion)
print(f"total {report.total_mg:.0f}, {report.percent_of_target:.0f} % of the {report.target_kind}")
print("over the supplemental UL:", report.exceeds_ul)
"""),
    code("""
report.plot();
"""),
    code("""
report.to_dataframe()
"""),
    md("""
## In plain words, and what to do about a gap

`summary()` says it in a few sentences. Food comes first: `suggestions()` lists generic foods in
real USDA household portions and a plan with the fewest portions that close the gap, with the
least excess over it (here a vegetarian diet; a diet leaves out composite foods whose
ingredients the USDA name does not show). `supplement_advice()` suggests a dose only from two or
more days of records, keeps supplemental magnesium within the UL, shows how much of each form
delivers it, and carries the kidney and medicine-interaction cautions of NIH ODS.
"""),
    code("""
print(report.summary())
"""),
    code("""
report.suggestions(exclude="vegetarian", limit=8)
"""),
    code("""
print(report.supplement_advice())
"""),
    md("""
## Sources

- Institute of Medicine. *Dietary Reference Intakes for Calcium, Phosphorus, Magnesium, Vitamin D,
  and Fluoride*. National Academy Press, 1997. doi:10.17226/5776.
- Institute of Medicine. *Dietary Reference Intakes: Applications in Dietary Assessment*. 2000.
  doi:10.17226/9956.
- U.S. Department of Agriculture, Agricultural Research Service. *FoodData Central: SR Legacy*,
  2018/2019 (magnesium from SR28, 2015).
- NIH Office of Dietary Supplements. *Magnesium: Fact Sheet for Health Professionals*.
- U.S. Food and Drug Administration. *Drug Safety Communication: low magnesium with long-term
  PPI use*, 2011 (for the risk-factor notes magcalc adds).
"""),
]

FORMS = [
    md("""
# 02 Supplement forms: oxide vs citrate vs glycinate

A magnesium supplement is a compound, and the compound decides how much magnesium a tablet
holds. The absorption evidence is a set of ranges from a handful of studies, not a coefficient.
"""),
    code("""
import magcalc
from magcalc import Supplement

magcalc.supplement_forms()  # a table in Jupyter; a list of SupplementForm in code
"""),
    md("""
## Elemental magnesium by stoichiometry

The fraction is computed from each formula with standard atomic weights. A "Magnesium Oxide
500 mg" tablet holds about 301 mg of magnesium; 500 mg of citrate about 81 mg; 500 mg of
bisglycinate about 70 mg.
"""),
    code("""
for form in ("oxide", "citrate", "glycinate"):
    dose = Supplement(form=form, compound_mg=500)
    print(f"{form:10} 500 mg compound -> {dose.elemental_mg_per_day:6.1f} mg magnesium")
"""),
    md("""
## Labels declare elemental magnesium

US Supplement Facts and EU labels state magnesium itself: "Magnesium (as magnesium citrate)
200 mg" is 200 mg of magnesium. magcalc refuses a bare "mg".
"""),
    code("""
magcalc.parse_label("Magnesium (as magnesium citrate) 200 mg")
"""),
    code("""
try:
    Supplement(form="oxide", mg=500)
except magcalc.SupplementError as err:
    print(err)
"""),
    md("## The evidence on absorption"),
    code("""
oxide = magcalc.get_form("oxide")
oxide
"""),
    code("""
from magcalc.views.plotting import plot_forms

plot_forms(500);
"""),
    md("""
## Forms as sold

Aspartate, orotate and gluconate are sold as dihydrates and carbonate as the hydrated basic
salt, so their bare names mean those forms; the anhydrous salts are `*_anhydrous`. With a
compound mass the difference is 9-15 %.
"""),
    code("""
for name in ("aspartate", "aspartate_anhydrous", "gluconate", "gluconate_anhydrous", "carbonate"):
    form = magcalc.get_form(name)
    print(f"{name:20} {form.formula:22} {form.elemental_percent:5.2f} % Mg")
print(magcalc.get_form("aspartate").as_sold)
"""),
    md("""
## The upper limit

The UL (350 mg/day for adults in IOM 1997) applies to supplemental magnesium only; its critical
effect is osmotic diarrhoea. Two 500 mg oxide tablets a day exceed it, food never does. Every
framework says which UL applies: its own (IOM 1997, WHO/FAO 2004), one it adopts (EFSA uses
SCF 2001's 250 mg), or, where it sets none (D-A-CH, the label values), the authority that does
for its region, and the result says so.
"""),
    code("""
from magcalc import Intake, Person, assess

intake = Intake()
intake.add_food("almonds", "2 oz")
intake.add_supplement(Supplement(form="oxide", compound_mg=500, servings_per_day=2))
report = assess(intake, Person(age_years=45, sex="male"))
print(report.supplemental_mg, "supplemental; over the UL:", report.exceeds_ul)
for framework in magcalc.frameworks():
    refs = assess(intake, Person(age_years=45, sex="male"), framework=framework).references
    print(f"{framework:11} UL {refs.ul_supplemental_mg:g} mg/day ({refs.ul_source})")
"""),
    md("""
## Supplement advice a clinician would sign

No dose from a single day of records (one day says little about usual intake, IOM 2000); with
more days, the dose closes the gap within the UL, and it always carries the cautions NIH ODS
gives: impaired kidney function, and bisphosphonates and tetracycline or quinolone antibiotics,
whose doses must be kept apart from magnesium.
"""),
    code("""
one_day = Intake()
one_day.add_food("spinach, boiled", "1 cup")
print(assess(one_day, Person(age_years=45, sex="male")).supplement_advice().message)
"""),
    code("""
days = Intake()
for day in (1, 2, 3):
    days.add_food("spinach, boiled", "1 cup", day=day)
assess(days, Person(age_years=45, sex="male")).supplement_advice()
"""),
    md("""
## Sources

- Firoz M, Graber M. Magnes Res 2001;14:257-262.
- Lindberg JS et al. J Am Coll Nutr 1990;9:48-55.
- Walker AF et al. Magnes Res 2003;16:183-191.
- Kappeler D et al. BMC Nutrition 2017;3:7.
- Schuette SA et al. JPEN 1994;18:430-435.
- Blancquaert L et al. Nutrients 2019;11:1663.
- Coudray C et al. Magnes Res 2005;18:215-223 (rats).
- Institute of Medicine, 1997, doi:10.17226/5776 (UL for supplemental magnesium).
- Scientific Committee on Food, 2001, in EFSA, *Tolerable Upper Intake Levels for Vitamins and
  Minerals*, 2006 (UL 250 mg/day from 4 years).
- WHO/FAO, *Vitamin and Mineral Requirements in Human Nutrition*, 2nd ed., 2004 (upper
  tolerable limits of magnesium intake).
- NIH Office of Dietary Supplements, *Magnesium: Fact Sheet for Health Professionals*
  (kidney function, interactions with medications).
"""),
]

FDC = [
    md("""
# 03 FoodData Central: foods the bundled table lacks

The bundled tables are USDA SR Legacy and FNDDS 2021-2023. FoodData Central (FDC) adds
Foundation and Branded foods and other releases. magcalc's client returns the same `Food`
model, so everything else works unchanged. This notebook parses **recorded** FDC responses
(kept in `tests/data/fdc`) and only calls the live API when `FDC_API_KEY` is set.
"""),
    code("""
import json
import os
from pathlib import Path

import magcalc
from magcalc import fdc

# Recorded FDC answers, kept in the repository (tests/data/fdc/README.md).
RECORDINGS = Path("..").resolve() / "tests" / "data" / "fdc"
have_recordings = RECORDINGS.is_dir()
print("recordings:", RECORDINGS if have_recordings else "not found (skipping the parsing cells)")
"""),
    md("## A Foundation food (full format)"),
    code("""
if have_recordings:
    data = json.loads((RECORDINGS / "countIt__food-2262072-foundation-full.json").read_text())
    food = fdc.parse_food(data)
    display(food)
    print(food.magnesium_per_100g)
"""),
    md("""
## A Survey (FNDDS) food with household portions

FNDDS portions come with descriptions such as "1 banana"; they work with `serving`.
"""),
    code("""
if have_recordings:
    data = json.loads((RECORDINGS / "countIt__food-survey-fndds-full.json").read_text())
    survey = fdc.parse_food(data)
    print(survey.description, [p.label for p in survey.portions][:4])
    print(magcalc.serving(survey, 100))
"""),
    md("""
## Branded foods usually have no magnesium

Missing is unknown, never zero: the value stays `None` and an assessment reports it.
"""),
    code("""
if have_recordings:
    data = json.loads((RECORDINGS / "countIt__food-branded-full.json").read_text())
    branded = fdc.parse_food(data)
    print(branded.description, "->", branded.magnesium_per_100g)
    hits = fdc.parse_search(
        json.loads((RECORDINGS / "trellislabs__cheddar-cheese.search-all.json").read_text())
    )
    print(len(hits), "Branded hits,", sum(h.magnesium_mg_per_100g is not None for h in hits),
          "with a magnesium value")
"""),
    md("## FDC foods in an assessment"),
    code("""
if have_recordings:
    intake = magcalc.Intake()
    intake.add_food("spinach boiled", "1 cup")
    intake.add_food(survey, 150)
    intake.add_food(branded, 27)
    report = magcalc.assess(intake, magcalc.Person(age_years=52, sex="male"))
    for warning in report.warnings:
        print("-", warning)
"""),
    md("""
## Live calls (only with a key)

Get a free key at https://fdc.nal.usda.gov/api-key-signup and set `FDC_API_KEY`. The key is
sent only in the `X-Api-Key` header, never logged or cached; answers are cached on disk.
"""),
    code("""
if os.environ.get("FDC_API_KEY"):
    with magcalc.FdcClient() as client:
        for food in client.search("lentils", page_size=5):
            print(food)
else:
    print("FDC_API_KEY is not set: no live call made.")
"""),
    md("""
## Sources

- U.S. Department of Agriculture, Agricultural Research Service. *FoodData Central*, 2019-.
  https://fdc.nal.usda.gov/; *FoodData Central API Guide*, https://fdc.nal.usda.gov/api-guide.
- Recorded responses: `tests/data/fdc` (its README gives each request and its sha256).
"""),
]

MANY = [
    md("""
# 04 Many people at once: a population analysis

`magcalc.batch.assess_frame` assesses food diaries of many people at once on pandas (free text is
resolved once per distinct string, portions once per distinct measure, the rest is vectorised), and
`prevalence` applies the EAR cut-point method to groups. Here: a synthetic survey of 400 adults with
two days of records each, some taking a supplement.
"""),
    code("""
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from magcalc.batch import assess_frame, prevalence

rng = np.random.default_rng(2026)
n = 400
people = pd.DataFrame({
    "person_id": range(n),
    "age": rng.integers(19, 85, n),
    "sex": rng.choice(["female", "male"], n),
})
menu = [("spinach boiled", "1/2 cup"), ("almonds", "1 oz"), ("banana", "1 medium"),
        ("black beans cooked", "1/2 cup"), ("brown rice", "1 cup"), ("milk", "1 cup"),
        ("whole wheat bread", "1 slice"), ("chicken breast", "3 oz"), ("oatmeal", "1 cup"),
        ("yogurt", "1 cup"), ("white rice cooked", "1 cup"), ("cheddar cheese", "1 oz"),
        ("orange", "1 fruit"), ("potato baked", "1 medium"), ("salmon", "3 oz")]
rows = []
for pid in range(n):
    for day in (1, 2):
        for k in rng.choice(len(menu), size=rng.integers(3, 8), replace=False):
            food, amount = menu[k]
            rows.append({"person_id": pid, "day": day, "food": food, "amount": amount})
    if rng.random() < 0.25:
        rows.append({"person_id": pid, "day": "all", "supplement": "citrate",
                     "elemental_mg": float(rng.choice([100, 200, 400]))})
diary = pd.DataFrame(rows)
diary.head()
"""),
    code("""
result = assess_frame(diary, people, errors="report")
result.summary()
"""),
    code("""
result.people[["person_id", "life_stage", "n_days", "food_mg", "supplemental_mg", "total_mg",
               "ear_mg", "probability_adequate", "exceeds_ul"]].head()
"""),
    md("""
A food name that matches a USDA food only in part is used as matched, and said: one
`MatchWarning` per call lists such names with the food each became. Give FDC ids or USDA
descriptions where it matters.
"""),
    code("""
import warnings

odd = pd.DataFrame({"person_id": [0], "day": [1], "food": ["fish steaks"], "amount": ["4 oz"]})
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    assess_frame(odd, people)
print(caught[0].message)
"""),
    md("""
## Prevalence of inadequacy (EAR cut-point)

The share of each group whose intake is below the EAR, and the share over the supplemental UL. The
cut-point method assumes usual intakes; with two days per person, `adjust=True` shrinks each
person's mean toward the group mean using the within-person variance (NRC 1986 / IOM 2000).
"""),
    code("""
prevalence(result, by=["life_stage"], adjust=True)
"""),
    md("## Intake distribution against the EAR, by age and sex"),
    code("""
def band_start(group):
    return int("".join(c for c in group.split()[1] if c.isdigit())[:2])

groups = sorted(result.people["life_stage"].unique(), key=lambda g: (g.split()[0], band_start(g)))
fig, ax = plt.subplots(figsize=(9, 4.5), layout="constrained")
data = [result.people.loc[result.people["life_stage"] == g, "total_mg"].dropna() for g in groups]
ax.boxplot(data, tick_labels=groups, showfliers=False)
for i, g in enumerate(groups, start=1):
    ear = result.people.loc[result.people["life_stage"] == g, "ear_mg"].iloc[0]
    ax.hlines(ear, i - 0.4, i + 0.4, color="firebrick", lw=2, label="EAR" if i == 1 else None)
    values = data[i - 1]
    ax.plot(np.full(len(values), i) + rng.uniform(-0.15, 0.15, len(values)), values, ".",
            color="grey", alpha=0.4)
ax.set_ylabel("mean magnesium intake [mg/day]")
ax.set_title("Magnesium intake by life stage (food + supplements) against the EAR")
ax.tick_params(axis="x", rotation=30)
ax.legend();
"""),
    md("""
## Scaling out

The same per-partition function runs on Dask (`magcalc.batch.assess_dask`, lazy, also on a
`dask.distributed` cluster; or `assess_partition` with `map_partitions`), and on Spark
(`magcalc.batch.assess_spark`: `mapInPandas` over a diary repartitioned by person;
`.compute()` gives the same result as `assess_frame`). See the README.

## Sources

- Institute of Medicine. *Dietary Reference Intakes: Applications in Dietary Assessment*. 2000,
  (EAR cut-point method), doi:10.17226/9956.
- Institute of Medicine. *Dietary Reference Intakes for Calcium, Phosphorus, Magnesium, Vitamin D,
  and Fluoride*. 1997, doi:10.17226/5776.
- National Research Council. *Nutrient Adequacy: Assessment Using Food Consumption Surveys*. 1986.
- U.S. Department of Agriculture, Agricultural Research Service. *FoodData Central: SR Legacy*.
"""),
]

NOTEBOOKS = {
    "01_quickstart.ipynb": QUICKSTART,
    "02_supplement_forms.ipynb": FORMS,
    "03_fooddata_central.ipynb": FDC,
    "04_many_people.ipynb": MANY,
}


def main() -> int:
    OUT.mkdir(exist_ok=True)
    for name, cells in NOTEBOOKS.items():
        nb = new_notebook(cells=cells)
        # Ids from the notebook name and position, so regenerating changes only what changed.
        for i, cell in enumerate(nb.cells):
            cell["id"] = hashlib.sha256(f"{name}:{i}".encode()).hexdigest()[:8]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nb.metadata["language_info"] = {"name": "python"}
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
