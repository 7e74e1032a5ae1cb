"""Package structure: the folders are the layers, and imports point one way.

    widgets  ->  viz, lectures, torchside  ->  data  ->  core  ->  numpy
    exercises may use every layer.

Each folder may import only the folders listed for it in ALLOWED, and only the
third-party packages listed in THIRD_PARTY (the numpy core: numpy alone).
"""
import ast
import re
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import lstmlib

PKG = Path(lstmlib.__file__).parent
LAYERS = ("core", "data", "lectures", "torchside", "viz", "widgets", "exercises")
ALLOWED = {
    "core": {"core"},
    "data": {"core", "data"},
    "lectures": {"core", "data", "lectures"},
    "torchside": {"core", "data", "torchside"},
    "viz": {"core", "data", "viz"},
    "widgets": {"core", "data", "lectures", "torchside", "viz", "widgets"},
    "exercises": set(LAYERS),
}
STDLIB = set(sys.stdlib_module_names) | {"__future__"}
THIRD_PARTY = {
    "core": {"numpy"},
    "data": {"numpy", "sklearn"},
    "lectures": {"numpy", "threadpoolctl"},
    "torchside": {"numpy", "torch", "tqdm", "threadpoolctl", "sklearn", "scipy"},
    "viz": {"numpy", "plotly"},
    "widgets": {"numpy", "plotly", "ipywidgets", "traitlets", "IPython"},
    "exercises": {"numpy"},
}


def imports(path: Path):
    """(line, top-level module) of every import in the file, relative imports resolved."""
    rel = path.relative_to(PKG.parent).with_suffix("").parts
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            for a in node.names:
                yield node.lineno, a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(rel[: len(rel) - node.level])
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module
            if mod == "lstmlib":     # `from lstmlib import data` names a folder
                for a in node.names:
                    yield node.lineno, f"lstmlib.{a.name}"
            else:
                yield node.lineno, mod


def files_of(layer):
    return sorted((PKG / layer).rglob("*.py"))


def test_every_module_lives_in_a_layer_folder():
    loose = [p.name for p in PKG.glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"modules outside the layer folders: {loose}"
    assert {p.name for p in PKG.iterdir() if (p / "__init__.py").exists()} == set(LAYERS)


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_point_one_way(layer):
    bad = []
    for path in files_of(layer):
        for line, mod in imports(path):
            top = mod.split(".")[0]
            if top == "lstmlib":
                target = mod.split(".")[1] if "." in mod else None
                if target not in ALLOWED[layer]:
                    bad.append(f"{path.relative_to(PKG)}:{line} imports {mod}")
            elif top not in STDLIB and top not in THIRD_PARTY[layer]:
                bad.append(f"{path.relative_to(PKG)}:{line} imports {mod} (third party, not allowed in {layer}/)")
    assert not bad, "\n".join(bad)


def test_the_checker_sees_a_forbidden_import(tmp_path, monkeypatch):
    """The rule above can fail: a core module importing plotly or the widgets is reported."""
    fake = PKG / "core" / "_layer_probe_tmp.py"
    fake.write_text("import plotly\nfrom lstmlib.widgets import explorable\n")
    try:
        with pytest.raises(AssertionError, match="_layer_probe_tmp.py:1 imports plotly"):
            test_imports_point_one_way("core")
    finally:
        fake.unlink()


def test_core_import_is_numpy_only():
    code = ("import sys, lstmlib, lstmlib.core, lstmlib.data, lstmlib.lectures; "
            "heavy = [m for m in ('torch', 'plotly', 'ipywidgets', 'sklearn') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_importing_changes_no_plotly_setting():
    code = ("import plotly.io as pio; before = (pio.templates.default, pio.renderers.default, "
            "pio.json.config.default_engine); import lstmlib.viz, lstmlib.widgets; "
            "after = (pio.templates.default, pio.renderers.default, pio.json.config.default_engine); "
            "print(before == after); lstmlib.viz.use_book_style(); print(pio.templates.default)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["True", "lstmlib"]


@pytest.mark.parametrize("layer", ["core", "data", "lectures", "torchside", "viz", "widgets"])
def test_each_folder_reexports_its_modules_public_names(layer):
    """QuantEcon's pattern: every module's __all__ is re-exported by its folder, and no name twice."""
    folder = importlib.import_module(f"lstmlib.{layer}")
    seen = {}
    for path in files_of(layer):
        if path.name == "__init__.py":
            continue
        mod = importlib.import_module(f"lstmlib.{layer}.{path.stem}")
        for name in getattr(mod, "__all__", []):
            assert getattr(folder, name, None) is getattr(mod, name), f"lstmlib.{layer} lacks {name} of {path.stem}"
            assert name not in seen, f"{name} is defined in both {seen[name]} and {path.stem}"
            seen[name] = path.stem


def test_every_reexported_name_exists():
    missing = [n for n in lstmlib.__all__ if not hasattr(lstmlib, n)]
    assert not missing


def test_the_api_appendix_documents_every_module_and_only_existing_ones():
    """The API appendix (book/appendix/api.md and one api-<folder>.md per layer) holds one autodoc block per
    module of every folder, as tools/make_api_page.py writes it (autodoc renders them from the docstrings
    at build time), and _toc.yml lists every folder page; a new module without its block, or a stale
    block, fails here."""
    import pkgutil
    sys.path.insert(0, str(PKG.parent / "tools"))
    import make_api_page
    appendix = PKG.parent / "book" / "appendix"
    expected = make_api_page.pages()
    listed = []
    for name, text in expected.items():
        assert (appendix / name).read_text() == text, "run: python tools/make_api_page.py"
        listed += re.findall(r"^   \.\. automodule:: (lstmlib\.[\w.]+)\n      :members:", text, re.M)
    modules = []
    for folder in LAYERS:
        pkg = importlib.import_module(f"lstmlib.{folder}")
        modules += [m.name for m in pkgutil.iter_modules(pkg.__path__, f"lstmlib.{folder}.")
                    if not m.name.rsplit(".", 1)[-1].startswith("_")]
    assert sorted(listed) == sorted(modules) and len(listed) == len(set(listed))
    toc = (PKG.parent / "_toc.yml").read_text()
    for stem, *_ in make_api_page.page_names():
        assert f"file: book/appendix/{stem}\n" in toc, f"_toc.yml lacks book/appendix/{stem}"
