// tests/unit/servers/mountsrv/fixture.h: a mountsrv core as the server builds it: a boot image in
// memory (with "hello", "bin/sh" and the "tmp" mountpoint) read-only at /, a TmpFs at /tmp.
#pragma once

#include <cstring>
#include <string>
#include <vector>

#include "koios/bootfs.h"
#include "libns/heap_allocator.h"
#include "libns/mnt_ns.h"
#include "servers/mountsrv/bootfs.h"
#include "servers/mountsrv/tmpfs.h"
#include "servers/mountsrv/vfs.h"

namespace fsp = proto::fs;

// A boot image in the koios/bootfs.h layout from (name, contents) pairs.
inline std::vector<uint8_t> make_image(const std::vector<std::pair<std::string, std::string>>& files) {
  std::vector<uint8_t> img(sizeof(koios::BootfsHeader) + files.size() * sizeof(koios::BootfsEntry));
  koios::BootfsHeader h{{'K', 'B', 'F', 'S'}, koios::kBootfsVersion, uint32_t(files.size()), 0};
  std::memcpy(img.data(), &h, sizeof h);
  for (size_t i = 0; i < files.size(); ++i) {
    koios::BootfsEntry e{};
    std::strncpy(e.name, files[i].first.c_str(), sizeof e.name - 1);
    e.offset = img.size();
    e.size = files[i].second.size();
    img.insert(img.end(), files[i].second.begin(), files[i].second.end());
    std::memcpy(img.data() + sizeof h + i * sizeof e, &e, sizeof e);
  }
  return img;
}

struct World {
  explicit World(uint64_t tmp_bytes = 1 << 20, uint32_t tmp_nodes = 1000)
      : image(make_image({{"hello", "hello, world\n"}, {"bin/sh", "#!sh"}})),
        reader(image.data(), image.size()),
        boot(alloc, 1),
        tmp(alloc, 2, tmp_bytes, tmp_nodes),
        table(alloc),
        mnt(table, ns::Koid{1}, nullptr, ns::kInvalidKoid, 0),
        vfs(alloc) {
    const char* dirs[] = {"tmp"};
    ok = boot.load(reader, image.size(), dirs, 1).ok() && tmp.init().ok() &&
         mnt.init_root(boot, "bootfs", "bootfs").ok();
    if (!ok) return;
    mnt.root()->flags |= ns::kMsRdonly;
    auto at = mnt.walk(mnt.root_path(), mnt.root_path(), "/tmp");
    ok = at.ok() && mnt.mount(at.value(), tmp, "tmpfs", "tmpfs", 0).ok();
    ctx = mountsrv::root_context(mnt);
  }
  ns::Errno open_err(const std::string& p, uint32_t flags) {
    auto r = vfs.open(ctx, p.data(), p.size(), flags);
    if (!r.ok()) return r.error();
    vfs.close(r.value());
    return ns::Errno::Ok;
  }
  mountsrv::OpenFile* open(const std::string& p, uint32_t flags) {
    auto r = vfs.open(ctx, p.data(), p.size(), flags);
    return r.ok() ? r.value() : nullptr;
  }
  ns::Errno mkdir(const std::string& p) { return vfs.mkdir(ctx, p.data(), p.size()).error(); }
  ns::Errno unlink(const std::string& p) { return vfs.unlink(ctx, p.data(), p.size()).error(); }
  ns::Errno rmdir(const std::string& p) { return vfs.rmdir(ctx, p.data(), p.size()).error(); }
  ns::Errno rename(const std::string& a, const std::string& b) {
    return vfs.rename(ctx, a.data(), a.size(), b.data(), b.size()).error();
  }
  ns::Errno stat_err(const std::string& p) { return vfs.stat(ctx, p.data(), p.size()).error(); }
  std::string read_all(mountsrv::OpenFile* f) {
    std::string out;
    char buf[64];
    for (;;) {
      auto n = vfs.read(*f, buf, sizeof buf);
      if (!n.ok() || n.value() == 0) return out;
      out.append(buf, n.value());
    }
  }
  std::vector<std::string> list(const std::string& p) {
    std::vector<std::string> names;
    auto* f = open(p, fsp::kORdonly | fsp::kODirectory);
    if (!f) return names;
    fsp::Dirent d[3];
    for (;;) {
      auto n = vfs.readdir(*f, d, 3);
      if (!n.ok() || n.value() == 0) break;
      for (size_t i = 0; i < n.value(); ++i) names.push_back(d[i].name);
    }
    vfs.close(f);
    return names;
  }

  ns::HeapAllocator alloc;
  std::vector<uint8_t> image;
  mountsrv::MemoryImage reader;
  mountsrv::BootFs boot;
  mountsrv::TmpFs tmp;
  ns::MountTable table;
  ns::MntNamespace mnt;
  mountsrv::Vfs vfs;
  mountsrv::Context ctx;
  bool ok = false;
};
