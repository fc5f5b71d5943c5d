# Compiler flags shared by every duet target, applied through duet_options.
#
# duet_options is also what an installed duet exports to its users (through
# duet::duet): the include folder, and link options a consumer needs. The
# warning, optimization and sanitizer compile flags below are duet's own
# choices for its own objects, so they are wrapped in $<BUILD_INTERFACE:...>:
# every in-tree target compiles with them, and the export leaves them out (a
# Debug consumer must not get -O3 -march=native, nor our warnings).
add_library(duet_options INTERFACE)
set(duet_own_flags -Wall -Wextra)
if(DUET_NATIVE)
  list(APPEND duet_own_flags -march=native)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  list(APPEND duet_own_flags -O3)
endif()
if(DUET_SANITIZE)
  list(APPEND duet_own_flags -fsanitize=address,undefined -fno-omit-frame-pointer
                             -fno-sanitize-recover=undefined)
  # Static libraries built with the sanitizers need their run-time library
  # in whatever links them, so this one is part of the interface.
  target_link_options(duet_options INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with ASan reports false maybe-uninitialized warnings inside
    # libstdc++'s <regex> (std::function in its NFA states).
    list(APPEND duet_own_flags -Wno-maybe-uninitialized)
  endif()
endif()
list(TRANSFORM duet_own_flags PREPEND "$<BUILD_INTERFACE:")
list(TRANSFORM duet_own_flags APPEND ">")
target_compile_options(duet_options INTERFACE ${duet_own_flags})
# duet's headers are C++20 (std::span, designated initializers): a consumer
# compiles them as C++20 at least.
target_compile_features(duet_options INTERFACE cxx_std_20)
target_include_directories(duet_options INTERFACE
  $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}> $<INSTALL_INTERFACE:include/duet>)

# duet_add_library(NAME DIR... [DEPS ...]): a static component library made of
# every .cpp directly in the given folders.
function(duet_add_library name)
  cmake_parse_arguments(ARG "" "" "DIRS;DEPS;PRIVATE_DEPS" ${ARGN})
  set(srcs)
  foreach(dir IN LISTS ARG_DIRS)
    file(GLOB dir_srcs CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${dir}/*.cpp)
    list(APPEND srcs ${dir_srcs})
  endforeach()
  if(NOT srcs) # a component still being written: keep the build configurable
    set(srcs ${CMAKE_CURRENT_BINARY_DIR}/${name}_empty.cpp)
    file(WRITE ${srcs} "// ${name} has no sources yet\n")
  endif()
  add_library(${name} STATIC ${srcs})
  add_library(duet::${name} ALIAS ${name})
  target_link_libraries(${name} PUBLIC duet_options ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  set_property(GLOBAL APPEND PROPERTY DUET_COMPONENTS ${name})
endfunction()
