// servers/mountsrv/bootfs.cc
#include "servers/mountsrv/bootfs.h"

#include <cstring>

#include "koios/bootfs.h"

namespace mountsrv {

bool MemoryImage::read(uint64_t off, void* buf, size_t n) const {
  if (off > size_ || n > size_ - off) return false;
  std::memcpy(buf, data_ + off, n);
  return true;
}

BootFs::BootFs(ns::Allocator& a, uint64_t dev) : Fs(dev), nodes_(a) {}

Result<DentryId> BootFs::child(DentryId dir, const char* name, size_t len, bool make) {
  auto found = lookup(dir, name, len);
  if (found.ok()) return is_dir(found.value()) ? found : Result<DentryId>(Errno::NotDir);
  if (found.error() != Errno::NoEnt || !make) return found;
  Node n{dir, NodeType::Dir, static_cast<uint8_t>(len), {}, 0, 0};
  std::memcpy(n.name, name, len);
  NS_TRY_STATUS(nodes_.push_back(n));
  return static_cast<DentryId>(nodes_.size() - 1);
}

Status BootFs::add_path(const char* path, size_t len, NodeType type, uint64_t offset, uint64_t size) {
  // Check the whole name first, so a bad one adds no directories either: every component
  // non-empty (no leading, doubled or trailing '/') and neither "." nor "..".
  for (size_t i = 0, b = 0; i <= len; ++i) {
    if (i < len && path[i] != '/') continue;
    size_t n = i - b;
    if (n == 0 || (n == 1 && path[b] == '.') || (n == 2 && path[b] == '.' && path[b + 1] == '.')) return {};
    b = i + 1;
  }
  DentryId cur = root();
  for (size_t i = 0; i < len;) {
    size_t b = i;
    while (i < len && path[i] != '/') ++i;
    bool last = i == len;
    if (!last) ++i;
    size_t n = (last ? i : i - 1) - b;
    if (!last || type == NodeType::Dir) {
      auto d = child(cur, path + b, n, true);
      if (!d.ok()) return d.error() == Errno::NotDir ? Status() : Status(d.error());   // under a file: left out
      cur = d.value();
      continue;
    }
    if (lookup(cur, path + b, n).ok()) return {};   // a duplicate: the first one wins
    Node f{cur, NodeType::File, static_cast<uint8_t>(n), {}, offset, size};
    std::memcpy(f.name, path + b, n);
    NS_TRY_STATUS(nodes_.push_back(f));
  }
  return {};
}

Status BootFs::load(const ImageReader& image, uint64_t size, const char* const* dirs, size_t dir_count) {
  nodes_.clear();
  NS_TRY_STATUS(nodes_.push_back(Node{0, NodeType::Dir, 0, {}, 0, 0}));
  image_ = &image;
  koios::BootfsHeader h;
  if (size < sizeof h) return Errno::Inval;
  if (!image.read(0, &h, sizeof h) || std::memcmp(h.magic, "KBFS", 4) != 0 || h.version != koios::kBootfsVersion)
    return Errno::Inval;
  if (uint64_t(h.count) * sizeof(koios::BootfsEntry) > size - sizeof h) return Errno::Inval;
  for (uint32_t i = 0; i < h.count; ++i) {
    koios::BootfsEntry e;
    if (!image.read(sizeof h + uint64_t(i) * sizeof e, &e, sizeof e)) return Errno::Inval;
    if (e.name[koios::kBootfsNameMax - 1] != 0) return Errno::Inval;
    if (e.offset > size || e.size > size - e.offset) return Errno::Inval;
    NS_TRY_STATUS(add_path(e.name, std::strlen(e.name), NodeType::File, e.offset, e.size));
  }
  for (size_t i = 0; i < dir_count; ++i) {
    size_t len = std::strlen(dirs[i]);
    if (len >= koios::kBootfsNameMax) return Errno::NameTooLong;
    NS_TRY_STATUS(add_path(dirs[i], len, NodeType::Dir, 0, 0));
  }
  return {};
}

Result<DentryId> BootFs::lookup(DentryId dir, const char* name, size_t len) const {
  if (nodes_[dir].type != NodeType::Dir) return Errno::NotDir;
  if (len >= koios::kBootfsNameMax) return Errno::NoEnt;
  for (size_t i = 1; i < nodes_.size(); ++i) {
    const Node& n = nodes_[i];
    if (n.parent == dir && n.name_len == len && std::memcmp(n.name, name, len) == 0) return static_cast<DentryId>(i);
  }
  return Errno::NoEnt;
}

proto::fs::Stat BootFs::stat(DentryId d) const {
  const Node& n = nodes_[d];
  if (n.type == NodeType::Dir) {
    uint32_t subdirs = 0;
    for (size_t i = 1; i < nodes_.size(); ++i)
      if (nodes_[i].parent == d && nodes_[i].type == NodeType::Dir) ++subdirs;
    return proto::fs::Stat{dev(), d + 1, proto::fs::kSIfdir | 0555u, 2 + subdirs, 4096, 4096, 8};
  }
  return proto::fs::Stat{dev(), d + 1, proto::fs::kSIfreg | 0555u, 1, n.size, 4096, (n.size + 511) / 512};
}

const char* BootFs::name(DentryId d, size_t* len) const {
  *len = nodes_[d].name_len;
  return nodes_[d].name;
}

Result<size_t> BootFs::read(DentryId d, uint64_t off, void* buf, size_t n) const {
  const Node& f = nodes_[d];
  if (f.type == NodeType::Dir) return Errno::IsDir;
  if (off >= f.size) return size_t{0};
  if (n > f.size - off) n = f.size - off;
  if (!image_ || !image_->read(f.offset + off, buf, n)) return Errno::Io;
  return n;
}

Result<DirEntry> BootFs::next_entry(DentryId dir, uint64_t from) const {
  if (nodes_[dir].type != NodeType::Dir) return Errno::NotDir;
  // Cookie = slot + kFirstCookie: the table never changes, so a cookie stays valid.
  for (uint64_t i = from < kFirstCookie + 1 ? 1 : from - kFirstCookie; i < nodes_.size(); ++i)
    if (nodes_[i].parent == dir) return DirEntry{i, i + kFirstCookie + 1};
  return Errno::NoEnt;
}

}  // namespace mountsrv
