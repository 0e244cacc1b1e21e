# btr-stack's tests, included from test/tools/extra.cmake:
# - test/tools/stack/*_test.cpp: unit tests of the supervisor's pieces (label unit);
# - test/tools/stack_e2e: the whole stack as processes on loopback (label e2e),
#   each test bounded; the label runs in a few minutes.
if(TARGET btr_stack_lib AND TARGET btr_pool)
  file(GLOB stack_unit_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*_test.cpp")
  add_executable(btr_test_stack ${stack_unit_srcs})
  target_link_libraries(btr_test_stack PRIVATE btr_test_common btr_stack_lib btr_core btr_warnings)
  doctest_discover_tests(btr_test_stack TEST_PREFIX "stack: "
    PROPERTIES LABELS unit SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 60)

  file(GLOB stack_e2e_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/../stack_e2e/*.cpp")
  # The pool tests' process helper (test/pool/net/node_runner.cpp) spawns and reaps.
  add_executable(btr_test_e2e ${stack_e2e_srcs} ${PROJECT_SOURCE_DIR}/test/pool/net/node_runner.cpp)
  target_link_libraries(btr_test_e2e PRIVATE btr_test_common btr_stack_lib btr_pool btr_core
                        btr_warnings)
  target_compile_definitions(btr_test_e2e PRIVATE
    BTR_STACK_BIN="$<TARGET_FILE:btr-stack>" BTR_NODE_BIN="$<TARGET_FILE:btr-node>")
  add_dependencies(btr_test_e2e btr-stack)
  doctest_discover_tests(btr_test_e2e TEST_PREFIX "e2e: "
    PROPERTIES LABELS e2e SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 360)
endif()
