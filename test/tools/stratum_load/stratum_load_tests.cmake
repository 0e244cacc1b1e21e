# btr-stratum-load's unit tests (the fast notify scanner, the stats merge),
# included from test/tools/extra.cmake. They link btr_stratum_load_lib only,
# so they build wherever the load tool does (no btr_kernels needed).
if(TARGET btr_stratum_load_lib)
  file(GLOB stratum_load_test_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_LIST_DIR}/*_test.cpp")
  add_executable(btr_test_stratum_load ${stratum_load_test_srcs})
  target_link_libraries(btr_test_stratum_load PRIVATE btr_test_common btr_stratum_load_lib
                        btr_stratum btr_core btr_warnings)
  doctest_discover_tests(btr_test_stratum_load TEST_PREFIX "stratum_load: "
    PROPERTIES LABELS unit SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 60)
endif()
