// servers/proto/fs.h: the file protocol of mountsrv, declared once; the server and every client
// include this file and nobody re-declares it.
//
// Two kinds of channel speak it:
//   a directory channel (what a program gets as StartupServer::Mount) answers the path operations
//     Open, Stat, Mkdir, Unlink, Rmdir, Rename, and Clone (a second directory channel for the same
//     namespace, to hand to a child);
//   a file channel (what Open returns, one per open file) answers Read, Write, Seek, Fstat,
//     Readdir and Close. It can be handed to another process; the open file (offset, flags) is
//     shared by whoever holds it, like a Linux open file description. Closing the last handle to
//     it closes the file as Close does.
// Every request is one fixed-size struct below beginning with koios::MessageHeader (the ordinal is
// the Op); every reply begins with the header (same txid) and an errno with Linux's numbers
// (ns::Errno, 0 on success). A request of the wrong size or with handles gets EINVAL, an unknown
// ordinal ENOSYS, an operation sent to the wrong kind of channel EBADF.
// Flags, modes and whence values are Linux's (riscv64 uses the generic numbers), so a POSIX layer
// passes them through unchanged.
#pragma once

#include <cstddef>
#include <type_traits>

#include "koios/channel.h"
#include "koios/types.h"
#include "libns/errno.h"

namespace proto::fs {

using koios::i64;
using koios::u32;
using koios::u64;
using koios::u8;

inline constexpr u32 kPathMax = 4096;   // PATH_MAX: a path of kPathMax bytes or more is ENAMETOOLONG
inline constexpr u32 kNameMax = 255;    // NAME_MAX: a longer component is ENAMETOOLONG
inline constexpr u32 kIoMax = 4096;     // bytes per Read or Write; larger transfers take several
inline constexpr u32 kDirentsMax = 8;   // entries per Readdir reply

enum class Op : u32 {
  // directory channel
  Open = 1, Stat = 2, Mkdir = 3, Unlink = 4, Rmdir = 5, Rename = 6, Clone = 7,
  // file channel
  Read = 16, Write = 17, Seek = 18, Fstat = 19, Readdir = 20, Close = 21,
};
constexpr u32 ordinal(Op op) { return static_cast<u32>(op); }

// open(2) flags (asm-generic/fcntl.h). Other bits are ignored, as Linux ignores unknown ones.
inline constexpr u32 kORdonly = 0, kOWronly = 1, kORdwr = 2, kOAccmode = 3;
inline constexpr u32 kOCreat = 0100, kOExcl = 0200, kOTrunc = 01000, kOAppend = 02000;
inline constexpr u32 kODirectory = 0200000;
// lseek(2) whence.
inline constexpr u32 kSeekSet = 0, kSeekCur = 1, kSeekEnd = 2;
// st_mode type bits and getdents64 d_type values.
inline constexpr u32 kSIfmt = 0170000, kSIfdir = 0040000, kSIfreg = 0100000;
inline constexpr u8 kDtDir = 4, kDtReg = 8;

// A path: `length` bytes of `bytes`, no NUL needed (an embedded NUL is EINVAL). The runtime sends
// absolute paths, resolved against its working directory (servers/runtime/cwd.h). Relative paths
// that reach mountsrv start at the namespace root.
struct Path {
  u32 length;
  char bytes[kPathMax];
};

// stat(2)'s fields that mean something here; times are not kept yet.
struct Stat {
  u64 dev;        // one number per mounted filesystem
  u64 ino;
  u32 mode;       // kSIfdir / kSIfreg | permission bits
  u32 nlink;
  u64 size;
  u64 blksize;
  u64 blocks;     // 512-byte units
};
static_assert(sizeof(Stat) == 48);

// One getdents64 record: `next` is d_off, the Seek offset that continues after this entry.
struct Dirent {
  u64 ino;
  u64 next;
  u8 type;        // kDtDir / kDtReg
  u8 name_length;
  char name[kNameMax + 1];   // NUL-terminated too
  u8 pad[6];
};
static_assert(sizeof(Dirent) == 280);

// ---- directory channel ----
struct OpenRequest { koios::MessageHeader header; u32 flags; u32 mode; Path path; };
// With error 0 the reply carries one handle: the new file channel.
struct OpenReply { koios::MessageHeader header; ns::Errno error; u32 pad; Stat stat; };
struct PathRequest { koios::MessageHeader header; Path path; };             // Stat, Unlink, Rmdir
struct MkdirRequest { koios::MessageHeader header; u32 mode; Path path; };
struct RenameRequest { koios::MessageHeader header; Path from; Path to; };
struct StatReply { koios::MessageHeader header; ns::Errno error; u32 pad; Stat stat; };
// Clone: an EmptyRequest; with error 0 the Reply carries one handle, a new directory channel.

// ---- file channel ----
struct EmptyRequest { koios::MessageHeader header; };                       // Fstat, Close, Clone
struct ReadRequest { koios::MessageHeader header; u32 count; u32 pad; };     // count <= kIoMax
struct ReadReply { koios::MessageHeader header; ns::Errno error; u32 count; u8 data[kIoMax]; };
struct WriteRequest { koios::MessageHeader header; u32 count; u32 pad; u8 data[kIoMax]; };
struct WriteReply { koios::MessageHeader header; ns::Errno error; u32 count; };
struct SeekRequest { koios::MessageHeader header; i64 offset; u32 whence; u32 pad; };
struct SeekReply { koios::MessageHeader header; ns::Errno error; u32 pad; i64 offset; };
struct ReaddirRequest { koios::MessageHeader header; };
// count 0 with error 0: the end of the directory.
struct ReaddirReply { koios::MessageHeader header; ns::Errno error; u32 count; Dirent entries[kDirentsMax]; };

// What every operation without data answers (Mkdir, Unlink, Rmdir, Rename, Clone, Close).
struct Reply { koios::MessageHeader header; ns::Errno error; u32 pad; };

template <typename M>
inline constexpr bool kIsMessage = std::is_trivially_copyable_v<M> && std::is_standard_layout_v<M> &&
                                   offsetof(M, header) == 0 && sizeof(M) <= koios::kMaxMessageBytes;
static_assert(kIsMessage<OpenRequest> && sizeof(OpenRequest) == 4116);
static_assert(kIsMessage<RenameRequest> && sizeof(RenameRequest) == 8208);
static_assert(kIsMessage<ReadReply> && sizeof(ReadReply) == 16 + kIoMax);
static_assert(kIsMessage<WriteRequest> && sizeof(WriteRequest) == 16 + kIoMax);
static_assert(kIsMessage<ReaddirReply> && sizeof(ReaddirReply) == 16 + 8 * 280);
static_assert(kIsMessage<StatReply> && sizeof(StatReply) == 64);
static_assert(kIsMessage<SeekReply> && sizeof(SeekReply) == 24);
static_assert(kIsMessage<Reply> && sizeof(Reply) == 16);

// The largest request; the server reads into a buffer this big.
inline constexpr u32 kMaxRequest = sizeof(RenameRequest);

// Fills a Path from `length` bytes; false when they do not fit (the caller answers ENAMETOOLONG).
inline bool set_path(Path& p, const char* s, u32 length) {
  if (length > kPathMax) return false;
  p.length = length;
  for (u32 i = 0; i < length; ++i) p.bytes[i] = s[i];
  return true;
}

}  // namespace proto::fs
