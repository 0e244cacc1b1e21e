# Pool tests that open sockets or start processes are labelled "net": they
# live in test/pool/net/ and build into their own executable, btr_test_pool_net.
# Everything else under test/pool stays in btr_test_pool (label "unit").
if(TARGET btr_test_pool)
  get_target_property(_pool_srcs btr_test_pool SOURCES)
  set(_pool_unit_srcs ${_pool_srcs})
  list(FILTER _pool_unit_srcs EXCLUDE REGEX "/test/pool/net/")
  set_property(TARGET btr_test_pool PROPERTY SOURCES ${_pool_unit_srcs})

  file(GLOB_RECURSE _pool_net_srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/pool/net/*.cpp")
  if(_pool_net_srcs)
    add_executable(btr_test_pool_net ${_pool_net_srcs})
    target_link_libraries(btr_test_pool_net PRIVATE btr_test_common btr_pool btr_stratum btr_core
                          PkgConfig::LIBUV Threads::Threads btr_warnings)
    # The real-node test runs btr-node when it has been built (a full build
    # builds it); it reports itself skipped when the binary is missing. No
    # build dependency, so a broken node build does not hide the pool tests.
    if(TARGET btr-node)
      target_compile_definitions(btr_test_pool_net PRIVATE
                                 BTR_NODE_BINARY="$<TARGET_FILE:btr-node>")
    endif()
    if(LIBZMQ_FOUND)
      target_compile_definitions(btr_test_pool_net PRIVATE BTR_POOL_HAVE_ZMQ=1)
    endif()
    doctest_discover_tests(btr_test_pool_net
      TEST_PREFIX "pool: "
      PROPERTIES LABELS "net" SKIP_REGULAR_EXPRESSION "BTR-SKIP:" TIMEOUT 120)
  endif()
endif()
