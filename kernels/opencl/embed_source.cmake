# cmake -DINPUT=<file.cl> -DOUTPUT=<file.cpp> -DFUNCTION=<name> -P embed_source.cmake
# Writes a C++ file whose function btr::kernels::opencl::<name>() returns the text of INPUT.
file(READ "${INPUT}" text)
string(FIND "${text}" ")btrcl\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )btrcl\"")
endif()
get_filename_component(name "${INPUT}" NAME)
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${name} by embed_source.cmake. Do not edit.\n"
  "#include <string_view>\n\n"
  "namespace btr::kernels::opencl {\n\n"
  "std::string_view ${FUNCTION}();\n\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr char kText[] = R\"btrcl(${text})btrcl\";\n"
  "  return {kText, sizeof kText - 1};\n"
  "}\n\n"
  "}  // namespace btr::kernels::opencl\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
