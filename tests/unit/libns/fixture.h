// tests/unit/libns/fixture.h: what every libns test starts from: a heap allocator, an in-memory
// root filesystem, an initialised Registry and an init process (KoID 1), plus small helpers.
#pragma once

#include <catch2/catch.hpp>

#include "libns/heap_allocator.h"
#include "libns/mount/mem_fs.h"
#include "libns/registry.h"

namespace ns_test {

inline ns::Koid K(uint64_t k) { return ns::Koid{k}; }

struct World {
  explicit World(const ns::RegistryConfig& config = {}) : fs(heap), reg(heap, nullptr, config) {
    REQUIRE(fs.mkdirs("/proc").ok());
    REQUIRE(fs.mkdirs("/mnt/a").ok());
    REQUIRE(fs.mkdirs("/mnt/b").ok());
    REQUIRE(fs.mkdirs("/srv/data/sub").ok());
    REQUIRE(fs.mkdirs("/newroot/oldroot").ok());
    REQUIRE(fs.create(fs.mkdirs("/etc").value(), "hostname").ok());
    REQUIRE(reg.init(&fs).ok());
    init = reg.create_init(K(1)).value();
  }
  // A child of `parent` with KoID `child` and flags; REQUIREs success.
  ns::Process* fork(uint64_t parent, uint64_t child, uint64_t flags = 0) {
    auto r = reg.clone(K(parent), K(child), flags);
    INFO("clone " << parent << " -> " << child << " failed with " << ns::errno_name(r.error()));
    REQUIRE(r.ok());
    return r.value();
  }
  ns::Pid pid_in(uint64_t process, const ns::PidNamespace& n) {
    return reg.find_process(K(process))->pid()->nr_in(n);
  }
  ns::PidNamespace& pidns(uint64_t process) { return *reg.find_process(K(process))->active_pid_ns(); }
  // Drops a process to an unprivileged uid (like a normal user in the root namespace).
  void make_unprivileged(uint64_t process, ns::Uid uid) {
    REQUIRE(reg.setgid(K(process), uid).ok());
    REQUIRE(reg.setuid(K(process), uid).ok());
  }

  ns::HeapAllocator heap;
  ns::MemFs fs;
  ns::Registry reg;
  ns::Process* init = nullptr;
};

}  // namespace ns_test
