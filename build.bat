@echo off
rem Builds llm-proxy.jar with plain javac + jar; "build.bat test" also runs every JUnit test.
rem   build.bat               compile src\ -> llm-proxy.jar
rem   build.bat test [ARGS]   build, compile test\, run JUnit (ARGS go to the console launcher)
setlocal enabledelayedexpansion
cd /d "%~dp0"

set JUNIT_VERSION=1.11.4
set JUNIT_JAR=lib\junit-platform-console-standalone-%JUNIT_VERSION%.jar
if "%BUILD_DIR%"=="" set BUILD_DIR=build

rem ---- find a JDK >= 21: JAVA_HOME, then javac on PATH ----
set JDK_BIN=
if not "%JAVA_HOME%"=="" call :try_jdk "%JAVA_HOME%\bin"
if "%JDK_BIN%"=="" (
    for /f "delims=" %%j in ('where javac 2^>nul') do (
        if "!JDK_BIN!"=="" call :try_jdk "%%~dpj."
    )
)
if "%JDK_BIN%"=="" (
    echo build.bat: no JDK 21 or newer found ^(looked at JAVA_HOME and javac on PATH^); install one and/or set JAVA_HOME to it 1>&2
    exit /b 1
)

if /i "%~1"=="test" goto :test
if not "%~1"=="" (
    echo build.bat: unknown command '%~1' ^(use: build.bat [test]^) 1>&2
    exit /b 1
)
call :build || exit /b 1
exit /b 0

:test
call :build || exit /b 1
call :fetch_junit || exit /b 1
if exist "%BUILD_DIR%\test-classes" rmdir /s /q "%BUILD_DIR%\test-classes"
mkdir "%BUILD_DIR%\test-classes"
dir /s /b test\*.java > "%BUILD_DIR%\test-sources.txt"
"%JDK_BIN%\javac" --release 21 -encoding UTF-8 -Xlint:all -Xlint:-processing -Werror -cp "%BUILD_DIR%\classes;%JUNIT_JAR%" -d "%BUILD_DIR%\test-classes" @"%BUILD_DIR%\test-sources.txt" || exit /b 1
xcopy /s /q /y /exclude:.ci\xcopy-exclude.txt test\llmproxy "%BUILD_DIR%\test-classes\llmproxy\" >nul
shift
set ARGS=
:collect
if "%~1"=="" goto :run
set ARGS=%ARGS% %1
shift
goto :collect
:run
if "%ARGS%"=="" set ARGS=--scan-class-path
"%JDK_BIN%\java" -jar "%JUNIT_JAR%" execute --disable-banner --details=summary --details-theme=ascii -cp "%BUILD_DIR%\classes;%BUILD_DIR%\test-classes" %ARGS%
exit /b %ERRORLEVEL%

:build
if exist "%BUILD_DIR%\classes" rmdir /s /q "%BUILD_DIR%\classes"
mkdir "%BUILD_DIR%\classes"
dir /s /b src\*.java > "%BUILD_DIR%\sources.txt"
"%JDK_BIN%\javac" --release 21 -encoding UTF-8 -Xlint:all -Werror -d "%BUILD_DIR%\classes" @"%BUILD_DIR%\sources.txt" || exit /b 1
"%JDK_BIN%\jar" --create --file llm-proxy.jar --main-class llmproxy.Main -C "%BUILD_DIR%\classes" . || exit /b 1
echo built llm-proxy.jar
exit /b 0

:fetch_junit
if exist "%JUNIT_JAR%" exit /b 0
if not exist lib mkdir lib
set COORDS=org.junit.platform:junit-platform-console-standalone:%JUNIT_VERSION%
where mvn >nul 2>nul && (
    echo fetching %COORDS% with mvn
    call mvn -q dependency:copy -Dartifact=%COORDS% -DoutputDirectory=lib
)
if not exist "%JUNIT_JAR%" (
    where curl >nul 2>nul && (
        echo fetching %COORDS% with curl
        curl -fsSL -o "%JUNIT_JAR%" https://repo1.maven.org/maven2/org/junit/platform/junit-platform-console-standalone/%JUNIT_VERSION%/junit-platform-console-standalone-%JUNIT_VERSION%.jar
    )
)
if not exist "%JUNIT_JAR%" (
    echo build.bat: could not fetch %COORDS%: need mvn or curl with access to Maven Central 1>&2
    exit /b 1
)
exit /b 0

rem Sets JDK_BIN to %1 when it holds a javac/java of version 21 or newer.
:try_jdk
if not exist "%~1\javac.exe" exit /b 0
for /f "tokens=3" %%v in ('"%~1\java.exe" -version 2^>^&1 ^| findstr /i "version"') do set JV=%%~v
for /f "delims=." %%m in ("%JV%") do set JMAJOR=%%m
if %JMAJOR% GEQ 21 set JDK_BIN=%~1
exit /b 0
