# test/node/extra.cmake: included by test/CMakeLists.txt after btr_test_node.
# - Unit suite: also compiles btr-cli's attackprob calculation.
# - Tests under test/node/net/ start btr-node (and btr-cli) as processes on
#   loopback: they move into their own executable labelled "net", with the
#   binaries' paths as compile definitions.
if(TARGET btr_test_node)
  target_sources(btr_test_node PRIVATE ${PROJECT_SOURCE_DIR}/tools/cli/attack_prob.cpp)
  get_target_property(_node_srcs btr_test_node SOURCES)
  set(_net_srcs ${_node_srcs})
  list(FILTER _node_srcs EXCLUDE REGEX "/test/node/(net|bench)/")
  list(FILTER _net_srcs INCLUDE REGEX "/test/node/net/")
  set_property(TARGET btr_test_node PROPERTY SOURCES ${_node_srcs})
  if(_net_srcs)
    add_executable(btr_test_node_net ${_net_srcs})
    target_link_libraries(btr_test_node_net PRIVATE btr_test_common btr_node btr_core btr_warnings)
    target_compile_definitions(btr_test_node_net PRIVATE
      BTR_NODE_BIN="$<TARGET_FILE:btr-node>" BTR_CLI_BIN="$<TARGET_FILE:btr-cli>")
    add_dependencies(btr_test_node_net btr-node btr-cli)
    if(LIBZMQ_FOUND)
      target_link_libraries(btr_test_node_net PRIVATE PkgConfig::LIBZMQ)
    endif()
    # The node benchmarks (issue 5): a plain program, run by hand, not by ctest.
    add_executable(btr_node_bench ${PROJECT_SOURCE_DIR}/test/node/bench/node_bench.cpp
                                  ${PROJECT_SOURCE_DIR}/test/node/net/node_process.cpp
                                  ${PROJECT_SOURCE_DIR}/test/common/test_util.cpp)
    target_link_libraries(btr_node_bench PRIVATE btr_node btr_core btr_warnings)
    target_compile_definitions(btr_node_bench PRIVATE BTR_NODE_BIN="$<TARGET_FILE:btr-node>")
    add_dependencies(btr_node_bench btr-node)
    doctest_discover_tests(btr_test_node_net
      TEST_PREFIX "node-net: "
      PROPERTIES LABELS "net" SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 120)
  endif()
endif()
