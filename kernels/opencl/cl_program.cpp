#include "kernels/opencl/cl_program.h"

#include <fstream>
#include <iterator>
#include <system_error>
#include <vector>

#include "core/crypto/sha256.h"
#include "core/hex.h"

namespace btr::kernels::opencl {
namespace {

std::span<const uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::filesystem::path binary_path(const BuildRequest& r) {
  return r.cache_dir / ("opencl-" + program_key(*r.device, r.options, r.source) + ".bin");
}

std::string build_log(cl_program program, cl_device_id device) {
  size_t size = 0;
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, nullptr, &size) !=
          CL_SUCCESS ||
      size == 0) {
    return {};
  }
  std::string log(size, '\0');
  if (clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, size, log.data(), nullptr) !=
      CL_SUCCESS) {
    return {};
  }
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  return log;
}

std::vector<unsigned char> read_binary(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes via a temporary file and a rename, so a concurrent reader never sees half a binary.
void store_binary(const std::filesystem::path& path, cl_program program) {
  size_t size = 0;
  if (clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof size, &size, nullptr) !=
          CL_SUCCESS ||
      size == 0) {
    return;
  }
  std::vector<unsigned char> binary(size);
  unsigned char* ptr = binary.data();
  if (clGetProgramInfo(program, CL_PROGRAM_BINARIES, sizeof ptr, &ptr, nullptr) != CL_SUCCESS) {
    return;
  }
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return;
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out.write(reinterpret_cast<const char*>(binary.data()), static_cast<std::streamsize>(size));
    if (!out) return;
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

ClProgram from_binary(const BuildRequest& r, const std::vector<unsigned char>& binary) {
  const size_t size = binary.size();
  const unsigned char* ptr = binary.data();
  cl_int binary_status = CL_SUCCESS;
  cl_int err = CL_SUCCESS;
  ClProgram program(clCreateProgramWithBinary(r.context, 1, &r.device->device, &size, &ptr,
                                              &binary_status, &err));
  if (err != CL_SUCCESS || binary_status != CL_SUCCESS) return {};
  if (clBuildProgram(program.get(), 1, &r.device->device, r.options.c_str(), nullptr, nullptr) !=
      CL_SUCCESS) {
    return {};
  }
  return program;
}

}  // namespace

std::string program_key(const ClDevice& device, std::string_view options, std::string_view source) {
  core::Sha256 h;
  const std::string identity = device_identity(device);
  h.write(bytes_of(identity));
  h.write(bytes_of("\noptions:"));
  h.write(bytes_of(options));
  h.write(bytes_of("\nsource:"));
  h.write(bytes_of(source));
  return core::to_hex(h.finalize().bytes);
}

core::Result<BuiltProgram> build_program(const BuildRequest& r) {
  const bool cached = !r.cache_dir.empty();
  if (cached) {
    const auto binary = read_binary(binary_path(r));
    if (!binary.empty()) {
      if (ClProgram program = from_binary(r, binary)) return BuiltProgram{std::move(program), true};
    }
  }
  const char* text = r.source.data();
  const size_t length = r.source.size();
  cl_int err = CL_SUCCESS;
  ClProgram program(clCreateProgramWithSource(r.context, 1, &text, &length, &err));
  if (err != CL_SUCCESS) return cl_fail("clCreateProgramWithSource", err);
  err = clBuildProgram(program.get(), 1, &r.device->device, r.options.c_str(), nullptr, nullptr);
  if (err != CL_SUCCESS) {
    return core::fail("clBuildProgram: " + cl_error_name(err) + "\n" +
                      build_log(program.get(), r.device->device));
  }
  if (cached) store_binary(binary_path(r), program.get());
  return BuiltProgram{std::move(program), false};
}

}  // namespace btr::kernels::opencl
