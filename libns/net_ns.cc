// libns/net_ns.cc
#include "libns/net_ns.h"

namespace ns {
namespace {

bool name_eq(const char* a, const char* b) {
  size_t i = 0;
  for (; i < kIfNameSize && a[i] && a[i] == b[i]; ++i) {}
  return i == kIfNameSize || a[i] == b[i];
}

}  // namespace

NetNamespace::NetNamespace(Allocator& a, Koid koid, UserNamespace* owner, Koid copied_from, uint32_t level)
    : Namespace(NsType::Net, koid, owner, nullptr, level, copied_from), alloc_(a), ifs_(a), binds_(a) {}

NetNamespace::~NetNamespace() {
  while (!ifs_.empty()) {
    Interface* i = ifs_.back();
    if (i->peer) i->peer->ns->destroy(i->peer);
    destroy(i);
  }
}

Status NetNamespace::init() { return add("lo", Interface::Kind::Loopback).ok() ? Status() : Errno::NoMem; }

Status NetNamespace::check_name(const char* name, size_t* len) {
  size_t n = 0;
  while (name[n]) if (++n >= kIfNameSize) return Errno::Inval;
  if (n == 0) return Errno::Inval;
  *len = n;
  return {};
}

Result<Interface*> NetNamespace::add(const char* name, Interface::Kind kind) {
  size_t n = 0;
  NS_TRY_STATUS(check_name(name, &n));
  if (find(name)) return Errno::Exist;
  Interface* i = alloc_.make<Interface>();
  if (!i) return Errno::NoMem;
  i->ifindex = next_ifindex_++;
  for (size_t k = 0; k < kIfNameSize; ++k) i->name[k] = k < n ? name[k] : '\0';
  i->kind = kind;
  i->ns = this;
  Status s = ifs_.push_back(i);
  if (!s.ok()) { alloc_.destroy(i); return s.error(); }
  return i;
}

void NetNamespace::destroy(Interface* i) {
  if (i->peer) i->peer->peer = nullptr;
  ifs_.erase_value(i);
  alloc_.destroy(i);
}

Interface* NetNamespace::find(const char* name) const {
  for (Interface* i : ifs_) if (name_eq(i->name, name)) return i;
  return nullptr;
}

Interface* NetNamespace::find_index(int32_t ifindex) const {
  for (Interface* i : ifs_) if (i->ifindex == ifindex) return i;
  return nullptr;
}

Status NetNamespace::set_up(const char* name, bool up) {
  Interface* i = find(name);
  if (!i) return Errno::NoDev;
  i->up = up;
  if (up && i->kind == Interface::Kind::Loopback && i->naddrs == 0) i->addrs[i->naddrs++] = kLoopbackAddr;
  return {};
}

Status NetNamespace::add_address(const char* name, uint32_t addr) {
  Interface* i = find(name);
  if (!i) return Errno::NoDev;
  for (uint32_t k = 0; k < i->naddrs; ++k) if (i->addrs[k] == addr) return Errno::Exist;
  if (i->naddrs == kMaxAddrs) return Errno::NoSpc;
  i->addrs[i->naddrs++] = addr;
  return {};
}

Status NetNamespace::create_veth(NetNamespace& a, const char* name_a, NetNamespace& b, const char* name_b) {
  size_t n = 0;
  NS_TRY_STATUS(check_name(name_a, &n));
  NS_TRY_STATUS(check_name(name_b, &n));
  if (a.find(name_a) || b.find(name_b)) return Errno::Exist;
  if (&a == &b && name_eq(name_a, name_b)) return Errno::Exist;
  Interface* x = NS_TRY(a.add(name_a, Interface::Kind::Veth));
  auto y = b.add(name_b, Interface::Kind::Veth);
  if (!y.ok()) { a.destroy(x); return y.error(); }
  x->peer = y.value();
  y.value()->peer = x;
  return {};
}

Status NetNamespace::move_to(const char* name, NetNamespace& other) {
  Interface* i = find(name);
  if (!i) return Errno::NoDev;
  if (i->kind == Interface::Kind::Loopback) return Errno::Inval;
  if (&other == this) return {};
  if (other.find(name)) return Errno::Exist;
  NS_TRY_STATUS(other.ifs_.reserve(other.ifs_.size() + 1));
  ifs_.erase_value(i);
  i->ns = &other;
  i->up = false;
  i->naddrs = 0;
  // Linux keeps the index when it is free in the target namespace.
  if (other.find_index(i->ifindex)) i->ifindex = other.next_ifindex_++;
  else if (i->ifindex >= other.next_ifindex_) other.next_ifindex_ = i->ifindex + 1;
  (void)other.ifs_.push_back(i);   // reserved above, cannot fail
  return {};
}

Status NetNamespace::remove(const char* name) {
  Interface* i = find(name);
  if (!i) return Errno::NoDev;
  if (i->kind == Interface::Kind::Loopback) return Errno::OpNotSupp;
  if (i->peer) i->peer->ns->destroy(i->peer);
  destroy(i);
  return {};
}

bool NetNamespace::is_local(uint32_t addr) const {
  for (Interface* i : ifs_) {
    for (uint32_t k = 0; k < i->naddrs; ++k) {
      if (i->addrs[k] == addr) return true;
      // 127.0.0.1/8 on lo makes the whole of 127/8 local.
      if (i->kind == Interface::Kind::Loopback && (addr >> 24) == 127) return true;
    }
  }
  return false;
}

bool NetNamespace::port_taken(Proto proto, uint32_t addr, uint16_t port) const {
  for (const Binding& b : binds_)
    if (b.proto == proto && b.port == port && (b.addr == addr || b.addr == kInaddrAny || addr == kInaddrAny))
      return true;
  return false;
}

Result<uint16_t> NetNamespace::bind(Proto proto, uint32_t addr, uint16_t port, Koid owner, bool may_bind_privileged) {
  if (addr != kInaddrAny && !is_local(addr)) return Errno::AddrNotAvail;
  if (port == 0) {
    for (uint32_t p = kEphemeralLow; p <= kEphemeralHigh; ++p) {
      if (!port_taken(proto, addr, static_cast<uint16_t>(p))) { port = static_cast<uint16_t>(p); break; }
    }
    if (port == 0) return Errno::AddrInUse;
  } else {
    if (port < kPrivilegedPorts && !may_bind_privileged) return Errno::Acces;
    if (port_taken(proto, addr, port)) return Errno::AddrInUse;
  }
  NS_TRY_STATUS(binds_.push_back(Binding{proto, addr, port, owner}));
  return port;
}

Status NetNamespace::unbind(Proto proto, uint32_t addr, uint16_t port) {
  for (size_t i = 0; i < binds_.size(); ++i) {
    if (binds_[i].proto == proto && binds_[i].addr == addr && binds_[i].port == port) {
      binds_.erase_at(i);
      return {};
    }
  }
  return Errno::Inval;
}

}  // namespace ns
