// kernel/object/process.cc
#include "kernel/object/process.h"

#include <atomic>

#include "platform/platform.h"

namespace kernel {

namespace {
// Mixed into every handle table's secret, so handle values differ from boot to boot.
koios::u64 boot_seed() {
  static std::atomic<koios::u64> seed{0};
  koios::u64 s = seed.load();
  if (s == 0) {
    s = platform::time_ticks() * 0x9e3779b97f4a7c15ull | 1;
    koios::u64 expected = 0;
    if (!seed.compare_exchange_strong(expected, s)) s = expected;
  }
  return s;
}
}  // namespace

// The base class is built first, so the KoID already exists to key the handle table's secret.
Process::Process(RefPtr<UserAspace> space, const char* name)
    : KernelObject(kType, koios::Signals::None), aspace_(std::move(space)), handles_(HandleTable::secret_for(koid(), boot_seed())) {
  koios::usize i = 0;
  for (; name != nullptr && name[i] != 0 && i + 1 < kNameMax; ++i) name_[i] = name[i];
  name_[i] = 0;
}

Process::~Process() {
  handles_.close_all();
  aspace_->destroy();  // its last thread is gone: no hart runs on it
}

koios::Result<RefPtr<Process>> Process::create(const char* name) {
  RefPtr<UserAspace> space = TRY(UserAspace::create());
  auto made = make_ref<Process>(std::move(space), name);
  if (!made.ok()) return made.status();
  TRY(made.value()->handles_.init());
  return made;
}

void Process::exit(koios::i64 return_code) {
  {
    Guard guard(lock());
    if (exited_) return;
    exited_ = true;
    return_code_ = return_code;
  }
  handles_.close_all();
  Guard guard(lock());
  update_signals_locked(koios::Signals::None, koios::Signals::Terminated);
}

bool Process::exited() const {
  Guard guard(lock());
  return exited_;
}

koios::i64 Process::return_code() const {
  Guard guard(lock());
  return return_code_;
}

}  // namespace kernel
