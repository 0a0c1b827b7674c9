@echo off
rem Builds, tests and runs llm-proxy. The work is done by .ci\Build.java, shared with build.sh; this file
rem only finds a JDK 21 or newer to start it with: JAVA_HOME, then java on PATH, then the usual install folders.
rem   build.bat               compile src\ -> llm-proxy.jar
rem   build.bat test [ARGS]   build, compile test\, run JUnit (ARGS go to the console launcher)
rem   build.bat run [ARGS]    build if src\ changed, run the jar with that JDK (ARGS go to llm-proxy)
setlocal
set "BUILD=%~dp0.ci\Build.java"
set "JAVA="
if defined JAVA_HOME call :try "%JAVA_HOME%\bin\java.exe"
if not defined JAVA for /f "delims=" %%j in ('where java.exe 2^>nul') do if not defined JAVA call :try "%%j"
if not defined JAVA for /d %%d in ("%ProgramFiles%\Java\*" "%ProgramFiles%\Eclipse Adoptium\*" "%ProgramFiles%\Microsoft\*" "%ProgramFiles%\Zulu\*" "%ProgramFiles%\Amazon Corretto\*" "%ProgramFiles%\BellSoft\*") do if not defined JAVA call :try "%%~d\bin\java.exe"
if defined JAVA goto :start
echo build.bat: no JDK 21 or newer found in JAVA_HOME, on PATH or under "%ProgramFiles%"; install one or set JAVA_HOME 1>&2
exit /b 1

:start
"%JAVA%" "%BUILD%" %*
exit /b %ERRORLEVEL%

rem Sets JAVA to %1 if Build.java, started with it, says it can build with it (a JDK 21 or newer).
rem No parsing of "java -version" here: the probe's exit code decides.
:try
if exist "%~1" "%~1" "%BUILD%" --probe >nul 2>nul && set "JAVA=%~1"
exit /b 0
