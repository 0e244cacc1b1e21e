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
    if(tools_srcs)
      add_executable(btr_test_tools ${tools_srcs})
      target_link_libraries(btr_test_tools PRIVATE btr_test_common btr_miner_lib btr_core btr_warnings)
      doctest_discover_tests(btr_test_tools TEST_PREFIX "tools: "
        PROPERTIES LABELS unit SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 300)
    endif()
    if(tools_net_srcs)
      add_executable(btr_test_tools_net ${tools_net_srcs})
      target_link_libraries(btr_test_tools_net PRIVATE btr_test_common btr_miner_lib btr_core btr_warnings)
      doctest_discover_tests(btr_test_tools_net TEST_PREFIX "tools: "
        PROPERTIES LABELS net SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 120)
    endif()
  endif()
endif()
