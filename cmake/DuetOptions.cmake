# Compiler flags shared by every duet target, applied through duet_options.
add_library(duet_options INTERFACE)
target_compile_options(duet_options INTERFACE -Wall -Wextra)
if(DUET_NATIVE)
  target_compile_options(duet_options INTERFACE -march=native)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  target_compile_options(duet_options INTERFACE -O3)
endif()
if(DUET_SANITIZE)
  target_compile_options(duet_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
                                                -fno-sanitize-recover=undefined)
  target_link_options(duet_options INTERFACE -fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with ASan reports false maybe-uninitialized warnings inside
    # libstdc++'s <regex> (std::function in its NFA states).
    target_compile_options(duet_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
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
