# The pure core, checked by folder: every C++ file under bot/, escrow/, voting/, accounts/ and payments/ (at any depth)
# but a store's fails the check when it includes an I/O library (pqxx, Beast, Asio, OpenSSL,
# spdlog) or a header of app/, or reads the clock: the core is given `now`.
# Usage: cmake -DROOT=<source dir> -P tests/core_purity.cmake
# Prints `file:line: text` for each offence and fails; prints "core is pure" otherwise.
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  message(FATAL_ERROR "give the source directory: cmake -DROOT=<dir> -P core_purity.cmake")
endif()

set(core_folders bot escrow voting accounts payments)
set(source_globs *.cpp *.hpp *.h *.cc *.hh *.cxx *.hxx *.ipp *.inl *.tpp)
# A store is where the core meets the database: the files under a module's store/ folder.
string(REPLACE ";" "|" core_alternatives "${core_folders}")
set(store_folder_regex "^(${core_alternatives})/(.+/)?store/")

# `#include <x>` or `#include "x"` of these (prefixes of the included path).
set(forbidden_include_regex "^[ \t]*#[ \t]*include[ \t]*[<\"](pqxx|boost/beast|boost/asio|openssl|spdlog|app/)")
# Reading the clock (outside `//` comments).
set(clock_regex "(system_clock::now|steady_clock::now|high_resolution_clock::now|std::time\\(|(^|[^A-Za-z0-9_])time\\(nullptr\\)|gettimeofday|clock_gettime)")

set(globs "")
foreach(folder IN LISTS core_folders)
  foreach(g IN LISTS source_globs)
    list(APPEND globs ${ROOT}/${folder}/${g})
  endforeach()
endforeach()
file(GLOB_RECURSE core RELATIVE ${ROOT} ${globs})
list(SORT core)

set(offences "")
set(checked 0)
foreach(f IN LISTS core)
  if(f MATCHES "${store_folder_regex}")
    continue()
  endif()
  math(EXPR checked "${checked} + 1")
  file(READ ${ROOT}/${f} content)
  # One list item per line: characters that CMake lists treat specially are set aside first.
  string(REPLACE "\\" "<bs>" content "${content}")
  string(REPLACE ";" "<semicolon>" content "${content}")
  string(REPLACE "[" "<lb>" content "${content}")
  string(REPLACE "]" "<rb>" content "${content}")
  string(REPLACE "\n" ";" content "${content}")
  set(number 0)
  foreach(line IN LISTS content)
    math(EXPR number "${number} + 1")
    string(REGEX REPLACE "//.*$" "" code "${line}")
    if(line MATCHES "${forbidden_include_regex}" OR code MATCHES "${clock_regex}")
      string(REPLACE "<bs>" "\\" shown "${line}")
      string(REPLACE "<semicolon>" ";" shown "${shown}")
      string(REPLACE "<lb>" "[" shown "${shown}")
      string(REPLACE "<rb>" "]" shown "${shown}")
      string(STRIP "${shown}" shown)
      string(APPEND offences "  ${f}:${number}: ${shown}\n")
    endif()
  endforeach()
endforeach()

if(offences)
  message(FATAL_ERROR "the pure core includes I/O libraries or app/, or reads the clock:\n${offences}")
endif()
message(STATUS "core is pure (${checked} files)")
