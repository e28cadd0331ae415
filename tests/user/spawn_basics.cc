// tests/user/spawn_basics.cc: koios::spawn (servers/runtime/spawn.h) from user space, run by init:
// argv, envp and handles reach the child; exit codes come back; a missing file is NotFound and bad
// ELF files are BadFormat (the kernel's own checks), with the extra handles consumed either way.
// Prints one `spawn_basics: CHECK PASS|FAIL` line per check; exits with the number of failures.
// Started with a job, the boot filesystem vmo and the info resource; also spawns itself as a child
// (argv[1] names the role).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "koios/object_info.h"
#include "koios/vm.h"
#include "runtime.h"
#include "spawn.h"
#include "syscalls.h"

using koios::Handle;
using koios::OwnedHandle;
using koios::Status;
using koios::u32;
using koios::u64;
using koios::u8;

namespace {

int g_failures = 0;

void check(const char* name, bool ok, const char* detail = "") {
  std::printf("spawn_basics: %s %s%s%s\n", name, ok ? "PASS" : "FAIL", ok || !*detail ? "" : " ", ok ? "" : detail);
  if (!ok) ++g_failures;
}

koios::i64 deadline_in(koios::i64 ms) {
  koios::i64 now = 0;
  (void)koios::clock_get(0, &now);
  return now + ms * 1'000'000;
}

koios::ObjectType type_of(Handle h) {
  koios::InfoBasic b{};
  if (koios::object_get_info(h, u32(koios::InfoTopic::Basic), &b, sizeof b, nullptr, nullptr) != Status::Ok)
    return koios::ObjectType(0);
  return b.type;
}

// The child: argv, envp and every start-up handle as the parent sent them.
int child_args(int argc, char** argv) {
  if (argc != 4 || std::strcmp(argv[2], "alpha") != 0 || std::strcmp(argv[3], "beta gamma") != 0) return 10;
  const char* v = std::getenv("SPAWN_TEST");
  if (v == nullptr || std::strcmp(v, "yes") != 0) return 11;
  if (type_of(koios::startup_handle(koios::StartupHandleKind::Process)) != koios::ObjectType::Process) return 12;
  if (type_of(koios::startup_handle(koios::StartupHandleKind::Thread)) != koios::ObjectType::Thread) return 13;
  if (type_of(koios::startup_handle(koios::StartupHandleKind::RootVmar)) != koios::ObjectType::Vmar) return 14;
  if (type_of(koios::startup_handle(koios::StartupHandleKind::User, 7)) != koios::ObjectType::Event) return 15;
  return 0;
}

// A file of the archive built below: name, bytes.
struct FakeFile {
  const char* name;
  const u8* data;
  u64 size;
};

// Writes a boot filesystem archive (koios/bootfs.h) of `files` into a new vmo.
Handle make_archive(const FakeFile* files, u32 n) {
  u64 offset = 4096;
  u64 total = offset;
  for (u32 i = 0; i < n; ++i) total += (files[i].size + 4095) / 4096 * 4096;
  Handle vmo = koios::kInvalidHandle;
  if (koios::vmo_create(total, 0, &vmo) != Status::Ok) return koios::kInvalidHandle;
  u8 header[16] = {'K', 'B', 'F', 'S', 1, 0, 0, 0, u8(n), 0, 0, 0, 0, 0, 0, 0};
  (void)koios::vmo_write(vmo, header, 0, sizeof header);
  for (u32 i = 0; i < n; ++i) {
    u8 entry[64] = {};
    std::strncpy(reinterpret_cast<char*>(entry), files[i].name, 47);
    for (int b = 0; b < 8; ++b) entry[48 + b] = u8(offset >> (8 * b)), entry[56 + b] = u8(files[i].size >> (8 * b));
    (void)koios::vmo_write(vmo, entry, 16 + 64 * i, sizeof entry);
    (void)koios::vmo_write(vmo, files[i].data, offset, files[i].size);
    offset += (files[i].size + 4095) / 4096 * 4096;
  }
  return vmo;
}

// Writes a u32 into an ELF image's bytes at `at`, little endian.
void poke32(u8* p, u32 v) {
  for (int b = 0; b < 4; ++b) p[b] = u8(v >> (8 * b));
}

int driver() {
  Handle job = koios::startup_handle(koios::StartupHandleKind::Job);
  Handle fs_vmo = koios::startup_handle(koios::StartupHandleKind::BootfsVmo);
  auto fs = koios::Bootfs::open(fs_vmo);
  check("bootfs_opens", fs.ok() && fs.value().find("true").ok());
  if (!fs.ok()) return 1;
  const koios::Bootfs& bootfs = fs.value();

  {  // argv, envp and an extra handle reach the child
    Handle event = koios::kInvalidHandle;
    (void)koios::event_create(0, &event);
    koios::SpawnHandle extra[] = {{event, koios::StartupHandleKind::User, 7}};
    const char* argv[] = {"spawn_basics", "child-args", "alpha", "beta gamma", nullptr};
    const char* envp[] = {"OTHER=1", "SPAWN_TEST=yes", nullptr};
    auto p = koios::spawn(job, bootfs, "spawn_basics", argv, envp, extra, 1);
    auto info = p.ok() ? koios::wait_process(p.value().get(), deadline_in(20'000)) : p.status();
    char detail[64];
    std::snprintf(detail, sizeof detail, "(%s, code %ld)", koios::status_name(info.status()),
                  info.ok() ? long(info.value().return_code) : -1L);
    check("args_env_handles_reach_child",
          info.ok() && info.value().exit_reason == koios::ProcessExitReason::Exited && info.value().return_code == 0,
          detail);
    check("extra_handles_moved", koios::handle_close(event) == Status::BadHandle);
  }
  {  // an exit code comes back as it is
    const char* argv[] = {"spawn_basics", "exit", nullptr};
    auto p = koios::spawn(job, bootfs, "spawn_basics", argv, nullptr);
    auto info = p.ok() ? koios::wait_process(p.value().get(), deadline_in(20'000)) : p.status();
    check("exit_code_42", info.ok() && info.value().exit_reason == koios::ProcessExitReason::Exited &&
                              info.value().return_code == 42);
  }
  {  // a missing file: NotFound, and the extra handle is consumed anyway
    Handle event = koios::kInvalidHandle;
    (void)koios::event_create(0, &event);
    koios::SpawnHandle extra[] = {{event, koios::StartupHandleKind::User, 0}};
    auto p = koios::spawn(job, bootfs, "no_such_program", nullptr, nullptr, extra, 1);
    check("missing_file_not_found", p.status() == Status::NotFound);
    check("extra_handles_consumed_on_failure", koios::handle_close(event) == Status::BadHandle);
  }
  {  // bad ELF files, in an archive of our own: BadFormat, never a crash
    auto t = bootfs.find("true");
    static u8 elf[4096];
    u64 head = t.ok() && t.value().size < sizeof elf ? t.value().size : sizeof elf;
    (void)koios::vmo_read(fs_vmo, elf, t.ok() ? t.value().offset : 0, head);
    static u8 wx[4096], cut[4096], junk[100], big_phnum[4096];
    std::memcpy(wx, elf, sizeof wx);
    std::memcpy(cut, elf, sizeof cut);
    std::memcpy(big_phnum, elf, sizeof big_phnum);
    std::memset(junk, 'x', sizeof junk);
    // Every PT_LOAD writable and executable.
    u64 phoff = 0;
    for (int b = 0; b < 8; ++b) phoff |= u64(elf[32 + b]) << (8 * b);
    u32 phnum = u32(elf[56]) | u32(elf[57]) << 8;
    for (u32 i = 0; i < phnum && phoff + 56 * (i + 1) <= sizeof wx; ++i) poke32(wx + phoff + 56 * i + 4, 7);
    big_phnum[56] = 0xff, big_phnum[57] = 0xff;  // program headers past the end
    const FakeFile files[] = {
        {"junk", junk, sizeof junk},
        {"wx", wx, sizeof wx},
        {"cut", cut, 4096},  // a real header whose segments run past the file's end
        {"phnum", big_phnum, sizeof big_phnum},
    };
    Handle archive = make_archive(files, 4);
    auto bad = koios::Bootfs::open(archive);
    check("fake_archive_opens", bad.ok());
    if (bad.ok()) {
      for (const char* name : {"junk", "wx", "cut", "phnum"}) {
        auto p = koios::spawn(job, bad.value(), name, nullptr, nullptr);
        char check_name[48];
        std::snprintf(check_name, sizeof check_name, "bad_elf_%s_is_bad_format", name);
        check(check_name, p.status() == Status::BadFormat, koios::status_name(p.status()));
      }
    }
    u8 garbage[64] = {'K', 'B', 'F', 'S', 1, 0, 0, 0, 0xff, 0xff, 0, 0};
    Handle bad_dir = koios::kInvalidHandle;
    (void)koios::vmo_create(4096, 0, &bad_dir);
    (void)koios::vmo_write(bad_dir, garbage, 0, sizeof garbage);
    check("bad_archive_is_bad_format", koios::Bootfs::open(bad_dir).status() == Status::BadFormat);
    (void)koios::handle_close(bad_dir);
    (void)koios::handle_close(archive);
  }
  std::printf("spawn_basics: %d failed\n", g_failures);
  return g_failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "child-args") == 0) return child_args(argc, argv);
  if (argc >= 2 && std::strcmp(argv[1], "exit") == 0) return 42;
  return driver();
}
