// kernel/object/vmar.cc
#include "kernel/object/vmar.h"

namespace kernel {

koios::Result<RefPtr<Vmar>> Vmar::create_root(Process& process) { return make_ref<Vmar>(process.aspace_ref()); }

}  // namespace kernel
