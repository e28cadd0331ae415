// tests/unit/servers/shell/fake_host.h: a Host made of memory, for the interpreter's unit tests.
// Files are strings in a map; pipes are unbounded buffers; "programs" are C++ functions that run
// to completion inside spawn() (so a pipeline's stages run in order, each reading what the one
// before wrote). Every spawn is recorded so tests can check argv, environment, fds and cwd.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "servers/shell/host.h"
#include "servers/shell/shell.h"

namespace shell_test {

using shell::FileInfo;
using shell::FileKind;
using shell::HostError;
using shell::OpenMode;

class FakeHost final : public shell::Host {
 public:
  struct Stream {
    std::string data;
    size_t rpos = 0;
  };
  struct FdObj {
    enum Kind { Console, File, PipeR, PipeW, Input } kind;
    std::shared_ptr<Stream> s;
    std::string path;
    bool append = false;
  };
  struct Proc {
    std::vector<std::string> argv, env;
    std::string cwd;
    std::map<int, int> fds;   // child fd -> host fd
  };
  // A program: argv, env, and read/write on its own fds. Returns the exit status.
  struct Io {
    FakeHost& h;
    const Proc& p;
    std::string read_all(int fd);
    void write(int fd, const std::string& s);
  };
  using Program = std::function<int(Io&, const std::vector<std::string>&)>;

  FakeHost() {
    fds_[0] = FdObj{FdObj::Console, stdin_, "", false};
    fds_[1] = FdObj{FdObj::Console, stdout_, "", false};
    fds_[2] = FdObj{FdObj::Console, stderr_, "", false};
    dirs_ = {"/", "/bin", "/tmp", "/home"};
    install_default_programs();
  }

  std::string out() const { return stdout_->data; }
  std::string err() const { return stderr_->data; }
  void set_stdin(const std::string& s) { stdin_->data = s; stdin_->rpos = 0; }

  std::map<std::string, std::string> files;
  std::set<std::string> dirs_;
  std::map<std::string, Program> programs;   // by absolute path
  std::vector<Proc> spawned;
  std::vector<std::pair<int, int>> kills;
  std::string cwd = "/";
  bool interrupt = false;

  HostError spawn(const shell::SpawnRequest& req, int* job) override {
    Proc p;
    for (auto a = req.argv; *a; ++a) p.argv.push_back(*a);
    for (auto e = req.envp; *e; ++e) p.env.push_back(*e);
    p.cwd = req.cwd;
    for (size_t i = 0; i < req.num_fds; ++i) p.fds[req.fds[i].child] = req.fds[i].host;
    spawned.push_back(p);
    auto it = programs.find(req.path);
    if (it == programs.end()) return HostError::NoExec;
    Io io{*this, p};
    int st = it->second(io, p.argv);
    int id = next_pid_++;
    statuses_[id] = st;
    *job = id;
    return HostError::Ok;
  }
  HostError wait(int job, int* status) override {
    auto it = statuses_.find(job);
    if (it == statuses_.end()) return HostError::NoChild;
    *status = it->second;
    statuses_.erase(it);
    return HostError::Ok;
  }
  HostError kill(int job, int signal) override {
    kills.push_back({job, signal});
    return job == 4242 ? HostError::NoProcess : HostError::Ok;
  }
  int pid() override { return 77; }
  int ppid() override { return 1; }

  HostError open(const char* path, OpenMode mode, int* fd) override {
    std::string p = absolute(path);
    if (dirs_.count(p)) return mode == OpenMode::Read ? HostError::IsDir : HostError::IsDir;
    if (!dirs_.count(parent(p))) return HostError::NotFound;
    if (mode == OpenMode::Read && !files.count(p)) return HostError::NotFound;
    if (mode == OpenMode::WriteTrunc) files[p].clear();
    else files[p];   // create
    FdObj o{FdObj::File, std::make_shared<Stream>(), p, mode == OpenMode::Append};
    if (mode == OpenMode::Read) o.s->data = files[p];
    *fd = next_fd_++;
    fds_[*fd] = o;
    return HostError::Ok;
  }
  HostError close(int fd) override { return fds_.erase(fd) ? HostError::Ok : HostError::BadFd; }
  long read(int fd, void* buf, size_t len) override {
    auto it = fds_.find(fd);
    if (it == fds_.end() || it->second.kind == FdObj::PipeW) return -1;
    Stream& s = *it->second.s;
    size_t n = std::min(len, s.data.size() - s.rpos);
    memcpy(buf, s.data.data() + s.rpos, n);
    s.rpos += n;
    return static_cast<long>(n);
  }
  long write(int fd, const void* buf, size_t len) override {
    auto it = fds_.find(fd);
    if (it == fds_.end() || it->second.kind == FdObj::PipeR || it->second.kind == FdObj::Input) return -1;
    const char* c = static_cast<const char*>(buf);
    if (it->second.kind == FdObj::File) files[it->second.path].append(c, len);
    else it->second.s->data.append(c, len);
    return static_cast<long>(len);
  }
  HostError pipe(int fds[2]) override {
    auto s = std::make_shared<Stream>();
    fds[0] = next_fd_++;
    fds[1] = next_fd_++;
    fds_[fds[0]] = FdObj{FdObj::PipeR, s, "", false};
    fds_[fds[1]] = FdObj{FdObj::PipeW, s, "", false};
    return HostError::Ok;
  }
  HostError input_from(const char* data, size_t len, int* fd) override {
    auto s = std::make_shared<Stream>();
    s->data.assign(data, len);
    *fd = next_fd_++;
    fds_[*fd] = FdObj{FdObj::Input, s, "", false};
    return HostError::Ok;
  }
  int listed_dirs = 0;
  HostError read_dir(const char* path, void (*each)(void* ctx, const char* name), void* ctx) override {
    ++listed_dirs;
    std::string d = absolute(path);
    if (d == "/.") d = "/";
    else if (d.size() > 2 && d.compare(d.size() - 2, 2, "/.") == 0) d.resize(d.size() - 2);
    while (d.size() > 1 && d.back() == '/') d.pop_back();
    if (!dirs_.count(d)) return HostError::NotFound;
    std::set<std::string> names = {".", ".."};
    auto add = [&](const std::string& p) {
      if (p != "/" && parent(p) == d) names.insert(p.substr(p.rfind('/') + 1));
    };
    for (const auto& f : files) add(f.first);
    for (const auto& x : dirs_) add(x);
    for (const auto& x : programs) add(x.first);
    for (const std::string& n : names) each(ctx, n.c_str());
    return HostError::Ok;
  }
  HostError stat(const char* path, FileInfo* info) override {
    std::string p = absolute(path);
    if (dirs_.count(p)) { info->kind = FileKind::Dir; info->executable = true; return HostError::Ok; }
    if (programs.count(p)) { info->kind = FileKind::File; info->executable = true; return HostError::Ok; }
    auto it = files.find(p);
    if (it == files.end()) { info->kind = FileKind::None; return HostError::NotFound; }
    info->kind = FileKind::File;
    info->executable = false;
    info->size = it->second.size();
    return HostError::Ok;
  }
  HostError chdir(const char* path) override {
    if (!dirs_.count(path)) return HostError::NotFound;
    cwd = path;
    return HostError::Ok;
  }
  bool interrupted() override { return interrupt; }

  size_t open_fds() const { return fds_.size(); }

 private:
  std::string absolute(const std::string& p) const {
    if (!p.empty() && p[0] == '/') return p;
    return cwd == "/" ? "/" + p : cwd + "/" + p;
  }
  static std::string parent(const std::string& p) {
    size_t s = p.rfind('/');
    return s == 0 ? "/" : p.substr(0, s);
  }
  void install_default_programs();

  std::shared_ptr<Stream> stdin_ = std::make_shared<Stream>();
  std::shared_ptr<Stream> stdout_ = std::make_shared<Stream>();
  std::shared_ptr<Stream> stderr_ = std::make_shared<Stream>();
  std::map<int, FdObj> fds_;
  std::map<int, int> statuses_;
  int next_fd_ = 10;
  int next_pid_ = 100;
};

inline std::string FakeHost::Io::read_all(int fd) {
  auto it = p.fds.find(fd);
  if (it == p.fds.end()) return "";
  std::string s;
  char buf[256];
  long n;
  while ((n = h.read(it->second, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
  return s;
}

inline void FakeHost::Io::write(int fd, const std::string& s) {
  auto it = p.fds.find(fd);
  if (it != p.fds.end()) h.write(it->second, s.data(), s.size());
}

inline void FakeHost::install_default_programs() {
  // cat [FILE...]
  programs["/bin/cat"] = [this](Io& io, const std::vector<std::string>& argv) {
    if (argv.size() == 1) { io.write(1, io.read_all(0)); return 0; }
    int st = 0;
    for (size_t i = 1; i < argv.size(); ++i) {
      auto it = files.find(absolute(argv[i]));
      if (it == files.end()) { io.write(2, "cat: " + argv[i] + ": No such file or directory\n"); st = 1; }
      else io.write(1, it->second);
    }
    return st;
  };
  // tr-like upper-casing filter
  programs["/bin/upper"] = [](Io& io, const std::vector<std::string>&) {
    std::string s = io.read_all(0);
    for (char& c : s) if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 32);
    io.write(1, s);
    return 0;
  };
  // wc -l
  programs["/bin/lines"] = [](Io& io, const std::vector<std::string>&) {
    std::string s = io.read_all(0);
    size_t n = 0;
    for (char c : s) n += c == '\n';
    io.write(1, std::to_string(n) + "\n");
    return 0;
  };
  // args: prints each argument in brackets
  programs["/bin/args"] = [](Io& io, const std::vector<std::string>& argv) {
    std::string s;
    for (size_t i = 1; i < argv.size(); ++i) s += "<" + argv[i] + ">";
    io.write(1, s + "\n");
    return 0;
  };
  // status N: exits with N
  programs["/bin/status"] = [](Io&, const std::vector<std::string>& argv) {
    return argv.size() > 1 ? std::stoi(argv[1]) : 0;
  };
  // both: writes "out" to stdout and "err" to stderr
  programs["/bin/both"] = [](Io& io, const std::vector<std::string>&) {
    io.write(1, "out\n");
    io.write(2, "err\n");
    return 0;
  };
  // printenv NAME
  programs["/bin/printenv"] = [](Io& io, const std::vector<std::string>& argv) {
    for (const std::string& e : io.p.env) {
      if (argv.size() > 1 && e.rfind(argv[1] + "=", 0) == 0) { io.write(1, e.substr(argv[1].size() + 1) + "\n"); return 0; }
    }
    return 1;
  };
  programs["/bin/sleep"] = [](Io&, const std::vector<std::string>&) { return 0; };
}

// Runs a script in a fresh shell over a fresh FakeHost.
struct Run {
  std::string out, err;
  int status;
};

inline Run run_with(FakeHost& h, const std::string& script, const shell::Limits& limits = {}) {
  shell::Shell sh(h, limits);
  sh.set_var("PATH", "/bin", true);
  sh.set_var("HOME", "/home", true);
  sh.set_cwd("/");
  int st = sh.run_script(script);
  return Run{h.out(), h.err(), st};
}

inline Run run(const std::string& script, const shell::Limits& limits = {}) {
  FakeHost h;
  return run_with(h, script, limits);
}

}  // namespace shell_test
