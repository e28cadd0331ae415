// servers/mountsrv/tmpfs.cc
#include "servers/mountsrv/tmpfs.h"

#include <cstring>

namespace mountsrv {

TmpFs::TmpFs(ns::Allocator& a, uint64_t dev, uint64_t max_bytes, uint32_t max_nodes)
    : Fs(dev), alloc_(a), max_bytes_(max_bytes), max_nodes_(max_nodes), nodes_(a) {}

TmpFs::~TmpFs() {
  for (size_t i = 0; i < nodes_.size(); ++i)
    if (nodes_[i]) free_node(i);
}

Status TmpFs::init() {
  DentryId r = NS_TRY(new_node(NodeType::Dir));
  node(r)->parent = r;
  node(r)->nlink = 2;
  return {};
}

Result<DentryId> TmpFs::new_node(NodeType type) {
  if (live_nodes_ >= max_nodes_) return Errno::NoSpc;
  size_t slot = 0;
  while (slot < nodes_.size() && nodes_[slot]) ++slot;
  if (slot == nodes_.size()) NS_TRY_STATUS(nodes_.push_back(nullptr));
  Node* n = alloc_.make<Node>(alloc_);
  if (!n) return Errno::NoSpc;   // tmpfs out of memory is out of space
  n->type = type;
  nodes_[slot] = n;
  ++live_nodes_;
  return static_cast<DentryId>(slot);
}

void TmpFs::free_node(DentryId d) {
  Node* n = nodes_[d];
  if (n->data) alloc_.deallocate(n->data, n->capacity, 16);
  bytes_used_ -= n->size;
  alloc_.destroy(n);
  nodes_[d] = nullptr;
  --live_nodes_;
}

Result<DentryId> TmpFs::lookup(DentryId dir, const char* name, size_t len) const {
  const Node* d = node(dir);
  if (d->type != NodeType::Dir) return Errno::NotDir;
  for (DentryId c : d->children) {
    const Node* n = node(c);
    if (n->name_len == len && std::memcmp(n->name, name, len) == 0) return c;
  }
  return Errno::NoEnt;
}

proto::fs::Stat TmpFs::stat(DentryId d) const {
  const Node* n = node(d);
  bool dir = n->type == NodeType::Dir;
  return proto::fs::Stat{dev(), d + 1, dir ? (proto::fs::kSIfdir | 0777u) : (proto::fs::kSIfreg | 0644u),
                         n->nlink, dir ? 4096 : n->size, 4096, dir ? 8 : (n->capacity + 511) / 512};
}

const char* TmpFs::name(DentryId d, size_t* len) const {
  *len = node(d)->name_len;
  return node(d)->name;
}

Result<size_t> TmpFs::read(DentryId d, uint64_t off, void* buf, size_t n) const {
  const Node* f = node(d);
  if (f->type == NodeType::Dir) return Errno::IsDir;
  if (off >= f->size) return size_t{0};
  if (n > f->size - off) n = f->size - off;
  std::memcpy(buf, f->data + off, n);
  return n;
}

Result<DirEntry> TmpFs::next_entry(DentryId dir, uint64_t from) const {
  const Node* d = node(dir);
  if (d->type != NodeType::Dir) return Errno::NotDir;
  for (DentryId c : d->children)
    if (node(c)->cookie >= from) return DirEntry{c, node(c)->cookie + 1};
  return Errno::NoEnt;
}

Status TmpFs::reserve(Node& n, uint64_t size) {
  if (size <= n.capacity) return {};
  uint64_t cap = n.capacity ? n.capacity : 64;
  while (cap < size) cap *= 2;
  if (cap > max_bytes_) cap = size;    // never ask for more than the whole filesystem holds
  auto* p = static_cast<uint8_t*>(alloc_.allocate(cap, 16));
  if (!p) return Errno::NoSpc;
  if (n.data) {
    std::memcpy(p, n.data, n.size);
    alloc_.deallocate(n.data, n.capacity, 16);
  }
  n.data = p;
  n.capacity = cap;
  return {};
}

Status TmpFs::resize(Node& n, uint64_t size) {
  if (size > n.size && size - n.size > max_bytes_ - bytes_used_) return Errno::NoSpc;
  NS_TRY_STATUS(reserve(n, size));
  if (size > n.size) std::memset(n.data + n.size, 0, size - n.size);
  bytes_used_ = bytes_used_ - n.size + size;
  n.size = size;
  return {};
}

Result<size_t> TmpFs::write(DentryId d, uint64_t off, const void* buf, size_t n) {
  Node* f = node(d);
  if (f->type == NodeType::Dir) return Errno::IsDir;
  if (n == 0) return size_t{0};
  uint64_t end = off + n;   // off < 2^63 and n is small: no overflow
  if (end > f->size) {
    uint64_t room = f->size + (max_bytes_ - bytes_used_);   // the largest size this file can reach
    if (room <= off) return Errno::NoSpc;
    if (end > room) { end = room; n = end - off; }          // a short write, as Linux's tmpfs does
    NS_TRY_STATUS(resize(*f, end));
  }
  std::memcpy(f->data + off, buf, n);
  return n;
}

Status TmpFs::truncate(DentryId d, uint64_t size) {
  Node* f = node(d);
  if (f->type == NodeType::Dir) return Errno::IsDir;
  if (size < f->size) {
    bytes_used_ -= f->size - size;
    f->size = size;
    return {};
  }
  return resize(*f, size);
}

Result<DentryId> TmpFs::create(DentryId dir, const char* name, size_t len, NodeType type) {
  if (len == 0 || len > proto::fs::kNameMax) return Errno::NameTooLong;
  NS_TRY_STATUS(node(dir)->children.reserve(node(dir)->children.size() + 1));
  DentryId id = NS_TRY(new_node(type));
  Node* n = node(id);
  Node* d = node(dir);
  n->parent = dir;
  n->nlink = type == NodeType::Dir ? 2 : 1;
  n->cookie = d->next_cookie++;
  n->name_len = static_cast<uint16_t>(len);
  std::memcpy(n->name, name, len);
  (void)d->children.push_back(id);   // reserved above
  if (type == NodeType::Dir) ++d->nlink;
  return id;
}

void TmpFs::unlink_from(Node& dir, DentryId d) {
  dir.children.erase_value(d);
  if (node(d)->type == NodeType::Dir) --dir.nlink;
}

Status TmpFs::remove(DentryId dir, DentryId d) {
  unlink_from(*node(dir), d);
  Node* n = node(d);
  n->nlink = 0;
  if (n->holds == 0) free_node(d);
  return {};
}

Status TmpFs::rename(DentryId from_dir, DentryId d, DentryId to_dir, const char* name, size_t len,
                     DentryId replaced) {
  if (len == 0 || len > proto::fs::kNameMax) return Errno::NameTooLong;
  Node* to = node(to_dir);
  NS_TRY_STATUS(to->children.reserve(to->children.size() + 1));   // the only step that can fail
  if (replaced != kNoNode) (void)remove(to_dir, replaced);
  unlink_from(*node(from_dir), d);
  Node* n = node(d);
  n->parent = to_dir;
  n->cookie = to->next_cookie++;
  n->name_len = static_cast<uint16_t>(len);
  std::memcpy(n->name, name, len);
  n->name[len] = '\0';
  (void)to->children.push_back(d);
  if (n->type == NodeType::Dir) ++to->nlink;
  return {};
}

void TmpFs::release(DentryId d) {
  Node* n = node(d);
  if (--n->holds == 0 && n->nlink == 0) free_node(d);
}

}  // namespace mountsrv
