// servers/runtime/signal_glue.h: what the runtime's blocking calls ask after one returned
// Interrupted (signal.cc). pidsrv interrupts a thread to run a handler or to stop it; the
// trampoline counts the handlers that ran and remembers the last one's sa_flags.
#pragma once

#include "koios/types.h"

namespace koios::runtime {

// Handlers run so far in this process.
u64 handler_serial();
// After a call returned Interrupted: whether to make it again. Yes when no handler ran since
// `serial` (a stop and continue) or the last one had SA_RESTART; no means EINTR.
bool retry_after_interrupt(u64 serial);

}  // namespace koios::runtime
