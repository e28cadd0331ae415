// tests/fuzz/libns_fuzz.cc: libFuzzer target for libns. The input is a program of small
// operations (clone/unshare/setns/exit/wait/kill/setsid/pidfd/handles/uid maps/mounts, moves);
// after every operation the model's invariants (invariants.h) must hold, and at the end the
// Registry must free every byte it took.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "invariants.h"
#include "libns/heap_allocator.h"
#include "libns/mount/mem_fs.h"
#include "libns/registry.h"

namespace {

struct Input {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  bool done() const { return at >= size; }
  uint8_t byte() { return at < size ? data[at++] : 0; }
};

constexpr uint64_t kFlagChoices[] = {
    0, ns::kCloneNewPid, ns::kCloneNewUser, ns::kCloneNewNs, ns::kCloneNewUts, ns::kCloneNewIpc,
    ns::kCloneNewNet, ns::kCloneNewCgroup, ns::kCloneNewTime, ns::kCloneParent, ns::kCloneThread,
    ns::kCloneNewUser | ns::kCloneNewPid | ns::kCloneNewNs, ns::kCloneNewNs | ns::kCloneFs,
};
constexpr ns::NsType kTypes[] = {ns::NsType::Mnt, ns::NsType::Uts, ns::NsType::Ipc, ns::NsType::Pid,
                                 ns::NsType::Net, ns::NsType::User, ns::NsType::Cgroup, ns::NsType::Time};
const char* const kPaths[] = {"/", "/mnt", "/mnt/a", "/mnt/b", "/srv", "/srv/x", "/mnt/a/x", "/newroot", "/newroot/old"};

void check(const ns::Registry& reg, int step) {
  std::string e = ns_fuzz::check_invariants(reg);
  if (!e.empty()) {
    fprintf(stderr, "invariant broken after step %d: %s\n", step, e.c_str());
    abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ns::HeapAllocator heap;
  {
    Input in{data, size};
    // The first byte sets a memory budget (0: none), so ENOMEM arrives at arbitrary points and
    // every failure path must leave the model consistent.
    uint8_t budget = in.byte();
    ns::LimitAllocator limited(heap, budget ? 50000 + size_t{budget} * 4000 : SIZE_MAX);
    bool close_at_end = in.byte() & 1;   // else the Registry's destructor must free them
    ns::MemFs fs(heap), other(heap);
    (void)fs.mkdirs("/mnt/a");
    (void)fs.mkdirs("/mnt/b");
    (void)fs.mkdirs("/srv/x");
    (void)fs.mkdirs("/newroot/old");
    (void)other.mkdirs("/x");
    ns::RegistryConfig cfg;
    cfg.pid_max = 1024;   // small, so wrap-around and EAGAIN are reachable
    cfg.mount_max = 64;   // recursive binds under shared mounts grow fast; ENOSPC is a path too
    ns::Registry reg(limited, nullptr, cfg);
    bool ready = reg.init(&fs).ok() && reg.create_init(ns::Koid{1}).ok();
    if (!ready) in.at = in.size;   // too small a budget to start: nothing to run, still no leaks
    std::vector<uint64_t> koids{1};
    std::vector<ns::NsHandle*> handles;
    std::vector<ns::PidRef*> refs;
    uint64_t next = 2;
    auto pick = [&](uint8_t b) { return ns::Koid{koids[b % koids.size()]}; };
    for (int step = 0; !in.done() && step < 400; ++step) {
      uint8_t op = in.byte() % 16;
      uint8_t a = in.byte(), b = in.byte(), c = in.byte();
      switch (op) {
        case 0:
        case 1: {
          auto r = reg.clone(pick(a), ns::Koid{next}, kFlagChoices[b % std::size(kFlagChoices)]);
          if (r.ok()) koids.push_back(next);
          ++next;
          break;
        }
        case 2: (void)reg.unshare(pick(a), kFlagChoices[b % std::size(kFlagChoices)]); break;
        case 3: {
          auto h = reg.open_ns(pick(a), kTypes[b % 8], c & 1 ? ns::Which::ForChildren : ns::Which::Active);
          if (h.ok()) handles.push_back(h.value());
          break;
        }
        case 4:
          if (!handles.empty()) (void)reg.setns(pick(a), *handles[b % handles.size()], c & 1 ? 0 : ns::clone_flag(kTypes[c / 2 % 8]));
          break;
        case 5:
          if (!handles.empty()) {
            size_t i = b % handles.size();
            reg.close(handles[i]);
            handles.erase(handles.begin() + i);
          }
          break;
        case 6: (void)reg.exit(pick(a), 0); break;
        case 7: {
          auto r = reg.wait(pick(a), b & 1 ? -1 : b / 2);
          (void)r;
          break;
        }
        case 8: {
          static const int sigs[] = {0, ns::kSigKill, ns::kSigTerm, ns::kSigStop, ns::kSigChld};
          ns::Pid pid = static_cast<ns::Pid>(b % 12) - 2;
          (void)reg.kill(pick(a), pid, sigs[c % 5]);
          break;
        }
        case 9:
          if (b & 1) (void)reg.setsid(pick(a));
          else (void)reg.setpgid(pick(a), static_cast<ns::Pid>(b / 2 % 8), static_cast<ns::Pid>(c % 8));
          break;
        case 10:
          if (b & 1 || refs.empty()) {
            auto r = reg.pidfd_open(pick(a), static_cast<ns::Pid>(c % 10));
            if (r.ok()) refs.push_back(r.value());
          } else {
            size_t i = c % refs.size();
            (void)reg.pidfd_send_signal(pick(a), *refs[i], b % 3 == 0 ? ns::kSigKill : 0);
            if (b % 5 == 0) { reg.pidfd_close(refs[i]); refs.erase(refs.begin() + i); }
          }
          break;
        case 11: (void)reg.set_child_subreaper(pick(a), b & 1); break;
        case 12: {
          ns::IdExtent e{static_cast<ns::Uid>(b % 3), static_cast<ns::Uid>(c % 3) * 1000, static_cast<uint32_t>(1 + b % 2)};
          if (c & 0x80) (void)reg.write_setgroups(pick(a), pick(b), false);
          else if (c & 0x40) (void)reg.write_gid_map(pick(a), pick(b), &e, 1);
          else (void)reg.write_uid_map(pick(a), pick(b), &e, 1);
          break;
        }
        case 13: (void)reg.setuid(pick(a), (b & 1) ? 0 : 1000); break;
        case 14: {
          const char* p1 = kPaths[b % std::size(kPaths)];
          const char* p2 = kPaths[c % std::size(kPaths)];
          switch (a % 8) {
            case 0: (void)reg.mount(pick(b), p1, other, "o", "memfs", 0); break;
            case 1: (void)reg.bind_mount(pick(c), p1, p2, b & 1); break;
            case 2: (void)reg.umount(pick(c), p1, b & 1); break;
            case 3: (void)reg.make_mount(pick(c), p1, static_cast<ns::Propagation>(b % 4), b & 4); break;
            case 4: (void)reg.chroot(pick(b), p2); break;
            case 5: (void)reg.chdir(pick(b), p2); break;
            case 6: (void)reg.pivot_root(pick(b), p1, p2); break;
            case 7: (void)reg.move_mount(pick(b), p1, p2); break;
          }
          break;
        }
        case 15: (void)reg.exec(pick(a)); break;
      }
      // Forget processes that are gone so picks stay useful.
      for (size_t i = 0; i < koids.size();) {
        if (!reg.find_process(ns::Koid{koids[i]})) koids.erase(koids.begin() + i);
        else ++i;
      }
      if (koids.empty()) koids.push_back(1);   // init is never reaped; keeps pick() defined
      check(reg, step);
    }
    if (ready && close_at_end) {
      for (auto* h : handles) reg.close(h);
      for (auto* r : refs) reg.pidfd_close(r);
      check(reg, -1);
    }
  }
  if (heap.bytes_in_use() != 0) {
    fprintf(stderr, "leaked %zu bytes\n", heap.bytes_in_use());
    abort();
  }
  return 0;
}
