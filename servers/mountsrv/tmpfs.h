// servers/mountsrv/tmpfs.h: the writable in-memory filesystem mounted at /tmp (Linux's tmpfs,
// without times, owners or hard links: every file has one name). Nodes are numbered by their
// slot (DentryId), slots are reused once a node is gone; inode numbers are slot + 1.
// Limits, as tmpfs's size= and nr_inodes=: `max_bytes` of file data (the sum of file sizes) and
// `max_nodes` nodes; past either a write or a create answers ENOSPC.
// Owned by mountsrv's main (or a test); memory from the allocator it is given, freed with it.
#pragma once

#include "libns/allocator.h"
#include "libns/vec.h"
#include "servers/mountsrv/fs.h"

namespace mountsrv {

class TmpFs final : public Fs {
 public:
  TmpFs(ns::Allocator& a, uint64_t dev, uint64_t max_bytes, uint32_t max_nodes);
  ~TmpFs();
  TmpFs(const TmpFs&) = delete;
  TmpFs& operator=(const TmpFs&) = delete;
  // Makes the root directory; ENOMEM. Call once before anything else.
  Status init();

  // ns::Filesystem
  DentryId root() const override { return 0; }
  Result<DentryId> lookup(DentryId dir, const char* name, size_t len) const override;
  DentryId parent(DentryId d) const override { return nodes_[d]->parent; }
  bool is_dir(DentryId d) const override { return nodes_[d]->type == NodeType::Dir; }

  // Fs
  bool read_only() const override { return false; }
  proto::fs::Stat stat(DentryId d) const override;
  const char* name(DentryId d, size_t* len) const override;
  Result<size_t> read(DentryId d, uint64_t off, void* buf, size_t n) const override;
  Result<DirEntry> next_entry(DentryId dir, uint64_t from) const override;
  Result<size_t> write(DentryId d, uint64_t off, const void* buf, size_t n) override;
  Status truncate(DentryId d, uint64_t size) override;
  Result<DentryId> create(DentryId dir, const char* name, size_t len, NodeType type) override;
  Status remove(DentryId dir, DentryId d) override;
  Status rename(DentryId from_dir, DentryId d, DentryId to_dir, const char* name, size_t len,
                DentryId replaced) override;
  void hold(DentryId d) override { ++nodes_[d]->holds; }
  void release(DentryId d) override;

  uint64_t bytes_used() const { return bytes_used_; }
  uint32_t node_count() const { return live_nodes_; }

 private:
  struct Node {
    explicit Node(ns::Allocator& a) : children(a) {}
    NodeType type = NodeType::File;
    uint32_t nlink = 0;          // 0 once unlinked; the node lives on while held
    uint32_t holds = 0;          // open files
    DentryId parent = 0;
    uint64_t cookie = 0;         // its place in the parent's readdir order
    uint64_t next_cookie = kFirstCookie;   // directories: the next child's cookie
    uint64_t size = 0;
    uint64_t capacity = 0;
    uint8_t* data = nullptr;
    uint16_t name_len = 0;
    char name[proto::fs::kNameMax + 1] = {};
    ns::Vec<DentryId> children;  // in cookie order
  };
  Node* node(DentryId d) const { return nodes_[d]; }
  Result<DentryId> new_node(NodeType type);
  void free_node(DentryId d);
  void unlink_from(Node& dir, DentryId d);
  Status reserve(Node& n, uint64_t size);   // capacity for `size` bytes; ENOSPC
  Status resize(Node& n, uint64_t size);    // size within the limit, zero filled; ENOSPC

  ns::Allocator& alloc_;
  uint64_t max_bytes_;
  uint32_t max_nodes_;
  uint64_t bytes_used_ = 0;
  uint32_t live_nodes_ = 0;
  ns::Vec<Node*> nodes_;        // nullptr: a free slot
};

}  // namespace mountsrv
