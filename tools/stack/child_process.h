#pragma once
// One supervised child process on a libuv loop: spawned with its stdout and
// stderr piped back line by line (each line also appended to a log file), a
// stop that sends SIGTERM and, after a grace period, SIGKILL, and one exit
// report once the process has ended AND both pipes are drained, so no line
// it wrote is lost. Loop thread only. The object must stay alive until
// finished() (the loop owns its handles until then).

#include <uv.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::tools::stack {

struct ChildSpec {
  std::string name;  // "node", "pool", "rig1", ...
  std::filesystem::path executable;
  std::vector<std::string> args;
  std::filesystem::path log_file;  // appended; empty = none
};

class ChildProcess {
 public:
  using LineHandler = std::function<void(const std::string& line)>;
  // exit_status: the exit code, or -1 when a signal ended it (term_signal).
  using ExitHandler = std::function<void(int64_t exit_status, int term_signal)>;

  ChildProcess(uv_loop_t* loop, ChildSpec spec, LineHandler on_line, ExitHandler on_exit);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  core::Status start();
  // SIGTERM now, SIGKILL if still running after grace_s. Idempotent.
  void stop(double grace_s);
  // Sends a signal without expecting an exit (tests use it to crash a child).
  void signal(int signum);

  bool running() const { return spawned_ && !exited_; }
  bool finished() const { return handles_open_ == 0; }  // every handle closed
  bool stop_requested() const { return stop_requested_; }
  int pid() const { return pid_; }
  const ChildSpec& spec() const { return spec_; }

 private:
  struct Stream {
    ChildProcess* owner = nullptr;
    uv_pipe_t pipe{};
    std::string partial;  // bytes after the last newline
  };
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_process_exit(uv_process_t* process, int64_t exit_status, int term_signal);
  static void on_handle_closed(uv_handle_t* handle);

  void emit_line(std::string line);
  void close_handle(uv_handle_t* handle);
  void maybe_report_exit();

  uv_loop_t* loop_;
  ChildSpec spec_;
  LineHandler on_line_;
  ExitHandler on_exit_;
  std::ofstream log_;
  uv_process_t process_{};
  Stream out_;
  Stream err_;
  uv_timer_t kill_timer_{};
  std::vector<char> read_buffer_ = std::vector<char>(64 * 1024);
  int handles_open_ = 0;
  int streams_open_ = 0;
  bool spawned_ = false;
  bool exited_ = false;
  bool reported_ = false;
  bool stop_requested_ = false;
  int64_t exit_status_ = 0;
  int term_signal_ = 0;
  int pid_ = 0;
};

}  // namespace btr::tools::stack
