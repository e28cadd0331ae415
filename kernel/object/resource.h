// kernel/object/resource.h: the authority for a kind of privileged operation (after Zircon's
// resources): holding a handle to one is what lets a process read the console, power the machine
// off or read kernel-wide counts. The kernel makes one Resource per kind at boot (create_all) and
// keeps it for good, so every handle to "the console resource" names the same object, the one that
// carries the console's Readable signal. The root resource goes only to init; resource_create
// hands out the kinds a resource covers (koios/resource.h), never a wider one.
#pragma once

#include "kernel/object/object.h"
#include "koios/resource.h"

namespace kernel {

class Resource final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Resource;
  // Read/Write: console input/output; Manage: system_shutdown and resource_create; Inspect:
  // object_get_info, including the kernel-wide counts on a root or info resource.
  static constexpr koios::Rights kDefaultRights =
      koios::kRightsBasic | koios::kRightsIo | koios::Rights::Manage;

  // Makes the resource of every kind, once, at boot (before any process exists). NoMemory;
  // BadState when they exist already.
  static koios::Status create_all();
  // The resource of `kind`, or null before create_all() or for an invalid kind.
  static RefPtr<Resource> of(koios::ResourceKind kind);

  explicit Resource(koios::ResourceKind kind) : KernelObject(kType, koios::Signals::None), kind_(kind) {}

  koios::ResourceKind kind() const { return kind_; }
  bool covers(koios::ResourceKind wanted) const { return koios::resource_covers(kind_, wanted); }
  // For the kernel's own signals (the console resource's Readable); user signals stay with
  // object_signal.
  void update_signals(koios::Signals clear, koios::Signals set) {
    Guard guard(lock());
    update_signals_locked(clear, set);
  }
  // Runs fn() under the object's lock, then sets or clears `signal` by its answer, so a check of
  // the state the signal mirrors and the signal's change are one step for waiters.
  template <typename Fn>
  void set_signal_if(koios::Signals signal, Fn&& fn) {
    Guard guard(lock());
    if (fn()) update_signals_locked(koios::Signals::None, signal);
    else update_signals_locked(signal, koios::Signals::None);
  }

 private:
  const koios::ResourceKind kind_;
};

// The root resource, for the code that starts init (null before Resource::create_all()).
inline RefPtr<Resource> root_resource() { return Resource::of(koios::ResourceKind::Root); }

}  // namespace kernel
