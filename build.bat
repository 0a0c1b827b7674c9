@echo off
rem Builds, tests and runs llm-proxy. The work is done by .ci\Build.java, shared with build.sh; this file
rem only finds a JDK 21 or newer to start it with: JAVA_HOME, then java on PATH, then the usual install folders.
rem   build.bat               compile src\ into llm-proxy.jar
rem   build.bat test [ARGS]   build, compile test\, run JUnit (ARGS go to the console launcher)
rem   build.bat run [ARGS]    build if src\ changed, run the jar with that JDK (ARGS go to llm-proxy)
rem Nothing here parses "java -version": Build.java --probe answers with its exit code whether a java will do.

rem Keep BUILD and JAVA out of the caller's console.
setlocal
rem The folder of this file (with a trailing backslash) comes first in BUILD.
set "BUILD=%~dp0.ci\Build.java"
set "JAVA="
if defined JAVA_HOME call :try "%JAVA_HOME%\bin\java.exe"
rem "where" lists every java.exe on PATH in PATH order, its "not found" hidden; the first that passes wins.
if not defined JAVA for /f "delims=" %%j in ('where java.exe 2^>nul') do if not defined JAVA call :try "%%j"
if not defined JAVA for /d %%d in ("%ProgramFiles%\Java\*" "%ProgramFiles%\Eclipse Adoptium\*" "%ProgramFiles%\Microsoft\*" "%ProgramFiles%\Zulu\*" "%ProgramFiles%\Amazon Corretto\*" "%ProgramFiles%\BellSoft\*") do if not defined JAVA call :try "%%~d\bin\java.exe"
if defined JAVA goto :start
echo build.bat: no JDK 21 or newer found in JAVA_HOME, on PATH or under "%ProgramFiles%"; install one or set JAVA_HOME 1>&2
exit /b 1

:start
rem All arguments go to Build.java as typed; its exit code is this script's.
"%JAVA%" "%BUILD%" %*
exit /b %ERRORLEVEL%

rem Sets JAVA to the given java.exe if it exists and Build.java, started with it, accepts it (a JDK 21 or newer).
rem An older Java fails the probe (or cannot start a source file at all); its output is hidden.
:try
if exist "%~1" "%~1" "%BUILD%" --probe >nul 2>nul && set "JAVA=%~1"
exit /b 0
