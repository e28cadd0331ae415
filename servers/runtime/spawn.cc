// servers/runtime/spawn.cc: the user-space ELF loader and spawner (spawn.h).
#include "spawn.h"

#include <cstdlib>
#include <cstring>
#include <utility>

#include "koios/elf.h"
#include "koios/vm.h"
#include "runtime.h"
#include "startup_message.h"
#include "syscalls.h"

namespace koios {

namespace {

constexpr u64 kPage = kPageSize;
// The stack sits where the kernel puts one (kernel/vm/user_aspace.h): a guard page below the top of
// the user range, then 64 KiB; ELF segments must end a guard page below it.
constexpr u64 kStackSize = 64 * 1024;
constexpr u64 kStackTop = kUserTop - kPage;
constexpr u64 kImageTop = kStackTop - kStackSize - kPage;
// The headers of every program we build fit in the first page; a file whose program headers lie
// further in is refused (BadFormat), like any other file we cannot load.
constexpr u64 kHeaderRead = kPage;

alignas(8) const u8 kZeros[kPage] = {};

u64 page_down(u64 v) { return v / kPage * kPage; }
u64 page_up(u64 v) { return (v + kPage - 1) / kPage * kPage; }

// Maps one segment at its address: a snapshot of the file's pages, grown and zeroed for bss.
Status map_segment(Handle vmar, const Bootfs& bootfs, u64 file_base, const elf::Segment& s) {
  u64 start = page_down(s.vaddr);
  u64 lead = s.vaddr - start;                  // file bytes before vaddr in its first page
  u64 mem_bytes = page_up(s.vaddr + s.mem_size) - start;
  u64 file_bytes = s.file_size == 0 ? 0 : page_up(lead + s.file_size);
  u32 perm = kVmPermRead;
  if (s.flags & elf::kWrite) perm |= kVmPermWrite;
  if (s.flags & elf::kExecute) perm |= kVmPermExecute;
  Handle raw = kInvalidHandle;
  if (file_bytes == 0) {
    TRY(vmo_create(mem_bytes, 0, &raw));
  } else {
    // The archive pads every file to whole pages with zeros, so the range stays in the file.
    u32 options = kVmoChildSnapshot | (mem_bytes > file_bytes ? kVmoChildResizable : 0);
    TRY(vmo_create_child(bootfs.vmo(), options, file_base + s.file_offset - lead, file_bytes, &raw));
  }
  OwnedHandle vmo(raw);
  if (file_bytes != 0 && mem_bytes > file_bytes) TRY(vmo_set_size(vmo.get(), mem_bytes));  // new pages are zero
  // What follows the file's bytes in their last page is the next section of the file: bss there
  // must read zero (this write copies that one page).
  u64 file_end = lead + s.file_size;
  if (s.file_size != 0 && s.mem_size > s.file_size && file_end % kPage != 0) {
    u64 zero_end = lead + s.mem_size < file_bytes ? lead + s.mem_size : file_bytes;
    TRY(vmo_write(vmo.get(), kZeros, file_end, zero_end - file_end));
  }
  u64 mapped = 0;
  return vmar_map(vmar, perm | kVmSpecific, start - kUserBase, vmo.get(), 0, mem_bytes, &mapped);
}

// Closes the extra handles not yet given away (spawn consumes them whatever happens).
void close_extra(SpawnHandle* extra, u32 count) {
  for (u32 i = 0; i < count; ++i) {
    if (extra[i].handle != kInvalidHandle) (void)handle_close(std::exchange(extra[i].handle, kInvalidHandle));
  }
}

// Reads and checks the ELF headers of `path`.
Result<elf::Image> read_image(const Bootfs& bootfs, const char* path, bootfs::Entry* file) {
  *file = TRY(bootfs.find(path));
  u8 headers[kHeaderRead];
  u64 head = file->size < kHeaderRead ? file->size : kHeaderRead;
  TRY(vmo_read(bootfs.vmo(), headers, file->offset, head));
  return elf::parse_prefix(headers, head, file->size, kUserBase, kImageTop);
}

// Everything after process_create: segments, stack, thread, start-up message, start. Answers the
// main thread; `vmar` moves into the start-up message on success.
Result<OwnedHandle> load_and_start(Handle process, OwnedHandle& vmar, const Bootfs& bootfs, const bootfs::Entry& file,
                                   const elf::Image& image, const char* path, const char* const* argv,
                                   const char* const* envp, SpawnHandle* extra, u32 extra_count,
                                   const char* cwd = nullptr) {
  usize name_size = std::strlen(path);
  for (u32 i = 0; i < image.segment_count; ++i) TRY(map_segment(vmar.get(), bootfs, file.offset, image.segments[i]));
  {
    Handle raw = kInvalidHandle;
    TRY(vmo_create(kStackSize, 0, &raw));
    OwnedHandle stack(raw);
    u64 mapped = 0;
    TRY(vmar_map(vmar.get(), kVmPermRead | kVmPermWrite | kVmSpecific, kStackTop - kStackSize - kUserBase, stack.get(),
                 0, kStackSize, &mapped));
  }
  Handle raw_thread = kInvalidHandle;
  TRY(thread_create(process, path, u32(name_size), 0, &raw_thread));
  OwnedHandle thread(raw_thread);

  // The start-up message: argv, envp, then Process, Thread, RootVmar and the caller's handles.
  const char* default_argv[2] = {path, nullptr};
  if (argv == nullptr) argv = default_argv;
  u64 strings = 0;
  for (const char* const* a = argv; *a != nullptr; ++a) strings += std::strlen(*a) + 1;
  for (const char* const* e = envp; e != nullptr && *e != nullptr; ++e) strings += std::strlen(*e) + 1;
  if (cwd != nullptr) strings += std::strlen(cwd) + 1;
  if (strings > kMaxMessageBytes) return Status::OutOfRange;
  u32 capacity = u32(sizeof(StartupHeader) + kStartupMaxHandles * sizeof(StartupHandleInfo) + strings);
  if (capacity > kMaxMessageBytes) capacity = kMaxMessageBytes;
  u8* buffer = static_cast<u8*>(std::malloc(capacity));
  if (buffer == nullptr) return Status::NoMemory;
  struct Free {
    u8* p;
    ~Free() { std::free(p); }
  } free_buffer{buffer};
  StartupBuilder builder(buffer, capacity);
  for (const char* const* a = argv; *a != nullptr; ++a) TRY(builder.add_arg(*a));
  for (const char* const* e = envp; e != nullptr && *e != nullptr; ++e) TRY(builder.add_env(*e));
  if (cwd != nullptr) TRY(builder.set_cwd(cwd));
  Handle raw_process_for_child = kInvalidHandle;
  TRY(handle_duplicate(process, Rights::SameRights, &raw_process_for_child));
  OwnedHandle process_for_child(raw_process_for_child);
  OwnedHandle thread_for_child = TRY(thread.duplicate(Rights::SameRights));
  TRY(builder.add_handle(process_for_child.get(), StartupHandleKind::Process, 0));
  TRY(builder.add_handle(thread_for_child.get(), StartupHandleKind::Thread, 0));
  TRY(builder.add_handle(vmar.get(), StartupHandleKind::RootVmar, 0));
  for (u32 i = 0; i < extra_count; ++i) TRY(builder.add_handle(extra[i].handle, extra[i].kind, extra[i].arg));
  u32 size = TRY(builder.finish());
  OwnedPair boot = TRY(make_channel());
  // The write moves every listed handle, all or nothing.
  TRY(send_startup_message(boot.first.get(), builder, size));
  (void)process_for_child.release();
  (void)thread_for_child.release();
  (void)vmar.release();
  for (u32 i = 0; i < extra_count; ++i) extra[i].handle = kInvalidHandle;
  // Our end goes now: the message stays queued, and the child sees PeerClosed after reading it.
  boot.first.reset();
  TRY(process_start(process, thread.get(), image.entry, kStackTop, boot.second.release(), 0));
  return thread;
}

Result<OwnedHandle> spawn_checked(Handle job, const Bootfs& bootfs, const char* path, const char* const* argv,
                                  const char* const* envp, SpawnHandle* extra, u32 extra_count,
                                  u32 process_options) {
  bootfs::Entry file{};
  elf::Image image = TRY(read_image(bootfs, path, &file));
  Handle raw_process = kInvalidHandle, raw_vmar = kInvalidHandle;
  TRY(process_create(job, path, u32(std::strlen(path)), process_options, &raw_process, &raw_vmar));
  OwnedHandle process(raw_process), vmar(raw_vmar);
  TRY(load_and_start(process.get(), vmar, bootfs, file, image, path, argv, envp, extra, extra_count));
  return process;
}

}  // namespace

Bootfs::Bootfs(Bootfs&& other)
    : vmo_(std::exchange(other.vmo_, kInvalidHandle)),
      directory_(std::exchange(other.directory_, nullptr)),
      directory_size_(std::exchange(other.directory_size_, 0)),
      archive_size_(std::exchange(other.archive_size_, 0)) {}

Bootfs& Bootfs::operator=(Bootfs&& other) {
  if (this != &other) {
    std::free(directory_);
    vmo_ = std::exchange(other.vmo_, kInvalidHandle);
    directory_ = std::exchange(other.directory_, nullptr);
    directory_size_ = std::exchange(other.directory_size_, 0);
    archive_size_ = std::exchange(other.archive_size_, 0);
  }
  return *this;
}

Bootfs::~Bootfs() { std::free(directory_); }

Result<Bootfs> Bootfs::open(Handle vmo) {
  u64 size = 0;
  TRY(vmo_get_size(vmo, &size));
  u8 header[bootfs::kHeaderSize];
  if (size < sizeof header) return Status::BadFormat;
  TRY(vmo_read(vmo, header, 0, sizeof header));
  // A header alone "holds" no entries yet: read its count from the raw bytes, then check it all.
  u32 n = u32(header[8]) | u32(header[9]) << 8 | u32(header[10]) << 16 | u32(header[11]) << 24;
  u64 dir_size = bootfs::directory_size(n);
  if (dir_size > size) return Status::BadFormat;
  Bootfs fs;
  fs.directory_ = static_cast<u8*>(std::malloc(dir_size));
  if (fs.directory_ == nullptr) return Status::NoMemory;
  TRY(vmo_read(vmo, fs.directory_, 0, dir_size));
  fs.directory_size_ = dir_size;
  fs.archive_size_ = size;
  fs.vmo_ = vmo;
  TRY(bootfs::count(fs.directory_, fs.directory_size_));  // magic, version, entries all inside
  return fs;
}

u32 Bootfs::count() const {
  auto n = bootfs::count(directory_, directory_size_);
  return n.ok() ? n.value() : 0;
}

Result<bootfs::Entry> Bootfs::at(u32 index) const {
  return bootfs::at(directory_, directory_size_, archive_size_, index);
}

Result<bootfs::Entry> Bootfs::find(const char* name) const {
  return bootfs::find(directory_, directory_size_, archive_size_, name);
}

Result<OwnedHandle> spawn(Handle job, const Bootfs& bootfs, const char* path, const char* const* argv,
                          const char* const* envp, SpawnHandle* extra, u32 extra_count, u32 process_options) {
  auto result = spawn_checked(job, bootfs, path, argv, envp, extra, extra_count, process_options);
  close_extra(extra, extra_count);  // those the message did not take
  return result;
}

Result<OwnedHandle> spawn(Handle job, Handle bootfs_vmo, const char* path, const char* const* argv,
                          const char* const* envp, SpawnHandle* extra, u32 extra_count, u32 process_options) {
  auto fs = Bootfs::open(bootfs_vmo);
  if (!fs.ok()) {
    close_extra(extra, extra_count);
    return fs.status();
  }
  return spawn(job, fs.value(), path, argv, envp, extra, extra_count, process_options);
}

Result<OwnedHandle> spawn_into(Handle process, Handle vmar, const Bootfs& bootfs, const char* path,
                               const char* const* argv, const char* const* envp, SpawnHandle* extra,
                               u32 extra_count, const char* cwd) {
  OwnedHandle owned_vmar(vmar);
  bootfs::Entry file{};
  auto image = read_image(bootfs, path, &file);
  Result<OwnedHandle> result = image.ok() ? load_and_start(process, owned_vmar, bootfs, file, image.value(), path,
                                                           argv, envp, extra, extra_count, cwd)
                                          : Result<OwnedHandle>(image.status());
  close_extra(extra, extra_count);
  return result;
}

Result<InfoProcess> wait_process(Handle process, i64 deadline) {
  Signals seen = Signals::None;
  TRY(object_wait_one(process, Signals::Terminated, deadline, &seen));
  InfoProcess info{};
  TRY(object_get_info(process, u32(InfoTopic::Process), &info, sizeof info, nullptr, nullptr));
  return info;
}

}  // namespace koios
