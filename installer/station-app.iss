; Inno Setup script for 代表联络站工作台 (Windows 10/11, 64-bit).
; Build the frozen program first (PyInstaller, see README.md), then from the project's top folder:
;     iscc /DAppVersion=0.1.0 installer\station-app.iss
; The setup program lands in dist\station-app-<version>-setup.exe.
;
; The installer speaks Chinese (English when Windows is set to English). It installs per user without
; administrator rights, or for all users when run as administrator; it adds a Start-menu entry and a desktop
; shortcut. Uninstalling removes the program's folder only: each person's data folder (%LOCALAPPDATA%\StationApp:
; the database, its backups, the logs) is not the installer's and stays.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "代表联络站工作台"
#define AppExe "station-app-window.exe"

; Inno Setup 6.5 and later carry the Chinese messages themselves; older ones list them as an unofficial
; translation, which the build fetches beside this script (README.md, .github/workflows/windows.yml).
#if FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
  #define ChineseMessages "compiler:Languages\ChineseSimplified.isl"
#else
  #define ChineseMessages "installer\ChineseSimplified.isl"
#endif

[Setup]
AppId={{62835284-4F04-4ACF-B6C4-C239996A5F3A}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=代表联络站工作台
VersionInfoVersion={#AppVersion}
VersionInfoDescription={#AppName} 安装程序
DefaultDirName={autopf}\StationApp
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; per user by default (no administrator needed on an office PC); the dialog offers all users to an administrator
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
SourceDir=..
OutputDir=dist
OutputBaseFilename=station-app-{#AppVersion}-setup
SetupIconFile=resources\icons\station-app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
; the program holds its database open: close it before files are replaced or removed
CloseApplications=yes

[Languages]
Name: "chinesesimplified"; MessagesFile: "{#ChineseMessages}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; the whole one-folder program: station-app-window.exe (the window), station-app.exe (the command line), _internal\
Source: "dist\station-app\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entry for the data folder, on purpose: a station's records outlive any version of the
; program, and a reinstall finds them where they were.
