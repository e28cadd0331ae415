// libns/namespace.h: what every namespace type has in common.
//
// A Namespace has a KoID (handed in by the server's KoidSource), a type, an owning user namespace
// (the user namespace whose capabilities govern it), a level, and for pid and user namespaces a
// parent, which forms their trees; the other types only record the KoID they were copied from.
// It is kept alive by three counts: member references (processes whose NsSet, credentials or pid
// point at it), holder references (open handles, like an open /proc/PID/ns file) and dependents
// (child pid/user namespaces and namespaces a user namespace owns, which point at it).
// Owned by the Registry, which destroys it the moment all three reach zero.
#pragma once

#include <cstdint>

#include "libns/types.h"

namespace ns {

class UserNamespace;

class Namespace {
 public:
  Namespace(const Namespace&) = delete;
  Namespace& operator=(const Namespace&) = delete;

  Koid koid() const { return koid_; }
  NsType type() const { return type_; }
  UserNamespace* owner() const { return owner_; }
  Namespace* parent() const { return parent_; }   // pid and user namespaces only
  Koid copied_from() const { return copied_from_; }
  uint32_t level() const { return level_; }

  uint32_t members() const { return members_; }
  uint32_t holders() const { return holders_; }
  uint32_t dependents() const { return dependents_; }
  bool unused() const { return members_ == 0 && holders_ == 0 && dependents_ == 0; }

  // The Registry moves these; put_* returns true when the namespace just became unused.
  void get_member() { ++members_; }
  bool put_member() { --members_; return unused(); }
  void get_holder() { ++holders_; }
  bool put_holder() { --holders_; return unused(); }
  void get_dependent() { ++dependents_; }
  bool put_dependent() { --dependents_; return unused(); }

  // True when `this` is `other` or one of its descendants (pid and user trees).
  bool is_same_or_descendant_of(const Namespace& other) const {
    const Namespace* n = this;
    while (n && n->level_ > other.level_) n = n->parent_;
    return n == &other;
  }

 protected:
  Namespace(NsType type, Koid koid, UserNamespace* owner, Namespace* parent, uint32_t level,
            Koid copied_from)
      : koid_(koid), type_(type), owner_(owner), parent_(parent), level_(level), copied_from_(copied_from) {}
  ~Namespace() = default;

 private:
  Koid koid_;
  NsType type_;
  UserNamespace* owner_;
  Namespace* parent_;
  uint32_t level_;
  Koid copied_from_;
  uint32_t members_ = 0;
  uint32_t holders_ = 0;
  uint32_t dependents_ = 0;
};

}  // namespace ns
