// tests/unit/servers/path_test.cc: servers/runtime/path.cc, the lexical resolution every path call
// of the runtime makes against its working directory.
#include <catch2/catch.hpp>

#include <string>

#include "path.h"

using namespace koios;

namespace {
std::string resolve(const char* cwd, const char* path, usize capacity = 4096) {
  std::string out(capacity, 'x');
  PathError e = path_resolve(cwd, path, out.data(), capacity);
  if (e == PathError::Empty) return "<empty>";
  if (e == PathError::TooLong) return "<too long>";
  return out.c_str();
}
}  // namespace

TEST_CASE("a relative path is taken from the working directory", "[path]") {
  CHECK(resolve("/tmp", "out") == "/tmp/out");
  CHECK(resolve("/", "out") == "/out");
  CHECK(resolve("/a/b", "c/d") == "/a/b/c/d");
  CHECK(resolve("/a/b", "/c") == "/c");   // an absolute one ignores it
}

TEST_CASE("'.', '..' and repeated slashes are folded lexically", "[path]") {
  CHECK(resolve("/a/b", ".") == "/a/b");
  CHECK(resolve("/a/b", "..") == "/a");
  CHECK(resolve("/a/b", "../..") == "/");
  CHECK(resolve("/a/b", "../../../..") == "/");   // the root's parent is the root
  CHECK(resolve("/", "//tmp///x/./y/../z/") == "/tmp/x/z/");   // its trailing '/' stays (below)
  CHECK(resolve("/tmp", "./") == "/tmp/");
  CHECK(resolve("/", "/") == "/");
  CHECK(resolve("/", "...") == "/...");   // only "." and ".." are special
  CHECK(resolve("/", "a/..b") == "/a/..b");
}

TEST_CASE("an empty path is ENOENT, one of PATH_MAX bytes or more ENAMETOOLONG", "[path]") {
  CHECK(resolve("/", "") == "<empty>");
  std::string long_name(4095, 'a');
  CHECK(resolve("/", long_name.c_str()) == "<too long>");   // with the leading '/' it needs 4097 bytes
  std::string fits(4094, 'a');
  CHECK(resolve("/", fits.c_str()) == "/" + fits);
  std::string too_long_input(4096, '/');
  CHECK(resolve("/", too_long_input.c_str()) == "<too long>");   // the input itself counts
  CHECK(resolve("/abc", "d", 6) == "<too long>");   // "/abc/d" and its NUL need 7
  CHECK(resolve("/abc", "d", 7) == "/abc/d");
  CHECK(resolve("/abc/def", "../x", 7) == "/abc/x");   // what counts is the result
}

TEST_CASE("a trailing '/' stays: the file service answers ENOTDIR or EISDIR for it, as Linux", "[path]") {
  CHECK(resolve("/tmp", "f/") == "/tmp/f/");
  CHECK(resolve("/", "/tmp//f//") == "/tmp/f/");
  CHECK(resolve("/tmp", "a/../f/") == "/tmp/f/");
  CHECK(resolve("/tmp", "/") == "/");
  CHECK(resolve("/tmp", "..//") == "/");
  CHECK(resolve("/tmp", "f") == "/tmp/f");
  CHECK(resolve("/abc", "d/", 8) == "/abc/d/");
  CHECK(resolve("/abc", "d/", 7) == "<too long>");   // "/abc/d/" and its NUL need 8
}
