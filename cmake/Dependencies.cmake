# All third-party code comes from Debian 12 packages (scripts/setup.sh installs them).
find_package(Threads REQUIRED)
find_package(Vulkan REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(Boost 1.74 REQUIRED)            # Boost.Graph is header-only
find_package(PNG REQUIRED)
find_package(ZLIB REQUIRED)               # Whisper's compression ratio (libpng needs it too)
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SNDFILE REQUIRED IMPORTED_TARGET sndfile)
pkg_check_modules(SAMPLERATE REQUIRED IMPORTED_TARGET samplerate)
pkg_check_modules(FFTW3F REQUIRED IMPORTED_TARGET fftw3f)
pkg_check_modules(OPENBLAS REQUIRED IMPORTED_TARGET openblas)
pkg_check_modules(ICU REQUIRED IMPORTED_TARGET icu-uc icu-i18n)  # Unicode normalisation + regex (tokenizers)

find_program(GLSLANG_VALIDATOR NAMES glslangValidator REQUIRED)
