# btr-miner's tests (test/tools/miner: unit; test/tools/miner_net: sockets on
# 127.0.0.1, label "net"). They need the miner's library, which exists only
# when btr_kernels and btr_stratum do.
if(TARGET btr_miner_lib)
  file(GLOB_RECURSE tools_net_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/tools/miner_net/*.cpp")
  if(TARGET btr_test_tools)
    # test/CMakeLists.txt already built every test/tools source into the suite.
    target_link_libraries(btr_test_tools PRIVATE btr_miner_lib)
  else()
    file(GLOB_RECURSE tools_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/tools/*.cpp")
    list(REMOVE_ITEM tools_srcs ${tools_net_srcs})
    list(FILTER tools_srcs EXCLUDE REGEX "/tools/stack(_e2e)?/")  # stack/stack_tests.cmake
    list(FILTER tools_srcs EXCLUDE REGEX "/tools/stratum_load/")  # stratum_load/stratum_load_tests.cmake
    if(tools_srcs)
      add_executable(btr_test_tools ${tools_srcs})
      target_link_libraries(btr_test_tools PRIVATE btr_test_common btr_miner_lib btr_core btr_warnings)
      doctest_discover_tests(btr_test_tools TEST_PREFIX "tools: "
        PROPERTIES LABELS unit SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 300)
    endif()
    if(tools_net_srcs)
      add_executable(btr_test_tools_net ${tools_net_srcs})
      target_link_libraries(btr_test_tools_net PRIVATE btr_test_common btr_miner_lib btr_core btr_warnings)
      # The real-stack tests run btr-node, btr-pool and btr-miner as processes
      # (test/pool/net/node_runner.cpp starts them); they report themselves
      # skipped when a binary is missing. No build dependency on btr-node, so
      # a broken node build does not hide the miner's tests.
      if(TARGET btr_pool AND TARGET btr-pool)
        target_sources(btr_test_tools_net PRIVATE
                       ${CMAKE_CURRENT_SOURCE_DIR}/pool/net/node_runner.cpp)
        target_link_libraries(btr_test_tools_net PRIVATE btr_pool btr_stratum)
        add_dependencies(btr_test_tools_net btr-miner btr-pool)
        target_compile_definitions(btr_test_tools_net PRIVATE
          BTR_POOL_BINARY="$<TARGET_FILE:btr-pool>" BTR_MINER_BINARY="$<TARGET_FILE:btr-miner>")
        if(TARGET btr-node)
          target_compile_definitions(btr_test_tools_net PRIVATE
                                     BTR_NODE_BINARY="$<TARGET_FILE:btr-node>")
        endif()
      endif()
      doctest_discover_tests(btr_test_tools_net TEST_PREFIX "tools: "
        PROPERTIES LABELS net SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 120)
    endif()
  endif()
endif()
# btr-stack's unit and end-to-end tests.
include(${CMAKE_CURRENT_SOURCE_DIR}/tools/stack/stack_tests.cmake)
# btr-stratum-load's unit tests.
include(${CMAKE_CURRENT_SOURCE_DIR}/tools/stratum_load/stratum_load_tests.cmake)
