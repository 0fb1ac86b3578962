"""Packaging files: the PyInstaller spec, the systemd units, the desktop entry, the Task Scheduler task, the Inno
Setup installer, the Linux install scripts and the icons, checked without building anything.

The build itself and its smoke test run in packaging/build_linux.sh.
"""

from __future__ import annotations

import configparser
import fnmatch
import importlib.util
import os
import re
import shutil
import signal
import sqlite3
import struct
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import REPO, missing_peer

PACKAGING = REPO / "packaging"
LINUX = PACKAGING / "linux"
WINDOWS = PACKAGING / "windows"
TASK_NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
APP_PACKAGES = ("devices", "monitor", "gui")  # the source folders main.py's code (and its data files) come from


def _spec_info() -> ModuleType:
    """packaging/spec_info.py (packaging/ is not a Python package: its name is taken by the 'packaging' library)."""
    spec = importlib.util.spec_from_file_location("campusnet_spec_info", PACKAGING / "spec_info.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _tool(name: str) -> str:
    """A packaging check tool (.ci/run installs it); missing: a skip outside CI, a failure under CI=true."""
    path = shutil.which(name)
    if path is None:
        missing_peer(f"{name} is not installed")
    assert path is not None
    return path


def _unit_settings(path: Path) -> dict[tuple[str, str], list[str]]:
    """A systemd unit's settings as {(section, key): [values in order]} (keys may repeat, so not configparser)."""
    settings: dict[tuple[str, str], list[str]] = {}
    section = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault((section, key.strip()), []).append(value.strip())
    return settings


def _task_xml() -> ET.Element:
    data = (WINDOWS / "campusnet-poll-task.xml").read_bytes()
    assert data[:2] == b"\xff\xfe", "the task XML must be UTF-16 little endian with a byte order mark (schtasks /XML)"
    text = data[2:].decode("utf-16-le")
    assert text.startswith('<?xml version="1.0" encoding="UTF-16"?>')
    return ET.fromstring(text.encode("utf-16"))  # ElementTree reads the declared encoding from bytes


def _iss_defines() -> dict[str, str]:
    text = (WINDOWS / "campusnet.iss").read_text(encoding="utf-8")
    return dict(re.findall(r'^\s*#define\s+(\w+)\s+"([^"]*)"', text, flags=re.MULTILINE))


# ---------------------------------------------------------------------------------------------------------------
# PyInstaller spec


def test_spec_bundles_every_data_file_of_the_app_sources() -> None:
    """Each non-Python file in devices/, monitor/ and gui/ is in the spec's DATA or declared source-only."""
    info = _spec_info()
    data = info.spec_literal("DATA")
    source_only = info.spec_literal("SOURCE_ONLY")
    bundled = {REPO / folder / rel for folder, pattern in data for rel in _glob(REPO / folder, pattern)}
    present = [
        p
        for package in APP_PACKAGES
        for p in (REPO / package).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")
    ]
    unaccounted = [
        str(p.relative_to(REPO))
        for p in present
        if p not in bundled and not any(fnmatch.fnmatch(str(p.relative_to(REPO)), pat) for pat in source_only)
    ]
    assert not unaccounted, f"data files neither in the spec's DATA nor in SOURCE_ONLY: {unaccounted}"
    folders = {folder for folder, _ in data}
    assert {"devices/templates", "devices/profiles", "gui/translations"} <= folders
    assert (REPO / "devices/profiles/example.toml") in bundled
    assert (REPO / "gui/translations/campusnet_zh_TW.qm") in bundled
    assert any(p.suffix == ".j2" for p in bundled)


def _glob(folder: Path, pattern: str) -> list[Path]:
    """Files under ``folder`` matching ``pattern`` (``**/`` for any depth), relative to ``folder``."""
    recursive = pattern.startswith("**/")
    name = pattern.removeprefix("**/")
    candidates = folder.rglob("*") if recursive else folder.glob("*")
    return [p.relative_to(folder) for p in candidates if p.is_file() and fnmatch.fnmatch(p.name, name)]


def test_spec_data_lookups_match_where_the_code_reads_them() -> None:
    """The bundle keeps each data folder at its source-relative place, which the modules compute from __file__."""
    from devices.config import render
    from monitor.cli import config as cli_config

    data = dict(_spec_info().spec_literal("DATA"))
    assert render.TEMPLATES_DIR.relative_to(REPO).as_posix() in data
    assert cli_config.EXAMPLE_PROFILE.parent.relative_to(REPO).as_posix() in data
    i18n = (REPO / "gui" / "i18n.py").read_text(encoding="utf-8")
    assert 'Path(bundle) / "gui" / "translations"' in i18n  # translations_dir() when frozen
    assert "gui/translations" in data


def test_spec_names_the_executables_the_installer_and_task_start() -> None:
    info = _spec_info()
    console, windowed = info.spec_literal("CONSOLE_EXE"), info.spec_literal("WINDOWED_EXE")
    defines = _iss_defines()
    assert defines["AppExeName"] == f"{console}.exe"
    assert defines["AppGuiExeName"] == f"{windowed}.exe"
    command = _task_xml().find("t:Actions/t:Exec/t:Command", TASK_NS)
    assert command is not None and command.text is not None
    assert command.text.strip('"').endswith(f"\\CampusNet\\{windowed}.exe")


# ---------------------------------------------------------------------------------------------------------------
# systemd units


def _verify_unit(unit: Path, tmp_path: Path, *, user: bool) -> None:
    """``systemd-analyze verify`` passes without a word about ``unit`` (unknown keys, bad values)."""
    systemd_analyze = _tool("systemd-analyze")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    if user:
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    result = subprocess.run(
        [systemd_analyze, *(["--user"] if user else []), "verify", str(unit)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    about_unit = [line for line in (result.stdout + result.stderr).splitlines() if unit.name in line]
    assert result.returncode == 0 and not about_unit, result.stdout + result.stderr


def _fake_program(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)


def test_system_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    source = LINUX / "campusnet-poll.service"
    # verify wants the program to exist: the same unit with the program in a temporary folder.
    program = tmp_path / "opt" / "campusnet" / "campusnet"
    _fake_program(program)
    unit = tmp_path / source.name
    unit.write_text(source.read_text(encoding="utf-8").replace("/opt/campusnet/campusnet", str(program)))
    _verify_unit(unit, tmp_path, user=False)


def test_user_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    _fake_program(tmp_path / "home" / ".local" / "opt" / "campusnet" / "campusnet")  # %h/.local/opt/...
    _verify_unit(LINUX / "campusnet-poll-user.service", tmp_path, user=True)


def test_system_unit_runs_the_poll_service_as_its_own_user_with_hardening() -> None:
    unit = _unit_settings(LINUX / "campusnet-poll.service")
    assert unit[("Service", "ExecStart")] == ["/opt/campusnet/campusnet --db /var/lib/campusnet/inventory.db poll"]
    assert unit[("Service", "User")] == ["campusnet"]
    assert unit[("Service", "Restart")] == ["on-failure"]
    assert unit[("Service", "StateDirectory")] == ["campusnet"]  # /var/lib/campusnet, writable under strict
    assert unit[("Service", "Environment")] == ["CAMPUSNET_SECRETS=file"]  # no keyring in a service
    for key, value in [
        ("NoNewPrivileges", "yes"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
    ]:
        assert unit[("Service", key)] == [value], key
    # UDP to the devices, TCP for SSH/SMTP/HTTPS: IPv4 and IPv6 stay allowed.
    families = set(unit[("Service", "RestrictAddressFamilies")][0].split())
    assert {"AF_INET", "AF_INET6"} <= families
    assert ("Service", "IPAddressDeny") not in unit
    assert unit[("Install", "WantedBy")] == ["multi-user.target"]


def test_user_unit_polls_the_users_data_folder_store() -> None:
    unit = _unit_settings(LINUX / "campusnet-poll-user.service")
    exec_start = unit[("Service", "ExecStart")][0].split()
    assert exec_start[0] == "%h/.local/opt/campusnet/campusnet"  # where install.sh --user puts it
    assert exec_start[1:] == ["--db", "%h/.local/share/CampusNet/inventory.db", "poll"]
    assert unit[("Service", "Restart")] == ["on-failure"]
    assert unit[("Install", "WantedBy")] == ["default.target"]
    assert ("Service", "User") not in unit


# ---------------------------------------------------------------------------------------------------------------
# Desktop entry


def test_desktop_entry_passes_desktop_file_validate() -> None:
    validate = _tool("desktop-file-validate")
    result = subprocess.run([validate, str(LINUX / "campusnet.desktop")], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def test_desktop_entry_starts_campusnet_with_its_icon() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(LINUX / "campusnet.desktop", encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Exec"].split()[0] == _spec_info().spec_literal("CONSOLE_EXE")
    assert entry["Icon"] == "campusnet"
    assert "Network" in entry["Categories"].split(";")
    assert entry["Terminal"] == "false"
    assert entry["Name[zh_TW]"]


# ---------------------------------------------------------------------------------------------------------------
# Windows: Task Scheduler task and Inno Setup script


def test_task_xml_runs_poll_at_logon_without_time_limit_and_restarts() -> None:
    task = _task_xml()
    arguments = task.findtext("t:Actions/t:Exec/t:Arguments", namespaces=TASK_NS)
    assert arguments is not None
    words = arguments.split()
    assert words[2] == "poll" and "--once" not in words
    assert words[:2] == ["--db", '"%LOCALAPPDATA%\\CampusNet\\inventory.db"']
    assert words[3:] == ["--log-file", '"%LOCALAPPDATA%\\CampusNet\\campusnet-poll.log"']  # no stderr without a window
    assert task.find("t:Triggers/t:LogonTrigger", TASK_NS) is not None
    assert task.findtext("t:Principals/t:Principal/t:GroupId", namespaces=TASK_NS) == "S-1-5-32-545"  # Users
    settings = task.find("t:Settings", TASK_NS)
    assert settings is not None
    assert settings.findtext("t:ExecutionTimeLimit", namespaces=TASK_NS) == "PT0S"  # the default stops it after 3 days
    assert int(settings.findtext("t:RestartOnFailure/t:Count", "0", namespaces=TASK_NS)) >= 1
    assert settings.findtext("t:DisallowStartIfOnBatteries", namespaces=TASK_NS) == "false"
    assert settings.findtext("t:StopIfGoingOnBatteries", namespaces=TASK_NS) == "false"
    assert settings.findtext("t:MultipleInstancesPolicy", namespaces=TASK_NS) == "IgnoreNew"


def test_inno_script_registers_and_removes_the_task_from_the_xml() -> None:
    text = (WINDOWS / "campusnet.iss").read_text(encoding="utf-8")
    defines = _iss_defines()
    assert defines["TaskXml"] == "campusnet-poll-task.xml" and (WINDOWS / defines["TaskXml"]).is_file()
    task_name = defines["TaskName"]
    uri = _task_xml().findtext("t:RegistrationInfo/t:URI", namespaces=TASK_NS)
    assert uri == "\\" + task_name
    run = _section(text, "Run")
    uninstall = _section(text, "UninstallRun")
    assert re.search(r'schtasks\.exe"; Parameters: "/Create /XML ""\{app\}\\\{#TaskXml\}"" /TN ""\{#TaskName\}""', run)
    assert "Tasks: pollservice" in run
    assert '/Delete /TN ""{#TaskName}"" /F' in uninstall
    assert 'Name: "pollservice"' in _section(text, "Tasks")
    files = _section(text, "Files")
    assert 'Source: "{#TaskXml}"' in files
    assert 'Source: "{#DistDir}\\*"' in files and defines["DistDir"] == "..\\..\\dist\\campusnet"
    # The task starts %ProgramFiles%\CampusNet\...: the install folder must be exactly that.
    assert "DefaultDirName={autopf}\\CampusNet" in text and "DisableDirPage=yes" in text
    assert 'Filename: "{app}\\{#AppGuiExeName}"' in _section(text, "Icons")


def test_inno_script_speaks_english_and_traditional_chinese() -> None:
    text = (WINDOWS / "campusnet.iss").read_text(encoding="utf-8")
    languages = _section(text, "Languages")
    assert 'Name: "en"; MessagesFile: "compiler:Default.isl"' in languages
    assert 'Name: "zh_TW"; MessagesFile: "{#ZhTwMessages}"' in languages
    assert "ChineseTraditional.isl" in text
    messages = _section(text, "CustomMessages")
    english = set(re.findall(r"^en\.(\w+)=", messages, flags=re.MULTILINE))
    chinese = set(re.findall(r"^zh_TW\.(\w+)=", messages, flags=re.MULTILINE))
    assert english and english == chinese


def test_inno_default_version_is_the_projects() -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    version = re.search(r'^version\s*=\s*"([^"]+)"', pyproject, flags=re.MULTILINE)
    assert version is not None
    assert _iss_defines()["AppVersion"] == version.group(1)


def _section(text: str, name: str) -> str:
    """The body of one ``[Section]`` of an Inno Setup script."""
    match = re.search(rf"^\[{name}\]\n(.*?)(?=^\[|\Z)", text, flags=re.MULTILINE | re.DOTALL)
    assert match, f"no [{name}] section"
    return match.group(1)


# ---------------------------------------------------------------------------------------------------------------
# Linux install scripts


def _fake_build(tmp_path: Path) -> Path:
    built = tmp_path / "dist" / "campusnet"
    _fake_program(built / "campusnet")
    (built / "_internal").mkdir()
    (built / "_internal" / "marker.txt").write_text("bundle")
    return built


def test_user_install_and_uninstall(tmp_path: Path) -> None:
    built = _fake_build(tmp_path)
    home = tmp_path / "home"
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    install = subprocess.run(
        ["bash", str(LINUX / "install.sh"), "--user", "--service", "--no-start", "--from", str(built)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert install.returncode == 0, install.stderr
    prefix = home / ".local" / "opt" / "campusnet"
    assert (prefix / "_internal" / "marker.txt").read_text() == "bundle"
    assert os.readlink(home / ".local" / "bin" / "campusnet") == str(prefix / "campusnet")
    desktop = (home / ".local" / "share" / "applications" / "campusnet.desktop").read_text(encoding="utf-8")
    assert f"\nExec={prefix / 'campusnet'}\n" in desktop
    assert f"\nPath={home / '.local' / 'share' / 'CampusNet'}\n" in desktop  # where the user service's store is
    hicolor = home / ".local" / "share" / "icons" / "hicolor"
    assert (hicolor / "48x48" / "apps" / "campusnet.png").read_bytes() == (
        PACKAGING / "icons" / "campusnet-48.png"
    ).read_bytes()
    assert (hicolor / "scalable" / "apps" / "campusnet.svg").is_file()
    unit = home / ".config" / "systemd" / "user" / "campusnet-poll.service"
    assert unit.read_text() == (LINUX / "campusnet-poll-user.service").read_text()
    assert (home / ".local" / "share" / "CampusNet").is_dir()  # the store's folder

    uninstall = subprocess.run(
        ["bash", str(LINUX / "uninstall.sh"), "--user"], env=env, capture_output=True, text=True, timeout=120
    )
    assert uninstall.returncode == 0, uninstall.stderr
    assert not prefix.exists()
    assert not (home / ".local" / "bin" / "campusnet").exists()
    assert not unit.exists()
    assert not (hicolor / "48x48" / "apps" / "campusnet.png").exists()
    assert (home / ".local" / "share" / "CampusNet").is_dir()  # data kept without --purge


def test_install_without_a_build_says_so_and_installs_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        ["bash", str(LINUX / "install.sh"), "--user", "--from", str(tmp_path / "nothing")],
        env={"PATH": os.environ["PATH"], "HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("install.sh: no built CampusNet found")
    assert list(home.iterdir()) == []


# ---------------------------------------------------------------------------------------------------------------
# Icons


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_icon_pngs_have_the_sizes_their_names_say() -> None:
    pngs = sorted((PACKAGING / "icons").glob("campusnet-*.png"))
    assert {int(p.stem.split("-")[1]) for p in pngs} >= {16, 32, 48, 256}
    for png in pngs:
        size = int(png.stem.split("-")[1])
        assert _png_size(png) == (size, size), png.name


def test_ico_holds_the_windows_sizes() -> None:
    data = (PACKAGING / "icons" / "campusnet.ico").read_bytes()
    reserved, kind, count = struct.unpack("<HHH", data[:6])
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for i in range(count):
        width, height, _, _, _, bits, length, offset = struct.unpack("<BBBBHHII", data[6 + 16 * i : 22 + 16 * i])
        assert offset + length <= len(data) and bits == 32
        image = data[offset : offset + length]
        if image[:8] == b"\x89PNG\r\n\x1a\n":
            assert struct.unpack(">II", image[16:24]) == (width or 256, height or 256)
        else:  # a bitmap: its header's height counts the image and its mask
            assert struct.unpack("<iiHH", image[4:16]) == (width, 2 * height, 1, 32)
        sizes.add(width or 256)
    assert {16, 32, 48, 256} <= sizes


# ---------------------------------------------------------------------------------------------------------------
# The desktop app stops cleanly when the session ends (a logout's SIGTERM)


def _wait_for_child_poller(pid: int) -> int:
    """The pid of the ``poll --app-pid`` child of process ``pid`` (Linux /proc), waited for."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            for child in children.read_text().split():
                try:
                    args = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
                except OSError:  # it ended meanwhile
                    continue
                if b"poll" in args and b"--app-pid" in args:
                    return int(child)
        time.sleep(0.1)
    raise AssertionError("the app started no poller process")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_desktop_app_quits_cleanly_on_signal(tmp_path: Path, signum: int) -> None:
    db = tmp_path / "inventory.db"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "CAMPUSNET_SECRETS": "file",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "main.py"), "--db", str(db)],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not db.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)  # the store appears once the app has set up its signal handling
        assert proc.poll() is None and db.exists(), "the app did not start"
        poller = _wait_for_child_poller(proc.pid)  # the app polls in a child process of its own
        proc.send_signal(signum)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, output
    assert "Traceback" not in output
    assert not Path(f"/proc/{poller}").exists()  # ... which quitting stopped: no poller left behind
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
