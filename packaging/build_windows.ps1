# Build CampusNet for Windows: the PyInstaller folder dist\campusnet, a quick check of it, then the installer.
#
#     powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1            # build, check, installer
#     powershell -ExecutionPolicy Bypass -File packaging\build_windows.ps1 -NoInstaller
#
# Needs uv (https://docs.astral.sh/uv/) and, for the installer, Inno Setup 6.3 or newer (ISCC.exe on PATH or in its
# default folder). The result: dist\campusnet\campusnet.exe (command line), dist\campusnet\campusnetw.exe (the window
# and the background task, no console) and dist\CampusNet-<version>-setup.exe.
param([switch]$NoInstaller)

$ErrorActionPreference = "Stop"
$root = Split-Path -Parent $PSScriptRoot
Set-Location $root

function Fail([string]$message) {
    Write-Error "build_windows.ps1: $message"
    exit 1
}

function Invoke-Checked([string]$what, [scriptblock]$command) {
    & $command
    if ($LASTEXITCODE -ne 0) { Fail "$what failed (exit status $LASTEXITCODE)" }
}

if (-not (Get-Command uv -ErrorAction SilentlyContinue)) { Fail "uv is not installed (https://docs.astral.sh/uv/)" }
$version = (Select-String -Path pyproject.toml -Pattern '^version\s*=\s*"([^"]+)"').Matches[0].Groups[1].Value

Write-Host "== building dist\campusnet with PyInstaller (CampusNet $version)"
Remove-Item -Recurse -Force build\campusnet, dist\campusnet -ErrorAction SilentlyContinue
$watch = [Diagnostics.Stopwatch]::StartNew()
Invoke-Checked "PyInstaller" { uv run --quiet pyinstaller --noconfirm --clean --log-level WARN packaging\campusnet.spec }
Write-Host ("built in {0:N0} s" -f $watch.Elapsed.TotalSeconds)

$exe = "dist\campusnet\campusnet.exe"
foreach ($program in @($exe, "dist\campusnet\campusnetw.exe")) {
    if (-not (Test-Path $program)) { Fail "PyInstaller finished but $program is missing" }
}

Write-Host "== quick check of $exe"
# The data files the spec bundles (templates, profile, translations, icons) must be where the code looks for them.
$dataFiles = uv run --quiet python -c "import sys; sys.path.insert(0, 'packaging'); from spec_info import data_files; print('\n'.join(map(str, data_files())))"
if ($LASTEXITCODE -ne 0 -or -not $dataFiles) { Fail "could not list the spec's data files" }
$missing = @($dataFiles | Where-Object { -not (Test-Path (Join-Path "dist\campusnet\_internal" $_)) })
if ($missing.Count -gt 0) { Fail ("the bundle lacks {0} data file(s), e.g. {1}" -f $missing.Count, $missing[0]) }
$tmp = Join-Path ([IO.Path]::GetTempPath()) ("campusnet-check-" + [Guid]::NewGuid())
New-Item -ItemType Directory $tmp | Out-Null
try {
    $env:CAMPUSNET_SECRETS = "file"
    $env:QT_QPA_PLATFORM = "offscreen"
    Invoke-Checked "campusnet.exe --help" { & $exe --help | Out-Null }
    $db = Join-Path $tmp "inventory.db"
    $env:SMOKE_RO = "public"
    Invoke-Checked "device add" { & $exe --db $db device add check --host 127.0.0.1 --snmp-port 1161 --community-env SMOKE_RO | Out-Null }
    $devices = & $exe --db $db device list --json | ConvertFrom-Json
    if ($LASTEXITCODE -ne 0 -or $devices.Count -ne 1 -or $devices[0].name -ne "check") { Fail "device list did not show the added device" }
    $timings = 1..3 | ForEach-Object { (Measure-Command { & $exe --help | Out-Null }).TotalSeconds } | Sort-Object
    Write-Host ("ok: data files, --help, device add/list; start time of --help {0:N2} s (median of 3)" -f $timings[1])
} finally {
    Remove-Item Env:SMOKE_RO, Env:CAMPUSNET_SECRETS, Env:QT_QPA_PLATFORM -ErrorAction SilentlyContinue
    Remove-Item -Recurse -Force $tmp -ErrorAction SilentlyContinue
}
$size = (Get-ChildItem -Recurse dist\campusnet | Measure-Object -Property Length -Sum).Sum / 1MB
Write-Host ("size: {0:N0} MB (dist\campusnet)" -f $size)

if ($NoInstaller) { exit 0 }
Write-Host "== installer"
$iscc = (Get-Command ISCC.exe -ErrorAction SilentlyContinue).Source
if (-not $iscc) {
    $iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe",
        "$env:LOCALAPPDATA\Programs\Inno Setup 6\ISCC.exe") | Where-Object { Test-Path $_ } | Select-Object -First 1
}
if (-not $iscc) { Fail "Inno Setup 6 (ISCC.exe) not found: install it, or use -NoInstaller" }
Invoke-Checked "Inno Setup" { & $iscc /Qp "/DAppVersion=$version" packaging\windows\campusnet.iss }
Write-Host "installer: dist\CampusNet-$version-setup.exe"
