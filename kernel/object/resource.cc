// kernel/object/resource.cc
#include "kernel/object/resource.h"

#include <atomic>

namespace kernel {

namespace {
// Indexed by kind; each holds the reference the kernel keeps for good (never released).
std::atomic<Resource*> g_resources[koios::kResourceKindMax + 1];
}  // namespace

koios::Status Resource::create_all() {
  if (g_resources[static_cast<koios::u32>(koios::ResourceKind::Root)].load() != nullptr)
    return koios::Status::BadState;
  Resource* made[koios::kResourceKindMax + 1] = {};
  for (koios::u32 k = 1; k <= koios::kResourceKindMax; ++k) {
    auto r = make_ref<Resource>(static_cast<koios::ResourceKind>(k));
    if (!r.ok()) {
      for (koios::u32 j = 1; j < k; ++j) RefPtr<Resource>::adopt(made[j]).reset();
      return r.status();
    }
    made[k] = r.value().leak_ref();
  }
  // Root last: of() answers for every kind once it answers for root.
  for (koios::u32 k = koios::kResourceKindMax; k >= 1; --k) g_resources[k].store(made[k], std::memory_order_release);
  return koios::Status::Ok;
}

RefPtr<Resource> Resource::of(koios::ResourceKind kind) {
  if (!koios::resource_kind_valid(kind)) return nullptr;
  return RefPtr<Resource>::from_existing(g_resources[static_cast<koios::u32>(kind)].load(std::memory_order_acquire));
}

}  // namespace kernel
