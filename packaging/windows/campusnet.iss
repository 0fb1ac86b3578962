; CampusNet installer for Windows (Inno Setup 6). Build dist\campusnet first (packaging\build_windows.ps1 does both):
;
;     ISCC.exe /DAppVersion=0.1.0 packaging\windows\campusnet.iss
;
; Installs the one-folder build into C:\Program Files\CampusNet with a Start-menu entry (and a desktop icon if
; chosen), an uninstaller, and optionally the background polling task (Task Scheduler, from
; campusnet-poll-task.xml), which the uninstaller removes again. The store and its history stay in
; %LOCALAPPDATA%\CampusNet when CampusNet is uninstalled.
;
; Languages: English, and Traditional Chinese where Inno Setup has ChineseTraditional.isl (an unofficial
; translation, not installed with Inno Setup): put it in Inno Setup's Languages or Languages\Unofficial folder, or
; beside this script; without it the installer is English only (the compiler says so).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "CampusNet"
#define AppExeName "campusnet.exe"
#define AppGuiExeName "campusnetw.exe"
#define TaskXml "campusnet-poll-task.xml"
#define TaskName "CampusNet\Poll"
#define DistDir "..\..\dist\campusnet"

#if FileExists(CompilerPath + "Languages\ChineseTraditional.isl")
  #define ZhTwMessages "compiler:Languages\ChineseTraditional.isl"
#elif FileExists(CompilerPath + "Languages\Unofficial\ChineseTraditional.isl")
  #define ZhTwMessages "compiler:Languages\Unofficial\ChineseTraditional.isl"
#elif FileExists(SourcePath + "ChineseTraditional.isl")
  #define ZhTwMessages "ChineseTraditional.isl"
#else
  #pragma warning "ChineseTraditional.isl not found: the installer will be in English only"
#endif

[Setup]
AppId={{6F1B7C2E-3D4A-4E8B-9C61-2A7E5D9F0B13}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
; The background task's XML names %ProgramFiles%\CampusNet\campusnetw.exe, so the folder is fixed.
DefaultDirName={autopf}\CampusNet
DisableDirPage=yes
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=CampusNet-{#AppVersion}-setup
SetupIconFile=..\icons\campusnet.ico
UninstallDisplayIcon={app}\{#AppExeName}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes
RestartApplications=no
; {localappdata} below is the installing user's data folder, on purpose.
UsedUserAreasWarning=no

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
#ifdef ZhTwMessages
Name: "zh_TW"; MessagesFile: "{#ZhTwMessages}"
#endif

[CustomMessages]
en.TaskGroupService=Background polling:
en.TaskPollService=Poll the network in the background whenever a user signs in (Task Scheduler)
en.StatusRegisterTask=Registering the background polling task...
en.LaunchApp=Open CampusNet now
#ifdef ZhTwMessages
zh_TW.TaskGroupService=背景輪詢：
zh_TW.TaskPollService=使用者登入時即在背景持續監控網路（工作排程器）
zh_TW.StatusRegisterTask=正在登錄背景輪詢工作...
zh_TW.LaunchApp=立即開啟 CampusNet
#endif

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "pollservice"; Description: "{cm:TaskPollService}"; GroupDescription: "{cm:TaskGroupService}"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "{#TaskXml}"; DestDir: "{app}"; Flags: ignoreversion
Source: "..\icons\campusnet.ico"; DestDir: "{app}"; Flags: ignoreversion

[Dirs]
; The store's folder for the user who installs; the app and the task use %LOCALAPPDATA%\CampusNet\inventory.db.
Name: "{localappdata}\CampusNet"; Flags: uninsneveruninstall

[Icons]
; campusnetw.exe opens the window without a console; it starts in the user's own data folder, where the store is.
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppGuiExeName}"; WorkingDir: "%LOCALAPPDATA%\CampusNet"; IconFilename: "{app}\campusnet.ico"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppGuiExeName}"; WorkingDir: "%LOCALAPPDATA%\CampusNet"; IconFilename: "{app}\campusnet.ico"; Tasks: desktopicon

[Run]
Filename: "{sys}\schtasks.exe"; Parameters: "/Create /XML ""{app}\{#TaskXml}"" /TN ""{#TaskName}"" /F"; Flags: runhidden waituntilterminated; Tasks: pollservice; StatusMsg: "{cm:StatusRegisterTask}"
Filename: "{sys}\schtasks.exe"; Parameters: "/Run /TN ""{#TaskName}"""; Flags: runhidden waituntilterminated; Tasks: pollservice
Filename: "{app}\{#AppGuiExeName}"; WorkingDir: "{localappdata}\CampusNet"; Description: "{cm:LaunchApp}"; Flags: postinstall nowait skipifsilent runasoriginaluser

[UninstallRun]
Filename: "{sys}\schtasks.exe"; Parameters: "/End /TN ""{#TaskName}"""; Flags: runhidden waituntilterminated; RunOnceId: "EndPollTask"
Filename: "{sys}\schtasks.exe"; Parameters: "/Delete /TN ""{#TaskName}"" /F"; Flags: runhidden waituntilterminated; RunOnceId: "DeletePollTask"
Filename: "{sys}\taskkill.exe"; Parameters: "/F /IM {#AppGuiExeName}"; Flags: runhidden waituntilterminated; RunOnceId: "StopCampusNet"

[Code]
{ An update replaces the program's files: stop the running background task first so none of them is in use. }
function PrepareToInstall(var NeedsRestart: Boolean): String;
var
  ResultCode: Integer;
begin
  Exec(ExpandConstant('{sys}\schtasks.exe'), '/End /TN "{#TaskName}"', '', SW_HIDE, ewWaitUntilTerminated, ResultCode);
  Result := '';
end;
