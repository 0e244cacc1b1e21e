#include "kernels/opencl/cl_devices.h"

namespace btr::kernels::opencl {
namespace {

std::string platform_string(cl_platform_id p, cl_platform_info what) {
  size_t size = 0;
  if (clGetPlatformInfo(p, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return {};
  std::string s(size, '\0');
  if (clGetPlatformInfo(p, what, size, s.data(), nullptr) != CL_SUCCESS) return {};
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

std::string device_string(cl_device_id d, cl_device_info what) {
  size_t size = 0;
  if (clGetDeviceInfo(d, what, 0, nullptr, &size) != CL_SUCCESS || size == 0) return {};
  std::string s(size, '\0');
  if (clGetDeviceInfo(d, what, size, s.data(), nullptr) != CL_SUCCESS) return {};
  while (!s.empty() && s.back() == '\0') s.pop_back();
  return s;
}

template <class T>
T device_value(cl_device_id d, cl_device_info what) {
  T v{};
  if (clGetDeviceInfo(d, what, sizeof v, &v, nullptr) != CL_SUCCESS) return T{};
  return v;
}

}  // namespace

std::vector<ClDevice> enumerate_devices() {
  std::vector<ClDevice> out;
  cl_uint nplatforms = 0;
  if (clGetPlatformIDs(0, nullptr, &nplatforms) != CL_SUCCESS || nplatforms == 0) return out;
  std::vector<cl_platform_id> platforms(nplatforms);
  if (clGetPlatformIDs(nplatforms, platforms.data(), nullptr) != CL_SUCCESS) return out;
  for (cl_platform_id p : platforms) {
    cl_uint ndevices = 0;
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 0, nullptr, &ndevices) != CL_SUCCESS) continue;
    std::vector<cl_device_id> devices(ndevices);
    if (clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, ndevices, devices.data(), nullptr) != CL_SUCCESS) {
      continue;
    }
    for (cl_device_id d : devices) {
      ClDevice info;
      info.platform = p;
      info.device = d;
      info.platform_name = platform_string(p, CL_PLATFORM_NAME);
      info.device_name = device_string(d, CL_DEVICE_NAME);
      info.driver_version = device_string(d, CL_DRIVER_VERSION);
      info.device_version = device_string(d, CL_DEVICE_VERSION);
      info.compute_units = device_value<cl_uint>(d, CL_DEVICE_MAX_COMPUTE_UNITS);
      info.is_cpu = (device_value<cl_device_type>(d, CL_DEVICE_TYPE) & CL_DEVICE_TYPE_CPU) != 0;
      info.available = device_value<cl_bool>(d, CL_DEVICE_AVAILABLE) == CL_TRUE &&
                       device_value<cl_bool>(d, CL_DEVICE_COMPILER_AVAILABLE) == CL_TRUE;
      out.push_back(std::move(info));
    }
  }
  return out;
}

std::string device_identity(const ClDevice& device) {
  return device.platform_name + "\n" + device.device_name + "\n" + device.driver_version + "\n" +
         device.device_version;
}

}  // namespace btr::kernels::opencl
