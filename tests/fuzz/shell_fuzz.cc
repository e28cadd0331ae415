// tests/fuzz/shell_fuzz.cc: the shell core (issue 7) on arbitrary input. The input is parsed
// command by command and, when it parses, run against a host where nothing exists (no programs,
// no files; writes vanish), with small recursion limits and an interrupt after a fixed number of
// loop steps so that `while :; do :; done` ends. Whatever the input, the parser and interpreter
// must return; ASan/UBSan catch the rest. The first byte picks parse-only or parse-and-run.
#include <stddef.h>
#include <stdint.h>

#include "servers/shell/line_editor.h"
#include "servers/shell/parser.h"
#include "servers/shell/shell.h"

namespace {

class NullHost final : public shell::Host {
 public:
  shell::HostError spawn(const shell::SpawnRequest&, int*) override { return shell::HostError::NotFound; }
  shell::HostError wait(int, int*) override { return shell::HostError::NoChild; }
  shell::HostError kill(int, int) override { return shell::HostError::NoProcess; }
  int pid() override { return 2; }
  int ppid() override { return 1; }
  shell::HostError open(const char*, shell::OpenMode mode, int* fd) override {
    if (mode == shell::OpenMode::Read) return shell::HostError::NotFound;
    *fd = next_fd_++;
    return shell::HostError::Ok;
  }
  shell::HostError close(int) override { return shell::HostError::Ok; }
  long read(int, void*, size_t) override { return 0; }
  long write(int, const void*, size_t len) override { return static_cast<long>(len); }
  shell::HostError pipe(int fds[2]) override {
    fds[0] = next_fd_++;
    fds[1] = next_fd_++;
    return shell::HostError::Ok;
  }
  shell::HostError input_from(const char*, size_t, int* fd) override {
    *fd = next_fd_++;
    return shell::HostError::Ok;
  }
  shell::HostError stat(const char* path, shell::FileInfo* info) override {
    info->kind = path[0] == '/' && path[1] == 0 ? shell::FileKind::Dir : shell::FileKind::None;
    return info->kind == shell::FileKind::None ? shell::HostError::NotFound : shell::HostError::Ok;
  }
  shell::HostError chdir(const char*) override { return shell::HostError::Ok; }
  bool interrupted() override { return ++steps_ > 2000; }

 private:
  int next_fd_ = 10;
  int steps_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  uint8_t mode = data[0];
  std::string_view src(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode % 3 == 0) {
    shell::Arena* arena = shell::Arena::create();
    shell::Parser p(src, 1, arena);
    for (int i = 0; i < 10000; ++i) {
      shell::ParseResult r = p.next();
      if (r.status != shell::ParseStatus::Ok) break;
    }
    arena->release();
  } else if (mode % 3 == 1) {
    NullHost host;
    shell::Limits limits;
    limits.max_call_depth = 40;
    limits.max_nesting = 16;
    limits.max_parse_depth = 60;
    limits.max_capture = 64 << 10;
    limits.max_input = 64 << 10;
    shell::Shell sh(host, limits);
    sh.set_cwd("/");
    sh.run_script(src);
  } else {
    shell::LineEditor ed(8);
    shell::Str out;
    ed.begin("$ ", out);
    for (char c : src) {
      if (ed.feed(c, out) != shell::LineEditor::Event::None) ed.begin("$ ", out);
      if (out.size() > 1 << 16) out.clear();
    }
  }
  shell::oom() = false;
  return 0;
}
