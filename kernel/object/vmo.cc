// kernel/object/vmo.cc
#include "kernel/object/vmo.h"

namespace kernel {

koios::Result<RefPtr<Vmo>> Vmo::create(koios::u64 size, VmObject::Resizable resizable) {
  return wrap(TRY(VmObject::create(size, resizable)));
}

koios::Result<RefPtr<Vmo>> Vmo::wrap(RefPtr<VmObject> memory) { return make_ref<Vmo>(std::move(memory)); }

}  // namespace kernel
