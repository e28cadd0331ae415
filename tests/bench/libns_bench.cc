// tests/bench/libns_bench.cc: host benchmark for libns, run by scripts/bench. Prints one line per
// measurement: `BENCH <name> <iterations> <ns_per_op>` (for libns_bytes_per_process the last field
// is bytes per process). What each name measures is in README.md.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include "libns/heap_allocator.h"
#include "libns/registry.h"

namespace {

using Clock = std::chrono::steady_clock;

double ns_since(Clock::time_point t0, uint64_t ops) {
  return std::chrono::duration<double, std::nano>(Clock::now() - t0).count() / static_cast<double>(ops);
}

void report(const char* name, uint64_t iterations, double value) {
  std::printf("BENCH %s %llu %.1f\n", name, static_cast<unsigned long long>(iterations), value);
  std::fflush(stdout);
}

// A chain of `depth` pid namespaces (levels 0..depth-1) with `live` processes in the deepest.
struct PidChain {
  PidChain(uint32_t depth, uint32_t live) : reg(heap, nullptr, config()) {
    if (!reg.init().ok()) std::abort();
    ns::PidNamespace* n = &reg.root_pid_ns();
    for (uint32_t l = 1; l < depth; ++l) n = reg.new_pid_ns(*n).value();
    deepest = n;
    for (uint32_t i = 0; i < live; ++i) pids.push_back(deepest->alloc(ns::Koid{next++}).value());
  }
  static ns::RegistryConfig config() {
    ns::RegistryConfig c;
    c.pid_max = ns::kPidMaxLimit;
    return c;
  }
  void release(ns::Koid k) {
    ns::PidRecord* r = deepest->record_of_koid(k);
    deepest->release_numbers(r);
    if (ns::PidNamespace::put_ref(r)) deepest->free_record(r);
  }
  ns::HeapAllocator heap;
  ns::Registry reg;
  ns::PidNamespace* deepest;
  std::vector<ns::Pid> pids;
  uint64_t next = 1000;
};

// Allocation with `live` processes present: allocate a batch, time it, free it again; repeat.
void bench_alloc(uint32_t depth, uint32_t live, const char* name) {
  PidChain c(depth, live);
  constexpr uint32_t kBatch = 2000;
  constexpr int kRounds = 10;
  double total = 0;
  std::vector<ns::Koid> batch;
  for (int r = 0; r < kRounds; ++r) {
    batch.clear();
    auto t0 = Clock::now();
    for (uint32_t i = 0; i < kBatch; ++i) {
      ns::Koid k{c.next++};
      if (!c.deepest->alloc(k).ok()) std::abort();
      batch.push_back(k);
    }
    total += ns_since(t0, kBatch);
    for (ns::Koid k : batch) c.release(k);
  }
  report(name, uint64_t{kBatch} * kRounds, total / kRounds);
}

// KoID -> pid and pid -> KoID in the deepest namespace. `hot` of the `live` processes are looked
// up at random (hot == live: every process, so the working set grows with the population and
// cache misses show; hot == 1000: the data-structure cost alone, same working set at any n).
void bench_lookup(uint32_t depth, uint32_t live, uint32_t hot, const char* name) {
  PidChain c(depth, live);
  std::vector<uint32_t> set;
  uint64_t x = 88172645463325252ull;
  auto next = [&x] { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x; };   // xorshift
  for (uint32_t i = 0; i < hot; ++i) set.push_back(hot == live ? i : static_cast<uint32_t>(next() % live));
  constexpr uint64_t kOps = 400000;
  uint64_t sink = 0;
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < kOps; ++i) {
    uint32_t j = set[next() % hot];
    sink += static_cast<uint64_t>(c.deepest->pid_of(ns::Koid{1000 + j}).value());
    sink += ns::raw(c.deepest->koid_of(c.pids[j]).value());
  }
  double per = ns_since(t0, kOps * 2);
  if (sink == 42) std::puts("");
  report(name, kOps * 2, per);
}

void bench_translate() {
  PidChain c(32, 100000);
  const ns::PidNamespace& root = c.reg.root_pid_ns();
  constexpr uint64_t kOps = 400000;
  uint64_t sink = 0;
  uint64_t x = 2463534242ull;
  auto t0 = Clock::now();
  for (uint64_t i = 0; i < kOps; ++i) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    ns::Pid p = c.pids[x % c.pids.size()];
    sink += static_cast<uint64_t>(ns::Registry::translate(p, *c.deepest, root).value());
  }
  double per = ns_since(t0, kOps);
  if (sink == 42) std::puts("");
  report("libns_pid_translate_d32_n100k", kOps, per);
}

// clone with every CLONE_NEW* flag (user, pid, mnt, uts, ipc, net, cgroup, time); the child is
// then exited and reaped outside the timed part, so its namespaces are freed each round.
void bench_clone_all() {
  ns::HeapAllocator heap;
  ns::Registry reg(heap);
  if (!reg.init().ok() || !reg.create_init(ns::Koid{1}).ok()) std::abort();
  constexpr uint64_t kOps = 20000;
  double total = 0;
  for (uint64_t i = 0; i < kOps; ++i) {
    ns::Koid k{100 + i};
    auto t0 = Clock::now();
    auto r = reg.clone(ns::Koid{1}, k, ns::kCloneNsFlags);
    total += ns_since(t0, 1);
    if (!r.ok() || !reg.exit(k, 0).ok() || !reg.wait(ns::Koid{1}, -1).ok()) std::abort();
  }
  report("libns_clone_all_ns", kOps, total / kOps);
}

// Bytes the model spends per process: plain forks from init, sharing every namespace.
void bench_bytes() {
  ns::HeapAllocator heap;
  ns::RegistryConfig cfg;
  cfg.pid_max = ns::kPidMaxLimit;
  ns::Registry reg(heap, nullptr, cfg);
  if (!reg.init().ok() || !reg.create_init(ns::Koid{1}).ok()) std::abort();
  constexpr uint64_t kProcs = 100000;
  size_t before = heap.bytes_in_use();
  for (uint64_t i = 0; i < kProcs; ++i)
    if (!reg.clone(ns::Koid{1}, ns::Koid{100 + i}, 0).ok()) std::abort();
  report("libns_bytes_per_process", kProcs, static_cast<double>(heap.bytes_in_use() - before) / kProcs);
}

}  // namespace

int main() {
  struct { uint32_t depth, live; const char* alloc; const char* lookup; } cases[] = {
      {1, 1000, "libns_pid_alloc_d1_n1k", "libns_pid_lookup_d1_n1k"},
      {1, 100000, "libns_pid_alloc_d1_n100k", "libns_pid_lookup_d1_n100k"},
      {8, 1000, "libns_pid_alloc_d8_n1k", "libns_pid_lookup_d8_n1k"},
      {8, 100000, "libns_pid_alloc_d8_n100k", "libns_pid_lookup_d8_n100k"},
      {32, 1000, "libns_pid_alloc_d32_n1k", "libns_pid_lookup_d32_n1k"},
      {32, 100000, "libns_pid_alloc_d32_n100k", "libns_pid_lookup_d32_n100k"},
  };
  for (auto& c : cases) bench_alloc(c.depth, c.live, c.alloc);
  for (auto& c : cases) bench_lookup(c.depth, c.live, 1000, c.lookup);
  // The same over every live process: what a cold, random access pattern costs at that size.
  bench_lookup(32, 1000, 1000, "libns_pid_lookup_cold_d32_n1k");
  bench_lookup(32, 100000, 100000, "libns_pid_lookup_cold_d32_n100k");
  bench_translate();
  bench_clone_all();
  bench_bytes();
  return 0;
}
