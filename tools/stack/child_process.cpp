#include "tools/stack/child_process.h"

#include <csignal>

namespace btr::tools::stack {

ChildProcess::ChildProcess(uv_loop_t* loop, ChildSpec spec, LineHandler on_line,
                           ExitHandler on_exit)
    : loop_(loop),
      spec_(std::move(spec)),
      on_line_(std::move(on_line)),
      on_exit_(std::move(on_exit)) {
  out_.owner = this;
  err_.owner = this;
}

ChildProcess::~ChildProcess() = default;

core::Status ChildProcess::start() {
  if (!spec_.log_file.empty()) {
    log_.open(spec_.log_file, std::ios::app);
    if (!log_) return core::fail("cannot open " + spec_.log_file.string());
  }
  for (Stream* s : {&out_, &err_}) {
    uv_pipe_init(loop_, &s->pipe, 0);
    s->pipe.data = s;
    ++handles_open_;
  }
  uv_timer_init(loop_, &kill_timer_);
  kill_timer_.data = this;
  ++handles_open_;

  std::vector<std::string> argv_storage;
  argv_storage.push_back(spec_.executable.string());
  argv_storage.insert(argv_storage.end(), spec_.args.begin(), spec_.args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_storage) argv.push_back(a.data());
  argv.push_back(nullptr);

  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = reinterpret_cast<uv_stream_t*>(&out_.pipe);
  stdio[2].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[2].data.stream = reinterpret_cast<uv_stream_t*>(&err_.pipe);

  uv_process_options_t options{};
  options.file = argv[0];
  options.args = argv.data();
  options.exit_cb = &ChildProcess::on_process_exit;
  options.stdio_count = 3;
  options.stdio = stdio;
  // Its own session: a terminal's Ctrl-C reaches btr-stack alone, which then
  // stops the children in order (miners, pool, node) instead of all at once.
  options.flags = UV_PROCESS_DETACHED;
  process_.data = this;
  const int rc = uv_spawn(loop_, &process_, &options);
  ++handles_open_;  // uv_spawn initializes the handle even when it fails
  if (rc != 0) {
    exited_ = true;
    reported_ = true;  // nothing to report: the caller gets the error
    close_handle(reinterpret_cast<uv_handle_t*>(&process_));
    close_handle(reinterpret_cast<uv_handle_t*>(&out_.pipe));
    close_handle(reinterpret_cast<uv_handle_t*>(&err_.pipe));
    close_handle(reinterpret_cast<uv_handle_t*>(&kill_timer_));
    return core::fail("cannot start " + spec_.executable.string() + ": " + uv_strerror(rc));
  }
  spawned_ = true;
  pid_ = process_.pid;
  streams_open_ = 2;
  for (Stream* s : {&out_, &err_}) {
    uv_read_start(reinterpret_cast<uv_stream_t*>(&s->pipe), &ChildProcess::on_alloc,
                  &ChildProcess::on_read);
  }
  return core::Status::success();
}

void ChildProcess::stop(double grace_s) {
  if (!running() || stop_requested_) return;
  stop_requested_ = true;
  uv_process_kill(&process_, SIGTERM);
  uv_timer_start(
      &kill_timer_,
      [](uv_timer_t* t) {
        auto* self = static_cast<ChildProcess*>(t->data);
        if (!self->running()) return;
        self->emit_line("btr-stack: still running after SIGTERM, sending SIGKILL");
        uv_process_kill(&self->process_, SIGKILL);
      },
      static_cast<uint64_t>(grace_s * 1000), 0);
}

void ChildProcess::signal(int signum) {
  if (running()) uv_process_kill(&process_, signum);
}

void ChildProcess::on_alloc(uv_handle_t* handle, size_t /*suggested*/, uv_buf_t* buf) {
  ChildProcess* self = static_cast<Stream*>(handle->data)->owner;
  *buf = uv_buf_init(self->read_buffer_.data(), static_cast<unsigned>(self->read_buffer_.size()));
}

void ChildProcess::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* s = static_cast<Stream*>(stream->data);
  ChildProcess* self = s->owner;
  if (nread > 0) {
    s->partial.append(buf->base, static_cast<size_t>(nread));
    size_t start = 0;
    for (size_t nl = s->partial.find('\n'); nl != std::string::npos;
         nl = s->partial.find('\n', start)) {
      std::string line = s->partial.substr(start, nl - start);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      self->emit_line(std::move(line));
      start = nl + 1;
    }
    s->partial.erase(0, start);
    return;
  }
  if (nread == 0) return;  // EAGAIN
  // EOF or an error: the child closed its end.
  if (!s->partial.empty()) self->emit_line(std::move(s->partial));
  s->partial.clear();
  uv_read_stop(stream);
  self->close_handle(reinterpret_cast<uv_handle_t*>(stream));
  --self->streams_open_;
  self->maybe_report_exit();
}

void ChildProcess::on_process_exit(uv_process_t* process, int64_t exit_status, int term_signal) {
  auto* self = static_cast<ChildProcess*>(process->data);
  self->exited_ = true;
  self->exit_status_ = term_signal != 0 ? -1 : exit_status;
  self->term_signal_ = term_signal;
  uv_timer_stop(&self->kill_timer_);
  self->close_handle(reinterpret_cast<uv_handle_t*>(process));
  self->maybe_report_exit();
}

void ChildProcess::maybe_report_exit() {
  // A grandchild could keep the pipes open after the child died; the pipes
  // carry the child's last lines, so wait for both unless that happens.
  if (!exited_ || streams_open_ > 0 || reported_) return;
  reported_ = true;
  close_handle(reinterpret_cast<uv_handle_t*>(&kill_timer_));
  log_.flush();
  if (on_exit_) on_exit_(exit_status_, term_signal_);
}

void ChildProcess::emit_line(std::string line) {
  if (log_) log_ << line << '\n';
  if (on_line_) on_line_(line);
}

void ChildProcess::close_handle(uv_handle_t* handle) {
  if (uv_is_closing(handle) != 0) return;
  handle->data = this;
  uv_close(handle, &ChildProcess::on_handle_closed);
}

void ChildProcess::on_handle_closed(uv_handle_t* handle) {
  --static_cast<ChildProcess*>(handle->data)->handles_open_;
}

}  // namespace btr::tools::stack
