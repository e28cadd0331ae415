// tests/unit/servers/mountsrv/linux_differential_test.cc: Linux itself as the oracle. One script of
// path operations runs in a fresh temporary directory of the host and in mountsrv's /tmp; every
// step must give the same errno (0 for success). The host's /tmp filesystem need not be tmpfs:
// these errors come from Linux's VFS (fs/namei.c), not from the filesystem.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <string>

#include <catch2/catch.hpp>

#include "fixture.h"

namespace {

enum class Kind { Open, Mkdir, Unlink, Rmdir, Rename, Stat };
struct Step {
  Kind kind;
  const char* a;
  const char* b;     // rename's target
  int flags;         // open's
};

// The host's flags are the protocol's: the protocol took Linux's numbers.
static_assert(O_CREAT == fsp::kOCreat && O_EXCL == fsp::kOExcl && O_TRUNC == fsp::kOTrunc &&
              O_APPEND == fsp::kOAppend && O_DIRECTORY == fsp::kODirectory && O_RDWR == fsp::kORdwr);

const Step kScript[] = {
  {Kind::Mkdir, "d", nullptr, 0},
  {Kind::Mkdir, "d", nullptr, 0},
  {Kind::Mkdir, "d/", nullptr, 0},
  {Kind::Mkdir, "x/y", nullptr, 0},
  {Kind::Mkdir, "d/sub/", nullptr, 0},
  {Kind::Mkdir, ".", nullptr, 0},
  {Kind::Mkdir, "d/..", nullptr, 0},
  {Kind::Open, "f", nullptr, O_WRONLY | O_CREAT},
  {Kind::Open, "f", nullptr, O_WRONLY | O_CREAT | O_EXCL},
  {Kind::Open, "f", nullptr, O_RDONLY},
  {Kind::Open, "f/", nullptr, O_RDONLY},
  {Kind::Open, "f/", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "new/", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "d/", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "f/.", nullptr, O_RDONLY},
  {Kind::Open, "f/..", nullptr, O_RDONLY},
  {Kind::Open, "f/x", nullptr, O_RDONLY},
  {Kind::Open, "nope", nullptr, O_RDONLY},
  {Kind::Open, "nope/x", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "f", nullptr, O_RDONLY | O_DIRECTORY},
  {Kind::Open, "d", nullptr, O_WRONLY},
  {Kind::Open, "d", nullptr, O_RDWR},
  {Kind::Open, "d", nullptr, O_RDONLY | O_TRUNC},
  {Kind::Open, "d", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "d", nullptr, O_RDONLY | O_CREAT | O_EXCL},
  {Kind::Open, ".", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "d", nullptr, O_RDONLY | O_DIRECTORY},
  {Kind::Open, "d/.", nullptr, O_RDONLY},
  {Kind::Open, "g", nullptr, O_RDONLY | O_CREAT | O_DIRECTORY},
  {Kind::Open, "f", nullptr, O_WRONLY | O_TRUNC},
  {Kind::Open, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nullptr, O_RDONLY | O_CREAT},
  {Kind::Open, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", nullptr, O_RDONLY | O_CREAT},
  {Kind::Stat, "f/", nullptr, 0},
  {Kind::Stat, "d/sub/", nullptr, 0},
  {Kind::Stat, "nope", nullptr, 0},
  {Kind::Unlink, "d", nullptr, 0},
  {Kind::Unlink, "d/", nullptr, 0},
  {Kind::Unlink, "f/", nullptr, 0},
  {Kind::Unlink, "nope", nullptr, 0},
  {Kind::Unlink, "nope/", nullptr, 0},
  {Kind::Unlink, "d/.", nullptr, 0},
  {Kind::Unlink, "d/..", nullptr, 0},
  {Kind::Rmdir, "f", nullptr, 0},
  {Kind::Rmdir, "f/", nullptr, 0},
  {Kind::Rmdir, "d", nullptr, 0},
  {Kind::Rmdir, "d/.", nullptr, 0},
  {Kind::Rmdir, "d/..", nullptr, 0},
  {Kind::Rmdir, "nope", nullptr, 0},
  {Kind::Rename, "f", "d", 0},
  {Kind::Rename, "d", "f", 0},
  {Kind::Rename, "d", "d/sub/x", 0},
  {Kind::Rename, "d", "d/x", 0},
  {Kind::Rename, "d", "d/sub", 0},
  {Kind::Rename, "d/sub", "d", 0},
  {Kind::Rename, "nope", "x", 0},
  {Kind::Rename, "f", "nope/x", 0},
  {Kind::Rename, "f/", "h", 0},
  {Kind::Rename, "f", "h/", 0},
  {Kind::Rename, "f", "f", 0},
  {Kind::Rename, "d/sub", "d/..", 0},
  {Kind::Rename, "d/.", "e", 0},
  {Kind::Mkdir, "e", nullptr, 0},
  {Kind::Rename, "e", "d", 0},
  {Kind::Rename, "d", "e", 0},
  {Kind::Rename, "e/sub", "sub2/", 0},
  {Kind::Open, "g", nullptr, O_WRONLY | O_CREAT},
  {Kind::Rename, "f", "g", 0},
  {Kind::Stat, "f", nullptr, 0},
  {Kind::Rename, "g", "e/./g", 0},
  {Kind::Unlink, "e/g", nullptr, 0},
  {Kind::Rmdir, "e/", nullptr, 0},
  {Kind::Rmdir, "sub2", nullptr, 0},
};

int on_linux(const std::string& dir, const Step& s) {
  std::string a = dir + "/" + s.a, b = s.b ? dir + "/" + s.b : "";
  int r = 0;
  switch (s.kind) {
    case Kind::Open: {
      int fd = open(a.c_str(), s.flags, 0644);
      if (fd >= 0) close(fd);
      r = fd >= 0 ? 0 : -1;
      break;
    }
    case Kind::Mkdir: r = mkdir(a.c_str(), 0755); break;
    case Kind::Unlink: r = unlink(a.c_str()); break;
    case Kind::Rmdir: r = rmdir(a.c_str()); break;
    case Kind::Rename: r = rename(a.c_str(), b.c_str()); break;
    case Kind::Stat: {
      struct stat st;
      r = stat(a.c_str(), &st);
      break;
    }
  }
  return r == 0 ? 0 : errno;
}

int on_mountsrv(World& w, const Step& s) {
  std::string a = std::string("/tmp/") + s.a, b = s.b ? std::string("/tmp/") + s.b : "";
  switch (s.kind) {
    case Kind::Open: return ns::errno_value(w.open_err(a, uint32_t(s.flags)));
    case Kind::Mkdir: return ns::errno_value(w.mkdir(a));
    case Kind::Unlink: return ns::errno_value(w.unlink(a));
    case Kind::Rmdir: return ns::errno_value(w.rmdir(a));
    case Kind::Rename: return ns::errno_value(w.rename(a, b));
    case Kind::Stat: return ns::errno_value(w.stat_err(a));
  }
  return -1;
}

}  // namespace

TEST_CASE("every step of the script gives Linux's errno", "[linux]") {
  char tmpl[] = "/tmp/mountsrv-diff-XXXXXX";
  REQUIRE(mkdtemp(tmpl));
  World w;
  REQUIRE(w.ok);
  for (const Step& s : kScript) {
    int linux = on_linux(tmpl, s);
    int ours = on_mountsrv(w, s);
    INFO("step " << int(s.kind) << " " << s.a << (s.b ? std::string(" -> ") + s.b : std::string()) << " flags 0"
                 << std::oct << s.flags << std::dec);
    CHECK(ours == linux);
  }
  // Leave nothing behind: the script ends with only f... gone; clean whatever is left.
  std::string cmd = std::string("rm -rf ") + tmpl;
  REQUIRE(std::system(cmd.c_str()) == 0);
}
