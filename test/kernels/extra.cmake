# Extras of the kernels suite. GPU backends (helper h4): the OpenCL tests include <CL/cl.h>.
if(TARGET btr_test_kernels AND BTR_HAVE_OPENCL)
  target_link_libraries(btr_test_kernels PRIVATE OpenCL::OpenCL)
endif()
