# Warning flags shared by every target of the project (not by dependencies).
add_library(btr_warnings INTERFACE)
target_compile_options(btr_warnings INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
   -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Wunused -Woverloaded-virtual -Wnull-dereference
   -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough>)
if(BTR_WERROR)
  target_compile_options(btr_warnings INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()

# btr_module(NAME DIR) creates the static library btr_NAME from every .cpp
# below DIR except those of instruction-set files (named *_<isa>.cpp), which
# the module's own CMakeLists adds with their own flags.
function(btr_module name)
  cmake_parse_arguments(ARG "" "" "EXCLUDE" ${ARGN})
  file(GLOB_RECURSE srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/*.cpp")
  foreach(pattern IN LISTS ARG_EXCLUDE)
    list(FILTER srcs EXCLUDE REGEX "${pattern}")
  endforeach()
  add_library(btr_${name} STATIC ${srcs})
  target_link_libraries(btr_${name} PRIVATE btr_warnings)
  set_target_properties(btr_${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
endfunction()

# btr_isa_source(TARGET FILE FLAGS...) adds one instruction-set file compiled
# with its own flags only, as Bitcoin Core's src/crypto does: nothing else in
# the target may use those instructions unguarded.
# -Wno-uninitialized: GCC 12's own intrinsic headers initialise the value of
# _mm512_undefined_epi32() and friends from itself, which -Wuninitialized
# reports (with -Werror, an error) at -O1 with the sanitizers.
function(btr_isa_source target file)
  target_sources(${target} PRIVATE ${file})
  set_source_files_properties(${file} PROPERTIES COMPILE_OPTIONS "${ARGN};-Wno-uninitialized")
endfunction()
