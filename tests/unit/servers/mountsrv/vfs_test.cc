// tests/unit/servers/mountsrv/vfs_test.cc: the file operations over / (boot image, read-only) and
// /tmp (tmpfs), with the errno Linux gives for each error.
#include <catch2/catch.hpp>

#include "fixture.h"

using E = ns::Errno;

TEST_CASE("the boot image reads at / and the tmpfs is mounted at /tmp", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  auto* f = w.open("/hello", fsp::kORdonly);
  REQUIRE(f);
  CHECK(w.read_all(f) == "hello, world\n");
  w.vfs.close(f);
  CHECK(w.open_err("/bin/sh", fsp::kORdonly) == E::Ok);
  CHECK(w.open_err("//bin///./sh", fsp::kORdonly) == E::Ok);
  CHECK(w.open_err("/tmp/../bin/../hello", fsp::kORdonly) == E::Ok);
  CHECK(w.open_err("/../../hello", fsp::kORdonly) == E::Ok);   // ".." stops at the root
  CHECK(w.open_err("hello", fsp::kORdonly) == E::Ok);          // relative: from the root
  auto st = w.vfs.stat(w.ctx, "/tmp", 4);
  REQUIRE(st.ok());
  CHECK(st.value().dev == 2);                                  // the tmpfs root, not the mountpoint
  CHECK((st.value().mode & fsp::kSIfmt) == fsp::kSIfdir);
  CHECK(w.vfs.stat(w.ctx, "/tmp/..", 7).value().dev == 1);
  CHECK(w.list("/") == std::vector<std::string>{".", "..", "hello", "bin", "tmp"});
  CHECK(w.vfs.open_files() == 0);
}

TEST_CASE("path errors: ENOENT, ENOTDIR, ENAMETOOLONG, EINVAL", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  CHECK(w.open_err("", fsp::kORdonly) == E::NoEnt);
  CHECK(w.open_err("/nope", fsp::kORdonly) == E::NoEnt);
  CHECK(w.open_err("/nope/x", fsp::kORdonly) == E::NoEnt);
  CHECK(w.open_err("/hello/x", fsp::kORdonly) == E::NotDir);
  CHECK(w.open_err("/hello/", fsp::kORdonly) == E::NotDir);
  CHECK(w.open_err("/hello/.", fsp::kORdonly) == E::NotDir);
  CHECK(w.open_err("/hello/..", fsp::kORdonly) == E::NotDir);
  CHECK(w.stat_err("/hello/") == E::NotDir);
  CHECK(w.open_err("/" + std::string(256, 'a'), fsp::kORdonly) == E::NameTooLong);
  CHECK(w.open_err("/tmp/" + std::string(255, 'a'), fsp::kORdonly | fsp::kOCreat) == E::Ok);
  std::string long_path;
  while (long_path.size() < fsp::kPathMax) long_path += "/.";
  CHECK(w.open_err(long_path.substr(0, fsp::kPathMax - 1), fsp::kORdonly) == E::Ok);
  CHECK(w.open_err(long_path.substr(0, fsp::kPathMax), fsp::kORdonly) == E::NameTooLong);
  CHECK(w.open_err(std::string("/hel\0lo", 7), fsp::kORdonly) == E::Inval);
}

TEST_CASE("the boot image is read-only: EROFS, but EEXIST and EISDIR first", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  CHECK(w.open_err("/hello", fsp::kOWronly) == E::Rofs);
  CHECK(w.open_err("/hello", fsp::kORdonly | fsp::kOTrunc) == E::Rofs);
  CHECK(w.open_err("/hello", fsp::kORdonly | fsp::kOCreat) == E::Ok);
  CHECK(w.open_err("/hello", fsp::kORdonly | fsp::kOCreat | fsp::kOExcl) == E::Exist);
  CHECK(w.open_err("/new", fsp::kORdwr | fsp::kOCreat) == E::Rofs);
  CHECK(w.open_err("/bin", fsp::kOWronly) == E::IsDir);
  CHECK(w.mkdir("/bin") == E::Exist);
  CHECK(w.mkdir("/newdir") == E::Rofs);
  CHECK(w.unlink("/hello") == E::Rofs);
  CHECK(w.unlink("/nope") == E::Rofs);
  CHECK(w.unlink("/nope/x") == E::NoEnt);
  CHECK(w.rmdir("/bin") == E::Rofs);
  CHECK(w.rename("/hello", "/hello2") == E::Rofs);
  CHECK(w.rename("/hello", "/tmp/hello") == E::XDev);
  auto* f = w.open("/hello", fsp::kORdonly);
  REQUIRE(f);
  CHECK(w.vfs.write(*f, "x", 1).error() == E::BadF);
  w.vfs.close(f);
}

TEST_CASE("files in /tmp: create, write, read, seek, truncate, append, stat", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  auto* f = w.open("/tmp/a", fsp::kORdwr | fsp::kOCreat | fsp::kOExcl);
  REQUIRE(f);
  CHECK(w.vfs.write(*f, "hello", 5).value() == 5);
  CHECK(w.vfs.seek(*f, 0, fsp::kSeekSet).value() == 0);
  CHECK(w.read_all(f) == "hello");
  CHECK(w.vfs.seek(*f, 2, fsp::kSeekEnd).value() == 7);
  CHECK(w.vfs.write(*f, "!", 1).value() == 1);
  CHECK(w.vfs.fstat(*f).size == 8);
  CHECK(w.vfs.seek(*f, -9, fsp::kSeekCur).error() == E::Inval);
  CHECK(w.vfs.seek(*f, 0, 7).error() == E::Inval);
  CHECK(w.vfs.seek(*f, 0, fsp::kSeekSet).value() == 0);
  CHECK(w.read_all(f) == std::string("hello\0\0!", 8));
  CHECK(w.vfs.readdir(*f, nullptr, 0).error() == E::NotDir);
  w.vfs.close(f);
  CHECK(w.open_err("/tmp/a", fsp::kORdwr | fsp::kOCreat | fsp::kOExcl) == E::Exist);
  f = w.open("/tmp/a", fsp::kOWronly | fsp::kOAppend);
  REQUIRE(f);
  CHECK(w.vfs.write(*f, "?", 1).value() == 1);
  char c;
  CHECK(w.vfs.read(*f, &c, 1).error() == E::BadF);
  w.vfs.close(f);
  CHECK(w.vfs.stat(w.ctx, "/tmp/a", 6).value().size == 9);
  CHECK(w.open_err("/tmp/a", fsp::kOWronly | fsp::kOTrunc) == E::Ok);
  CHECK(w.vfs.stat(w.ctx, "/tmp/a", 6).value().size == 0);
  CHECK(w.open_err("/tmp/a", fsp::kORdonly | fsp::kODirectory) == E::NotDir);
  CHECK(w.open_err("/tmp/a/", fsp::kORdonly | fsp::kOCreat) == E::IsDir);
  CHECK(w.open_err("/tmp/b/", fsp::kORdonly | fsp::kOCreat) == E::IsDir);
  CHECK(w.open_err("/tmp/b", fsp::kORdonly | fsp::kOCreat | fsp::kODirectory) == E::Inval);
  CHECK(w.open_err("/tmp/a", 3) == E::Inval);
  CHECK(w.tmp.bytes_used() == 0);
}

TEST_CASE("directories in /tmp: mkdir, rmdir, readdir and their errors", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  CHECK(w.mkdir("/tmp/d") == E::Ok);
  CHECK(w.mkdir("/tmp/d") == E::Exist);
  CHECK(w.mkdir("/tmp/d/") == E::Exist);
  CHECK(w.mkdir("/tmp/e/") == E::Ok);
  CHECK(w.mkdir("/tmp/x/y") == E::NoEnt);
  CHECK(w.mkdir("/tmp/.") == E::Exist);
  CHECK(w.mkdir("/tmp") == E::Exist);
  CHECK(w.open_err("/tmp/d", fsp::kOWronly) == E::IsDir);
  CHECK(w.open_err("/tmp/d", fsp::kORdonly | fsp::kOCreat) == E::IsDir);
  CHECK(w.open_err("/tmp/d", fsp::kORdonly | fsp::kOTrunc) == E::IsDir);
  CHECK(w.open_err("/tmp/d/", fsp::kORdonly) == E::Ok);
  CHECK(w.open_err("/tmp/d/f", fsp::kOWronly | fsp::kOCreat) == E::Ok);
  CHECK(w.list("/tmp/d") == std::vector<std::string>{".", "..", "f"});
  CHECK(w.rmdir("/tmp/d") == E::NotEmpty);
  CHECK(w.rmdir("/tmp/d/f") == E::NotDir);
  CHECK(w.unlink("/tmp/d") == E::IsDir);
  CHECK(w.unlink("/tmp/d/") == E::IsDir);
  CHECK(w.unlink("/tmp/d/f/") == E::NotDir);
  CHECK(w.unlink("/tmp/d/nope") == E::NoEnt);
  CHECK(w.rmdir("/tmp/d/.") == E::Inval);
  CHECK(w.rmdir("/tmp/d/..") == E::NotEmpty);
  CHECK(w.rmdir("/") == E::Busy);
  CHECK(w.rmdir("/tmp") == E::Rofs);      // Linux asks the parent's mount for write access first
  CHECK(w.rmdir("/tmp/") == E::Rofs);
  CHECK(w.unlink("/tmp/.") == E::IsDir);
  CHECK(w.unlink("/tmp/d/f") == E::Ok);
  CHECK(w.rmdir("/tmp/d") == E::Ok);
  CHECK(w.rmdir("/tmp/d") == E::NoEnt);
  CHECK(w.list("/tmp") == std::vector<std::string>{".", "..", "e"});
  CHECK(w.stat_err("/tmp/e") == E::Ok);
  CHECK(w.vfs.stat(w.ctx, "/tmp", 4).value().nlink == 3);
}

TEST_CASE("readdir continues after entries removed or added, and stops on a removed directory", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  for (int i = 0; i < 5; ++i) REQUIRE(w.open_err("/tmp/f" + std::to_string(i), fsp::kOWronly | fsp::kOCreat) == E::Ok);
  auto* d = w.open("/tmp", fsp::kORdonly);
  REQUIRE(d);
  fsp::Dirent e[4];
  REQUIRE(w.vfs.readdir(*d, e, 4).value() == 4);   // . .. f0 f1
  CHECK(std::string(e[3].name) == "f1");
  CHECK(w.unlink("/tmp/f1") == E::Ok);
  CHECK(w.unlink("/tmp/f2") == E::Ok);
  REQUIRE(w.vfs.readdir(*d, e, 4).value() == 2);
  CHECK(std::string(e[0].name) == "f3");
  CHECK(std::string(e[1].name) == "f4");
  CHECK(w.vfs.seek(*d, 0, fsp::kSeekSet).value() == 0);
  CHECK(w.vfs.readdir(*d, e, 4).value() == 4);
  CHECK(w.vfs.seek(*d, 0, fsp::kSeekEnd).error() == E::Inval);
  w.vfs.close(d);
  REQUIRE(w.mkdir("/tmp/gone") == E::Ok);
  d = w.open("/tmp/gone", fsp::kORdonly);
  REQUIRE(d);
  REQUIRE(w.rmdir("/tmp/gone") == E::Ok);
  CHECK(w.vfs.readdir(*d, e, 4).error() == E::NoEnt);
  w.vfs.close(d);
}

TEST_CASE("an unlinked file lives on while open", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  auto* f = w.open("/tmp/a", fsp::kORdwr | fsp::kOCreat);
  REQUIRE(f);
  CHECK(w.vfs.write(*f, "data", 4).value() == 4);
  CHECK(w.unlink("/tmp/a") == E::Ok);
  CHECK(w.stat_err("/tmp/a") == E::NoEnt);
  CHECK(w.vfs.fstat(*f).nlink == 0);
  CHECK(w.vfs.seek(*f, 0, fsp::kSeekSet).value() == 0);
  CHECK(w.read_all(f) == "data");
  uint32_t nodes = w.tmp.node_count();
  w.vfs.close(f);
  CHECK(w.tmp.node_count() == nodes - 1);
  CHECK(w.tmp.bytes_used() == 0);
}

TEST_CASE("rename in /tmp and its errors", "[vfs]") {
  World w;
  REQUIRE(w.ok);
  REQUIRE(w.mkdir("/tmp/d") == E::Ok);
  REQUIRE(w.mkdir("/tmp/d/sub") == E::Ok);
  REQUIRE(w.mkdir("/tmp/empty") == E::Ok);
  REQUIRE(w.open_err("/tmp/f", fsp::kOWronly | fsp::kOCreat) == E::Ok);
  REQUIRE(w.open_err("/tmp/g", fsp::kOWronly | fsp::kOCreat) == E::Ok);
  CHECK(w.rename("/tmp/nope", "/tmp/x") == E::NoEnt);
  CHECK(w.rename("/tmp/f", "/tmp/nope/x") == E::NoEnt);
  CHECK(w.rename("/tmp/f", "/tmp/d") == E::IsDir);
  CHECK(w.rename("/tmp/d", "/tmp/f") == E::NotDir);
  CHECK(w.rename("/tmp/empty", "/tmp/d") == E::NotEmpty);
  CHECK(w.rename("/tmp/d", "/tmp/d/sub/x") == E::Inval);
  CHECK(w.rename("/tmp/d", "/tmp/d/x") == E::Inval);
  CHECK(w.rename("/tmp/d/sub", "/tmp/d/..") == E::Busy);
  CHECK(w.rename("/tmp/d/sub", "/tmp") == E::XDev);        // /tmp's parent is in the boot image
  CHECK(w.rename("/tmp/f/", "/tmp/h") == E::NotDir);
  CHECK(w.rename("/tmp/f", "/tmp/h/") == E::NotDir);
  CHECK(w.rename("/tmp/f", "/hello") == E::XDev);
  CHECK(w.rename("/tmp/f", "/tmp/f") == E::Ok);
  CHECK(w.rename("/tmp/f", "/tmp/g") == E::Ok);            // replaces g
  CHECK(w.stat_err("/tmp/f") == E::NoEnt);
  CHECK(w.rename("/tmp/d", "/tmp/empty") == E::Ok);        // replaces an empty directory
  CHECK(w.stat_err("/tmp/empty/sub") == E::Ok);
  CHECK(w.rename("/tmp/empty/sub", "/tmp/sub2/") == E::Ok);
  CHECK(w.list("/tmp") == std::vector<std::string>{".", "..", "g", "empty", "sub2"});
}

TEST_CASE("the tmpfs limits: ENOSPC past the size and the node count", "[vfs]") {
  World w(100, 4);   // 100 bytes, the root and three more nodes
  REQUIRE(w.ok);
  auto* f = w.open("/tmp/a", fsp::kOWronly | fsp::kOCreat);
  REQUIRE(f);
  std::string big(150, 'x');
  CHECK(w.vfs.write(*f, big.data(), big.size()).value() == 100);   // a short write
  CHECK(w.vfs.write(*f, "y", 1).error() == E::NoSpc);
  CHECK(w.vfs.seek(*f, 1000, fsp::kSeekSet).value() == 1000);
  CHECK(w.vfs.write(*f, "y", 1).error() == E::NoSpc);
  w.vfs.close(f);
  CHECK(w.open_err("/tmp/b", fsp::kOWronly | fsp::kOCreat) == E::Ok);
  CHECK(w.mkdir("/tmp/c") == E::Ok);
  CHECK(w.open_err("/tmp/d", fsp::kOWronly | fsp::kOCreat) == E::NoSpc);
  CHECK(w.mkdir("/tmp/e") == E::NoSpc);
  CHECK(w.unlink("/tmp/a") == E::Ok);
  CHECK(w.tmp.bytes_used() == 0);
  CHECK(w.open_err("/tmp/d", fsp::kOWronly | fsp::kOCreat) == E::Ok);
}

TEST_CASE("malformed boot images are refused; odd names are left out", "[bootfs]") {
  ns::HeapAllocator a;
  auto img = make_image({{"ok", "1"}, {"a/b/c", "2"}, {"../x", "3"}, {"y//z", "4"}, {"/abs", "5"}, {"d/", "6"},
                         {"ok", "dup"}, {"ok/under", "7"}});
  mountsrv::MemoryImage r(img.data(), img.size());
  mountsrv::BootFs fs(a, 1);
  REQUIRE(fs.load(r, img.size(), nullptr, 0).ok());
  CHECK(fs.node_count() == 5);   // root, ok, a, a/b, a/b/c
  auto a_dir = fs.lookup(fs.root(), "a", 1);
  REQUIRE(a_dir.ok());
  CHECK(fs.is_dir(a_dir.value()));
  SECTION("bad magic, version, table or data") {
    auto bad = img;
    bad[0] = 'X';
    mountsrv::MemoryImage r2(bad.data(), bad.size());
    CHECK(fs.load(r2, bad.size(), nullptr, 0).error() == ns::Errno::Inval);
    CHECK(fs.load(r, 10, nullptr, 0).error() == ns::Errno::Inval);
    CHECK(fs.load(r, 16 + 64 * 3, nullptr, 0).error() == ns::Errno::Inval);   // the table runs past the end
    auto bad2 = img;
    koios::BootfsEntry e;
    std::memcpy(&e, bad2.data() + 16, sizeof e);
    e.size = 1 << 30;
    std::memcpy(bad2.data() + 16, &e, sizeof e);
    mountsrv::MemoryImage r3(bad2.data(), bad2.size());
    CHECK(fs.load(r3, bad2.size(), nullptr, 0).error() == ns::Errno::Inval);
  }
}
