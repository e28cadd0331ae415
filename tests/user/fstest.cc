// tests/user/fstest.cc: the file service as a client sees it (booted with mountsrv=fstest: the
// kernel starts mountsrv and gives this program a directory channel to it). One line per check,
// "fstest NAME PASS|FAIL", then "fstest: N passed, M failed"; exit code = failures.
#include <cstdio>
#include <cstring>

#include "koios/channel.h"
#include "runtime.h"
#include "rpc.h"
#include "servers/proto/fs.h"
#include "syscalls.h"

namespace {

namespace fsp = proto::fs;
using E = ns::Errno;
using koios::Handle;
using koios::kInvalidHandle;
using koios::u32;
using koios::u8;

Handle g_dir = kInvalidHandle;
int g_passed = 0, g_failed = 0;

bool check(const char* name, bool ok) {
  std::printf("fstest %s %s\n", name, ok ? "PASS" : "FAIL");
  (ok ? g_passed : g_failed)++;
  return ok;
}

// Requests are big (a path buffer is 4 KiB): build them in static storage, not on the stack.
union {
  fsp::OpenRequest open;
  fsp::PathRequest path;
  fsp::MkdirRequest mkdir;
  fsp::RenameRequest rename;
  fsp::WriteRequest write;
} g_rq;
union {
  fsp::OpenReply open;
  fsp::StatReply stat;
  fsp::ReadReply read;
  fsp::ReaddirReply readdir;
} g_rp;

void set(fsp::Path& p, const char* s) { (void)fsp::set_path(p, s, u32(std::strlen(s))); }

// A file: its channel, or the errno of the open.
struct Opened {
  E error;
  Handle file;
};

Opened open(const char* path, u32 flags, Handle dir = g_dir) {
  std::memset(&g_rq.open, 0, sizeof g_rq.open);
  g_rq.open.flags = flags;
  set(g_rq.open.path, path);
  Handle h = kInvalidHandle;
  koios::CallHandles handles{nullptr, 0, &h, 1, 0};
  koios::Status s = koios::call(dir, fsp::ordinal(fsp::Op::Open), g_rq.open, &g_rp.open, koios::kDeadlineInfinite, &handles);
  if (s != koios::Status::Ok) return {E::Io, kInvalidHandle};
  return {g_rp.open.error, g_rp.open.error == E::Ok ? h : kInvalidHandle};
}
E open_err(const char* path, u32 flags) {
  Opened o = open(path, flags);
  if (o.file != kInvalidHandle) (void)koios::handle_close(o.file);
  return o.error;
}

E path_op(fsp::Op op, const char* path, Handle dir = g_dir) {
  fsp::Reply rp{};
  if (op == fsp::Op::Mkdir) {
    std::memset(&g_rq.mkdir, 0, sizeof g_rq.mkdir);
    set(g_rq.mkdir.path, path);
    if (koios::call(dir, fsp::ordinal(op), g_rq.mkdir, &rp) != koios::Status::Ok) return E::Io;
    return rp.error;
  }
  std::memset(&g_rq.path, 0, sizeof g_rq.path);
  set(g_rq.path.path, path);
  if (op == fsp::Op::Stat) {
    if (koios::call(dir, fsp::ordinal(op), g_rq.path, &g_rp.stat) != koios::Status::Ok) return E::Io;
    return g_rp.stat.error;
  }
  if (koios::call(dir, fsp::ordinal(op), g_rq.path, &rp) != koios::Status::Ok) return E::Io;
  return rp.error;
}
E mkdir(const char* p) { return path_op(fsp::Op::Mkdir, p); }
E unlink(const char* p) { return path_op(fsp::Op::Unlink, p); }
E rmdir(const char* p) { return path_op(fsp::Op::Rmdir, p); }
E stat(const char* p) { return path_op(fsp::Op::Stat, p); }

E rename(const char* a, const char* b) {
  std::memset(&g_rq.rename, 0, sizeof g_rq.rename);
  set(g_rq.rename.from, a);
  set(g_rq.rename.to, b);
  fsp::Reply rp{};
  if (koios::call(g_dir, fsp::ordinal(fsp::Op::Rename), g_rq.rename, &rp) != koios::Status::Ok) return E::Io;
  return rp.error;
}

// Read/write: the count done, or -errno.
long read(Handle f, void* buf, u32 n) {
  fsp::ReadRequest rq{};
  rq.count = n;
  if (koios::call(f, fsp::ordinal(fsp::Op::Read), rq, &g_rp.read) != koios::Status::Ok) return -1000;
  if (g_rp.read.error != E::Ok) return -ns::errno_value(g_rp.read.error);
  std::memcpy(buf, g_rp.read.data, g_rp.read.count);
  return g_rp.read.count;
}
long write(Handle f, const void* buf, u32 n) {
  g_rq.write.count = n;
  std::memcpy(g_rq.write.data, buf, n);
  fsp::WriteReply rp{};
  if (koios::call(f, fsp::ordinal(fsp::Op::Write), g_rq.write, &rp) != koios::Status::Ok) return -1000;
  return rp.error != E::Ok ? -ns::errno_value(rp.error) : long(rp.count);
}
long seek(Handle f, koios::i64 off, u32 whence) {
  fsp::SeekRequest rq{};
  rq.offset = off;
  rq.whence = whence;
  fsp::SeekReply rp{};
  if (koios::call(f, fsp::ordinal(fsp::Op::Seek), rq, &rp) != koios::Status::Ok) return -1000;
  return rp.error != E::Ok ? -ns::errno_value(rp.error) : long(rp.offset);
}
fsp::Stat fstat(Handle f) {
  fsp::EmptyRequest rq{};
  g_rp.stat = {};
  (void)koios::call(f, fsp::ordinal(fsp::Op::Fstat), rq, &g_rp.stat);
  return g_rp.stat.stat;
}
E close(Handle f) {
  fsp::EmptyRequest rq{};
  fsp::Reply rp{};
  koios::Status s = koios::call(f, fsp::ordinal(fsp::Op::Close), rq, &rp);
  (void)koios::handle_close(f);
  return s == koios::Status::Ok ? rp.error : E::Io;
}
// Whether a directory listing (all of it) has `name`; -errno of a failing Readdir.
int listed(Handle d, const char* name) {
  int found = 0;
  for (;;) {
    fsp::ReaddirRequest rq{};
    if (koios::call(d, fsp::ordinal(fsp::Op::Readdir), rq, &g_rp.readdir) != koios::Status::Ok) return -1000;
    if (g_rp.readdir.error != E::Ok) return -ns::errno_value(g_rp.readdir.error);
    if (g_rp.readdir.count == 0) return found;
    for (u32 i = 0; i < g_rp.readdir.count; ++i)
      if (std::strcmp(g_rp.readdir.entries[i].name, name) == 0) found = 1;
  }
}

// A raw call: any bytes and handles; the reply's errno (or -1 when no well-formed reply came).
int raw_call(Handle ch, const void* bytes, u32 size, Handle* handles = nullptr, u32 handle_count = 0) {
  static u8 reply[koios::kMaxMessageBytes];
  koios::ChannelCallArgs args{bytes, handles, reply, nullptr, size, handle_count, sizeof reply, 0};
  koios::MessageSizes got{0, 0};
  if (koios::channel_call(ch, 0, koios::kDeadlineInfinite, &args, &got) != koios::Status::Ok || got.bytes < 12) return -1;
  int e;
  std::memcpy(&e, reply + 8, sizeof e);
  return e;
}

Handle clone_dir() {
  fsp::EmptyRequest rq{};
  fsp::Reply rp{};
  Handle h = kInvalidHandle;
  koios::CallHandles handles{nullptr, 0, &h, 1, 0};
  if (koios::call(g_dir, fsp::ordinal(fsp::Op::Clone), rq, &rp, koios::kDeadlineInfinite, &handles) != koios::Status::Ok ||
      rp.error != E::Ok)
    return kInvalidHandle;
  return h;
}

void boot_image_checks() {
  Opened o = open("/hello", fsp::kORdonly);
  char magic[4] = {};
  check("open_read_boot_image", o.error == E::Ok && read(o.file, magic, 4) == 4 && std::memcmp(magic, "\x7f" "ELF", 4) == 0);
  check("fstat_boot_image", fstat(o.file).size > 4 && (fstat(o.file).mode & fsp::kSIfmt) == fsp::kSIfreg);
  check("seek_end_boot_image", seek(o.file, 0, fsp::kSeekEnd) == long(fstat(o.file).size));
  check("write_read_only_file_EBADF", write(o.file, "x", 1) == -9);
  check("close", close(o.file) == E::Ok);
  check("stat_path", stat("/mountsrv") == E::Ok && (g_rp.stat.stat.mode & fsp::kSIfmt) == fsp::kSIfreg);
  check("dot_dotdot_slashes", open_err("//tmp/..///./hello", fsp::kORdonly) == E::Ok);
  check("ENOENT", open_err("/no-such-file", fsp::kORdonly) == E::NoEnt);
  check("ENOTDIR", open_err("/hello/x", fsp::kORdonly) == E::NotDir);
  check("ENOTDIR_trailing_slash", open_err("/hello/", fsp::kORdonly) == E::NotDir);
  char name[300];
  std::memset(name, 'n', sizeof name);
  name[0] = '/';
  name[257] = 0;
  check("ENAMETOOLONG_component", open_err(name, fsp::kORdonly) == E::NameTooLong);
  static char longpath[fsp::kPathMax + 1];
  for (u32 i = 0; i < fsp::kPathMax; i += 2) { longpath[i] = '/'; longpath[i + 1] = '.'; }
  check("ENAMETOOLONG_path", open_err(longpath, fsp::kORdonly) == E::NameTooLong);
  check("EROFS_open", open_err("/hello", fsp::kOWronly) == E::Rofs);
  check("EROFS_create", open_err("/new", fsp::kOWronly | fsp::kOCreat) == E::Rofs);
  check("EROFS_mkdir", mkdir("/newdir") == E::Rofs);
  check("EROFS_unlink", unlink("/hello") == E::Rofs);
  check("EEXIST_mkdir", mkdir("/tmp") == E::Exist);
  check("EXDEV_rename", rename("/hello", "/tmp/hello") == E::XDev);
  Opened root = open("/", fsp::kORdonly | fsp::kODirectory);
  check("readdir_root", root.error == E::Ok && listed(root.file, "mountsrv") == 1 && listed(root.file, "tmp") == 0);
  check("seek_dir_rewind", seek(root.file, 0, fsp::kSeekSet) == 0 && listed(root.file, "tmp") == 1);
  char c;
  check("read_dir_EISDIR", read(root.file, &c, 1) == -21);
  (void)close(root.file);
}

void tmp_checks() {
  Opened f = open("/tmp/a", fsp::kORdwr | fsp::kOCreat | fsp::kOExcl);
  check("create", f.error == E::Ok);
  static char data[6000], back[6000];
  for (u32 i = 0; i < sizeof data; ++i) data[i] = char('a' + i % 23);
  check("write", write(f.file, data, 4096) == 4096 && write(f.file, data + 4096, 6000 - 4096) == 6000 - 4096);
  check("seek_set", seek(f.file, 0, fsp::kSeekSet) == 0);
  check("read_back", read(f.file, back, 4096) == 4096 && read(f.file, back + 4096, 4096) == 6000 - 4096 &&
                         std::memcmp(data, back, sizeof data) == 0);
  check("read_at_end", read(f.file, back, 10) == 0);
  check("seek_cur_end", seek(f.file, -1000, fsp::kSeekCur) == 5000 && seek(f.file, 0, fsp::kSeekEnd) == 6000);
  check("seek_EINVAL", seek(f.file, -1, fsp::kSeekSet) == -22 && seek(f.file, 0, 9) == -22);
  check("fstat_size", fstat(f.file).size == 6000 && fstat(f.file).nlink == 1);
  check("EEXIST_O_EXCL", open_err("/tmp/a", fsp::kORdwr | fsp::kOCreat | fsp::kOExcl) == E::Exist);
  check("ENOTDIR_O_DIRECTORY", open_err("/tmp/a", fsp::kORdonly | fsp::kODirectory) == E::NotDir);
  Opened wo = open("/tmp/a", fsp::kOWronly | fsp::kOAppend);
  check("append", wo.error == E::Ok && write(wo.file, "!", 1) == 1 && stat("/tmp/a") == E::Ok && g_rp.stat.stat.size == 6001);
  check("read_write_only_EBADF", read(wo.file, back, 1) == -9);
  (void)close(wo.file);
  check("mkdir", mkdir("/tmp/d") == E::Ok);
  check("EEXIST", mkdir("/tmp/d") == E::Exist);
  check("EISDIR", open_err("/tmp/d", fsp::kOWronly) == E::IsDir);
  check("create_in_dir", open_err("/tmp/d/f", fsp::kOWronly | fsp::kOCreat) == E::Ok);
  check("ENOTEMPTY", rmdir("/tmp/d") == E::NotEmpty);
  check("unlink_dir_EISDIR", unlink("/tmp/d") == E::IsDir);
  check("rmdir_file_ENOTDIR", rmdir("/tmp/d/f") == E::NotDir);
  check("rename", rename("/tmp/a", "/tmp/d/b") == E::Ok && stat("/tmp/a") == E::NoEnt && stat("/tmp/d/b") == E::Ok);
  check("rename_into_itself_EINVAL", rename("/tmp/d", "/tmp/d/sub") == E::Inval);
  check("rename_file_over_dir_EISDIR", mkdir("/tmp/e") == E::Ok && rename("/tmp/d/b", "/tmp/e") == E::IsDir &&
                                          rmdir("/tmp/e") == E::Ok);
  check("rename_over_ancestor_ENOTEMPTY", rename("/tmp/d/b", "/tmp/d") == E::NotEmpty);
  Opened d = open("/tmp/d", fsp::kORdonly);
  check("readdir", d.error == E::Ok && listed(d.file, "b") == 1);
  Opened fb = open("/tmp/d/b", fsp::kORdonly);
  check("readdir_file_ENOTDIR", listed(fb.file, "x") == -20);
  check("unlink", unlink("/tmp/d/b") == E::Ok && unlink("/tmp/d/f") == E::Ok && stat("/tmp/d/b") == E::NoEnt);
  check("unlinked_file_still_reads", seek(f.file, 0, fsp::kSeekSet) == 0 && read(f.file, back, 10) == 10 &&
                                         std::memcmp(back, data, 10) == 0 && fstat(f.file).nlink == 0);
  check("rmdir", rmdir("/tmp/d") == E::Ok && stat("/tmp/d") == E::NoEnt);
  check("readdir_removed_dir_ENOENT", listed(d.file, "b") == -2);
  (void)close(d.file);
  (void)close(fb.file);
  (void)close(f.file);
  // A file channel is a handle like any other: a duplicate shares the open file and its offset.
  Opened g = open("/tmp/g", fsp::kORdwr | fsp::kOCreat);
  Handle dup = kInvalidHandle;
  bool dup_ok = koios::handle_duplicate(g.file, koios::Rights::SameRights, &dup) == koios::Status::Ok;
  check("duplicate_shares_offset", dup_ok && write(g.file, "xyz", 3) == 3 && seek(dup, 0, fsp::kSeekCur) == 3);
  (void)koios::handle_close(g.file);
  check("survives_one_handle_closing", fstat(dup).size == 3);
  (void)koios::handle_close(dup);
  check("unlink_g", unlink("/tmp/g") == E::Ok);
  // ENOSPC: the tmpfs holds 4 MiB; a write that partly fits is short, the next one fails.
  Opened big = open("/tmp/big", fsp::kORdwr | fsp::kOCreat);
  check("ENOSPC", seek(big.file, (4 << 20) - 10, fsp::kSeekSet) == (4 << 20) - 10 && write(big.file, data, 100) == 10 &&
                      write(big.file, data, 100) == -28);
  (void)close(big.file);
  check("space_back_after_unlink", unlink("/tmp/big") == E::Ok && open_err("/tmp/h", fsp::kOWronly | fsp::kOCreat) == E::Ok &&
                                       unlink("/tmp/h") == E::Ok);
}

void hostile_checks() {
  std::memset(&g_rq.open, 0, sizeof g_rq.open);
  g_rq.open.header.ordinal = fsp::ordinal(fsp::Op::Open);
  set(g_rq.open.path, "/hello");
  check("short_request_EINVAL", raw_call(g_dir, &g_rq.open, sizeof g_rq.open - 1) == 22);
  fsp::EmptyRequest unknown{{0, 99}};
  check("unknown_ordinal_ENOSYS", raw_call(g_dir, &unknown, sizeof unknown) == 38);
  fsp::EmptyRequest read_on_dir{{0, fsp::ordinal(fsp::Op::Fstat)}};
  check("file_op_on_dir_channel_EBADF", raw_call(g_dir, &read_on_dir, sizeof read_on_dir) == 9);
  Handle ev = kInvalidHandle;
  (void)koios::event_create(0, &ev);
  check("request_with_handle_EINVAL", raw_call(g_dir, &g_rq.open, sizeof g_rq.open, &ev, 1) == 22);
  g_rq.open.path.length = 5000;
  check("path_length_past_buffer_ENAMETOOLONG", raw_call(g_dir, &g_rq.open, sizeof g_rq.open) == 36);
  set(g_rq.open.path, "/hel");
  g_rq.open.path.bytes[4] = 0;
  g_rq.open.path.bytes[5] = 'x';
  g_rq.open.path.length = 6;
  check("nul_in_path_EINVAL", raw_call(g_dir, &g_rq.open, sizeof g_rq.open) == 22);
  koios::u32 tiny = 7;
  bool wrote = koios::channel_write(g_dir, 0, &tiny, sizeof tiny, nullptr, 0) == koios::Status::Ok;
  check("headerless_message_ignored", wrote && stat("/hello") == E::Ok);
  // A client that never reads its replies: its channel fills, the server keeps serving others.
  Handle flood = clone_dir();
  check("clone", flood != kInvalidHandle && stat("/hello") == E::Ok);
  std::memset(&g_rq.path, 0, sizeof g_rq.path);
  g_rq.path.header.ordinal = fsp::ordinal(fsp::Op::Stat);
  set(g_rq.path.path, "/hello");
  u32 sent = 0;
  for (u32 i = 0; i < 400; ++i)
    if (koios::channel_write(flood, 0, &g_rq.path, sizeof g_rq.path, nullptr, 0) == koios::Status::Ok) ++sent;
  check("flooding_client_does_not_stall_others", sent >= koios::kMaxQueuedMessages && stat("/hello") == E::Ok);
  (void)koios::handle_close(flood);
  check("server_serves_after_flooder_closes", stat("/hello") == E::Ok && open_err("/tmp", fsp::kORdonly) == E::Ok);
}

}  // namespace

int main(int, char**, char**) {
  g_dir = koios::startup_handle(koios::StartupHandleKind::Server, koios::u32(koios::StartupServer::Mount));
  if (!check("has_directory_channel", g_dir != kInvalidHandle)) return 1;
  boot_image_checks();
  tmp_checks();
  hostile_checks();
  std::printf("fstest: %d passed, %d failed\n", g_passed, g_failed);
  return g_failed;
}
