// servers/mountsrv/bootfs.h: the boot filesystem (koios/bootfs.h's image) as a read-only
// filesystem mounted at /. Entry names are paths: "bin/sh" makes a directory "bin"; `dirs` adds
// empty directories the image does not carry (the mountpoints, such as "tmp"). The entry table
// is read once by load(); file data is read from the image on each read, through an ImageReader
// (a VMO on the target, memory in tests), so a hostile or truncated image costs an EIO, not a fault.
// Owned by mountsrv's main (or a test); memory from the allocator it is given.
#pragma once

#include "koios/bootfs.h"
#include "libns/allocator.h"
#include "libns/vec.h"
#include "servers/mountsrv/fs.h"

namespace mountsrv {

// Where the image's bytes come from. read() is false when [off, off + n) cannot be read.
class ImageReader {
 public:
  virtual bool read(uint64_t off, void* buf, size_t n) const { (void)off; (void)buf; (void)n; return false; }

 protected:
  ImageReader() = default;
  ~ImageReader() = default;
};

// An image already in memory.
class MemoryImage final : public ImageReader {
 public:
  MemoryImage(const void* data, size_t size) : data_(static_cast<const uint8_t*>(data)), size_(size) {}
  bool read(uint64_t off, void* buf, size_t n) const override;

 private:
  const uint8_t* data_;
  size_t size_;
};

class BootFs final : public Fs {
 public:
  BootFs(ns::Allocator& a, uint64_t dev);
  // Reads the entry table of an image of `size` bytes. EINVAL for a malformed image (bad magic
  // or version, a table or file outside the image, an unterminated name), ENOMEM. Entries whose
  // names are not clean paths ("", "a//b", "..") are left out. The image must outlive the BootFs.
  Status load(const ImageReader& image, uint64_t size, const char* const* dirs, size_t dir_count);

  // ns::Filesystem
  DentryId root() const override { return 0; }
  Result<DentryId> lookup(DentryId dir, const char* name, size_t len) const override;
  DentryId parent(DentryId d) const override { return nodes_[d].parent; }
  bool is_dir(DentryId d) const override { return nodes_[d].type == NodeType::Dir; }

  // Fs: read_only() is Fs's default (true); every write answers EROFS.
  proto::fs::Stat stat(DentryId d) const override;
  const char* name(DentryId d, size_t* len) const override;
  Result<size_t> read(DentryId d, uint64_t off, void* buf, size_t n) const override;
  Result<DirEntry> next_entry(DentryId dir, uint64_t from) const override;

  size_t node_count() const { return nodes_.size(); }

 private:
  struct Node {
    DentryId parent;
    NodeType type;
    uint8_t name_len;
    char name[koios::kBootfsNameMax];
    uint64_t offset;
    uint64_t size;
  };
  // The child `name` of dir, made as a directory when absent and `make`; ENOTDIR over a file.
  Result<DentryId> child(DentryId dir, const char* name, size_t len, bool make);
  Status add_path(const char* path, size_t len, NodeType type, uint64_t offset, uint64_t size);

  const ImageReader* image_ = nullptr;
  ns::Vec<Node> nodes_;
};

}  // namespace mountsrv
