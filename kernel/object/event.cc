// kernel/object/event.cc
#include "kernel/object/event.h"

namespace kernel {

koios::Result<RefPtr<Event>> Event::create() { return make_ref<Event>(); }

}  // namespace kernel
