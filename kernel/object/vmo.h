// kernel/object/vmo.h: a memory object (after Zircon's VmObjectDispatcher): the handle-facing side
// of a VmObject (kernel/vm/vm_object.h), which holds the pages, the copy-on-write sharing and the
// mappings. Dies with its last handle and reference; its pages live on while a mapping shows them.
#pragma once

#include "kernel/object/object.h"
#include "kernel/vm/vm_object.h"

namespace kernel {

class Vmo final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Vmo;
  // No Execute: an executable vmo comes from the kernel (the boot filesystem) or a resource.
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::kRightsIo | koios::Rights::Map |
                                                  koios::kRightsProperty;

  // A vmo of `size` bytes (rounded up to pages), zero filled: OutOfRange above kMaxVmoSize, NoMemory.
  static koios::Result<RefPtr<Vmo>> create(koios::u64 size, VmObject::Resizable resizable);
  // The object for memory the kernel already has (a snapshot child, the boot filesystem).
  static koios::Result<RefPtr<Vmo>> wrap(RefPtr<VmObject> memory);
  explicit Vmo(RefPtr<VmObject> memory) : KernelObject(kType, koios::Signals::None), memory_(std::move(memory)) {}

  VmObject& memory() const { return *memory_; }
  const RefPtr<VmObject>& memory_ref() const { return memory_; }

 private:
  const RefPtr<VmObject> memory_;
};

}  // namespace kernel
