// servers/mountsrv/vfs.cc
#include "servers/mountsrv/vfs.h"

#include <cstring>

namespace mountsrv {

namespace fsp = proto::fs;

Context root_context(const ns::MntNamespace& mnt_ns) {
  return Context{&mnt_ns, mnt_ns.root_path(), mnt_ns.root_path()};
}

// Into whatever is mounted on p, and whatever is stacked on that (libns's MntNamespace::follow).
ns::MountPath Vfs::follow(ns::MountPath p) const {
  for (;;) {
    ns::Mount* next = nullptr;
    for (ns::Mount* c : p.mnt->children)
      if (c->mountpoint == p.dentry) { next = c; break; }
    if (!next) return p;
    p = ns::MountPath{next, next->root};
  }
}

// "..": never above the context's root; from a mount's root, to its mountpoint's parent.
ns::MountPath Vfs::up(const Context& c, ns::MountPath p) const {
  while (!(p == c.root) && p.dentry == p.mnt->root && p.mnt->parent) p = ns::MountPath{p.mnt->parent, p.mnt->mountpoint};
  if (p == c.root || p.dentry == p.mnt->root) return p;
  p.dentry = p.mnt->fs->parent(p.dentry);
  return follow(p);
}

Result<Vfs::Walk> Vfs::walk(const Context& c, const char* path, size_t len) const {
  if (len == 0) return Errno::NoEnt;
  if (len >= fsp::kPathMax) return Errno::NameTooLong;
  if (std::memchr(path, 0, len)) return Errno::Inval;   // a C string could not carry it
  Walk w;
  ns::MountPath cur = follow(path[0] == '/' ? c.root : c.cwd);
  w.parent = w.node = cur;
  w.found = true;
  w.last = Last::Root;
  size_t i = 0;
  while (i < len && path[i] == '/') ++i;
  while (i < len) {
    size_t b = i;
    while (i < len && path[i] != '/') ++i;
    size_t n = i - b;
    while (i < len && path[i] == '/') ++i;
    bool last = i == len;
    if (n > fsp::kNameMax) return Errno::NameTooLong;
    // Every component is looked up in a directory: "file/x", "file/." and "file/.." are ENOTDIR.
    if (!is_dir(cur)) return Errno::NotDir;
    bool dot = n == 1 && path[b] == '.';
    bool dotdot = n == 2 && path[b] == '.' && path[b + 1] == '.';
    if (!last) {
      if (dotdot) cur = up(c, cur);
      else if (!dot) cur = follow(ns::MountPath{cur.mnt, NS_TRY(cur.mnt->fs->lookup(cur.dentry, path + b, n))});
      continue;
    }
    w.trailing_slash = path[len - 1] == '/';
    w.name = path + b;
    w.name_len = n;
    if (dot || dotdot) {
      w.last = dot ? Last::Dot : Last::DotDot;
      w.parent = w.node = dot ? cur : up(c, cur);
      w.raw = w.node.dentry;
      return w;
    }
    w.last = Last::Normal;
    w.parent = cur;
    auto found = cur.mnt->fs->lookup(cur.dentry, path + b, n);
    if (!found.ok() && found.error() != Errno::NoEnt) return found.error();
    w.found = found.ok();
    if (w.found) {
      w.raw = found.value();
      w.node = follow(ns::MountPath{cur.mnt, w.raw});
    }
    return w;
  }
  w.raw = w.node.dentry;
  return w;
}

Result<OpenFile*> Vfs::open(const Context& c, const char* path, size_t len, uint32_t flags) {
  uint32_t acc = flags & fsp::kOAccmode;
  if (acc == fsp::kOAccmode) return Errno::Inval;
  if ((flags & fsp::kOCreat) && (flags & fsp::kODirectory)) return Errno::Inval;   // as Linux since 6.4
  Walk w = NS_TRY(walk(c, path, len));
  bool may_write = acc != fsp::kORdonly || (flags & fsp::kOTrunc);
  bool created = false;
  if (flags & fsp::kOCreat) {
    if (w.last == Last::Normal && w.trailing_slash) return Errno::IsDir;   // "x/" cannot name a file
    if (!w.found) {
      if (read_only(w.parent)) return Errno::Rofs;
      DentryId d = NS_TRY(fs_of(w.parent)->create(w.parent.dentry, w.name, w.name_len, NodeType::File));
      w.node = ns::MountPath{w.parent.mnt, d};
      created = true;
    } else if (flags & fsp::kOExcl) {
      return Errno::Exist;
    } else if (is_dir(w.node)) {
      return Errno::IsDir;
    }
  } else {
    if (!w.found) return Errno::NoEnt;
    if (w.trailing_slash && !is_dir(w.node)) return Errno::NotDir;
  }
  bool dir = is_dir(w.node);
  if ((flags & fsp::kODirectory) && !dir) return Errno::NotDir;
  if (dir && may_write) return Errno::IsDir;
  if (!created && may_write && read_only(w.node)) return Errno::Rofs;
  Fs* fs = fs_of(w.node);
  auto* f = alloc_.make<OpenFile>();
  if (!f) return Errno::NoMem;   // before truncating: a failed open changes nothing it need not
  if ((flags & fsp::kOTrunc) && !created) {
    Status s = fs->truncate(w.node.dentry, 0);
    if (!s.ok()) { alloc_.destroy(f); return s.error(); }
  }
  f->fs = fs;
  f->node = w.node.dentry;
  f->flags = flags;
  fs->hold(f->node);
  ++open_files_;
  return f;
}

void Vfs::close(OpenFile* f) {
  f->fs->release(f->node);
  alloc_.destroy(f);
  --open_files_;
}

Result<fsp::Stat> Vfs::stat(const Context& c, const char* path, size_t len) const {
  Walk w = NS_TRY(walk(c, path, len));
  if (!w.found) return Errno::NoEnt;
  if (w.trailing_slash && !is_dir(w.node)) return Errno::NotDir;
  return fs_of(w.node)->stat(w.node.dentry);
}

Status Vfs::mkdir(const Context& c, const char* path, size_t len) {
  Walk w = NS_TRY(walk(c, path, len));
  if (w.last != Last::Normal || w.found) return Errno::Exist;   // EEXIST wins over EROFS, as in Linux
  if (read_only(w.parent)) return Errno::Rofs;
  NS_TRY(fs_of(w.parent)->create(w.parent.dentry, w.name, w.name_len, NodeType::Dir));
  return {};
}

Status Vfs::unlink(const Context& c, const char* path, size_t len) {
  Walk w = NS_TRY(walk(c, path, len));
  if (w.last != Last::Normal) return Errno::IsDir;
  if (read_only(w.parent)) return Errno::Rofs;   // Linux asks for write access before the lookup
  if (!w.found) return Errno::NoEnt;
  if (is_dir(w.node)) return Errno::IsDir;
  if (w.trailing_slash) return Errno::NotDir;
  return fs_of(w.parent)->remove(w.parent.dentry, w.raw);
}

Status Vfs::rmdir(const Context& c, const char* path, size_t len) {
  Walk w = NS_TRY(walk(c, path, len));
  if (w.last == Last::DotDot) return Errno::NotEmpty;
  if (w.last == Last::Dot) return Errno::Inval;
  if (w.last == Last::Root) return Errno::Busy;
  if (read_only(w.parent)) return Errno::Rofs;
  if (!w.found) return Errno::NoEnt;
  if (!is_dir(w.node)) return Errno::NotDir;
  if (is_mountpoint(w)) return Errno::Busy;
  Fs* fs = fs_of(w.parent);
  if (fs->next_entry(w.raw, Fs::kFirstCookie).ok()) return Errno::NotEmpty;
  return fs->remove(w.parent.dentry, w.raw);
}

Status Vfs::rename(const Context& c, const char* from, size_t from_len, const char* to, size_t to_len) {
  Walk o = NS_TRY(walk(c, from, from_len));
  Walk n = NS_TRY(walk(c, to, to_len));
  if (o.parent.mnt != n.parent.mnt) return Errno::XDev;
  if (o.last != Last::Normal || n.last != Last::Normal) return Errno::Busy;
  if (read_only(o.parent)) return Errno::Rofs;
  if (!o.found) return Errno::NoEnt;
  Fs* fs = fs_of(o.parent);
  bool src_dir = fs->is_dir(o.raw);
  if (!src_dir && (o.trailing_slash || n.trailing_slash)) return Errno::NotDir;
  if (src_dir && fs->is_subdir(n.parent.dentry, o.raw)) return Errno::Inval;   // into itself
  if (n.found && fs->is_subdir(o.parent.dentry, n.raw)) return Errno::NotEmpty;  // over an ancestor
  if (n.found && n.raw == o.raw) return {};   // the same file: nothing to do
  if (n.found) {
    bool dst_dir = fs->is_dir(n.raw);
    if (src_dir && !dst_dir) return Errno::NotDir;
    if (!src_dir && dst_dir) return Errno::IsDir;
  }
  if (is_mountpoint(o) || (n.found && is_mountpoint(n))) return Errno::Busy;
  if (n.found && src_dir && fs->next_entry(n.raw, Fs::kFirstCookie).ok()) return Errno::NotEmpty;
  return fs->rename(o.parent.dentry, o.raw, n.parent.dentry, n.name, n.name_len, n.found ? n.raw : Fs::kNoNode);
}

Result<size_t> Vfs::read(OpenFile& f, void* buf, size_t n) {
  if ((f.flags & fsp::kOAccmode) == fsp::kOWronly) return Errno::BadF;
  if (f.fs->is_dir(f.node)) return Errno::IsDir;
  size_t got = NS_TRY(f.fs->read(f.node, f.offset, buf, n));
  f.offset += got;
  return got;
}

Result<size_t> Vfs::write(OpenFile& f, const void* buf, size_t n) {
  if ((f.flags & fsp::kOAccmode) == fsp::kORdonly) return Errno::BadF;
  if (f.flags & fsp::kOAppend) f.offset = f.fs->stat(f.node).size;
  if (f.offset > uint64_t(INT64_MAX) - n) return Errno::FBig;
  size_t put = NS_TRY(f.fs->write(f.node, f.offset, buf, n));
  f.offset += put;
  return put;
}

Result<int64_t> Vfs::seek(OpenFile& f, int64_t offset, uint32_t whence) {
  int64_t base;
  bool dir = f.fs->is_dir(f.node);
  switch (whence) {
    case fsp::kSeekSet: base = 0; break;
    case fsp::kSeekCur: base = static_cast<int64_t>(f.offset); break;
    case fsp::kSeekEnd:
      if (dir) return Errno::Inval;   // tmpfs directories seek from the start or here only
      base = static_cast<int64_t>(f.fs->stat(f.node).size);
      break;
    default: return Errno::Inval;
  }
  int64_t pos;
  if (__builtin_add_overflow(base, offset, &pos)) return Errno::Overflow;
  if (pos < 0) return Errno::Inval;
  f.offset = static_cast<uint64_t>(pos);
  return pos;
}

Result<size_t> Vfs::readdir(OpenFile& f, fsp::Dirent* out, size_t max) {
  if (!f.fs->is_dir(f.node)) return Errno::NotDir;
  if (f.fs->stat(f.node).nlink == 0) return Errno::NoEnt;   // removed while open
  size_t count = 0;
  auto put = [&](DentryId node, const char* name, size_t len, uint64_t next) {
    fsp::Dirent& e = out[count++];
    std::memset(&e, 0, sizeof e);
    e.ino = f.fs->stat(node).ino;
    e.next = next;
    e.type = f.fs->is_dir(node) ? fsp::kDtDir : fsp::kDtReg;
    e.name_length = static_cast<uint8_t>(len);
    std::memcpy(e.name, name, len);
  };
  while (count < max) {
    if (f.offset == 0) { put(f.node, ".", 1, 1); f.offset = 1; continue; }
    if (f.offset == 1) { put(f.fs->parent(f.node), "..", 2, Fs::kFirstCookie); f.offset = Fs::kFirstCookie; continue; }
    auto e = f.fs->next_entry(f.node, f.offset);
    if (!e.ok()) break;
    size_t len = 0;
    const char* name = f.fs->name(e.value().node, &len);
    put(e.value().node, name, len, e.value().next);
    f.offset = e.value().next;
  }
  return count;
}

}  // namespace mountsrv
