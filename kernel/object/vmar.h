// kernel/object/vmar.h: a region of an address space into which vmos are mapped (after Zircon's
// VmAddressRegionDispatcher). Only root regions so far: a whole process's user range
// [kUserBase, kUserTop), backed by the process's UserAspace, which the Vmar shares. When the
// process dies its space is destroyed; a Vmar that outlives it answers BadState. Dies with its last
// handle and reference.
#pragma once

#include "kernel/object/object.h"
#include "kernel/object/process.h"
#include "kernel/vm/user_aspace.h"

namespace kernel {

class Vmar final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Vmar;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::kRightsIo | koios::Rights::Execute |
                                                  koios::Rights::Map;

  // The root region of `process` (process_create hands its handle to the creator). NoMemory.
  static koios::Result<RefPtr<Vmar>> create_root(Process& process);
  explicit Vmar(RefPtr<UserAspace> space) : KernelObject(kType, koios::Signals::None), space_(std::move(space)) {}

  koios::u64 base() const { return platform::kUserBase; }
  koios::u64 size() const { return platform::kUserTop - platform::kUserBase; }
  UserAspace& aspace() const { return *space_; }

 private:
  const RefPtr<UserAspace> space_;
};

}  // namespace kernel
