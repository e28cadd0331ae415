// kernel/object/handle.h: a capability as the kernel holds it: a reference to an object plus the
// rights it grants. Lives in a handle table slot or in a channel message in flight; moves, never
// copies. While it exists it counts as one of the object's handles, so a channel end in flight
// through another channel does not make its peer see PeerClosed.
#pragma once

#include <utility>

#include "kernel/lib/ref_ptr.h"
#include "kernel/object/object.h"
#include "koios/rights.h"

namespace kernel {

class KernelHandle {
 public:
  KernelHandle() = default;
  KernelHandle(RefPtr<KernelObject> object, koios::Rights rights) : object_(std::move(object)), rights_(rights) {
    if (object_) object_->add_handle();
  }
  KernelHandle(KernelHandle&& other) : object_(std::move(other.object_)), rights_(other.rights_) {}
  KernelHandle& operator=(KernelHandle&& other) {
    if (this != &other) {
      reset();
      object_ = std::move(other.object_);
      rights_ = other.rights_;
    }
    return *this;
  }
  KernelHandle(const KernelHandle&) = delete;
  KernelHandle& operator=(const KernelHandle&) = delete;
  ~KernelHandle() { reset(); }

  // Closes the handle: the object may see on_zero_handles() (run here, so hold no lock) and die.
  void reset() {
    if (!object_) return;
    RefPtr<KernelObject> object = std::move(object_);
    object->remove_handle();
  }

  KernelObject* object() const { return object_.get(); }
  const RefPtr<KernelObject>& object_ref() const { return object_; }
  koios::Rights rights() const { return rights_; }
  void set_rights(koios::Rights rights) { rights_ = rights; }
  explicit operator bool() const { return static_cast<bool>(object_); }

 private:
  RefPtr<KernelObject> object_;
  koios::Rights rights_ = koios::Rights::None;
};

}  // namespace kernel
