// libns/net_ns.h: network namespaces (network_namespaces(7)) as far as naming goes: each has its
// own interface table with its own loopback, veth pairs whose two ends may live in two
// namespaces, and an address/port binding table, so two namespaces can bind the same port.
// Packets are not modelled; the network server moves them. Owned by the Registry; dies when
// unused, taking its interfaces with it (a veth end's peer goes too, as in Linux).
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/allocator.h"
#include "libns/namespace.h"
#include "libns/result.h"
#include "libns/vec.h"

namespace ns {

inline constexpr size_t kIfNameSize = 16;      // IFNAMSIZ, including the NUL
inline constexpr uint32_t kMaxAddrs = 8;       // IPv4 addresses per interface in the model
inline constexpr uint16_t kEphemeralLow = 32768, kEphemeralHigh = 60999;  // ip_local_port_range
inline constexpr uint16_t kPrivilegedPorts = 1024;
inline constexpr uint32_t kInaddrAny = 0;
inline constexpr uint32_t kLoopbackAddr = 0x7f000001;   // 127.0.0.1, host byte order

enum class Proto : uint8_t { Tcp, Udp };

class NetNamespace;

struct Interface {
  int32_t ifindex;
  char name[kIfNameSize];
  enum class Kind : uint8_t { Loopback, Veth } kind;
  bool up = false;
  Interface* peer = nullptr;        // the other end of a veth pair (maybe in another namespace)
  NetNamespace* ns = nullptr;
  uint32_t addrs[kMaxAddrs] = {};
  uint32_t naddrs = 0;
};

class NetNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Net;
  NetNamespace(Allocator& a, Koid koid, UserNamespace* owner, Koid copied_from, uint32_t level);
  ~NetNamespace();
  // Creates the loopback (index 1, down, no address, as in a fresh Linux namespace).
  Status init();

  Interface* find(const char* name) const;
  Interface* find_index(int32_t ifindex) const;
  size_t interface_count() const { return ifs_.size(); }
  const Interface& interface_at(size_t i) const { return *ifs_[i]; }

  // ENODEV for an unknown name. Bringing the loopback up gives it 127.0.0.1 (Linux's inetdev).
  Status set_up(const char* name, bool up);
  Status add_address(const char* name, uint32_t addr);   // EEXIST when already on it
  // A veth pair: `name_a` here, `name_b` in `other` (which may be this namespace).
  // EEXIST for a name taken on either side; EINVAL for an empty or too long name.
  static Status create_veth(NetNamespace& a, const char* name_a, NetNamespace& b, const char* name_b);
  // `ip link set NAME netns OTHER`: addresses are flushed and the interface goes down; the
  // loopback cannot move (EINVAL); EEXIST if `other` has that name.
  Status move_to(const char* name, NetNamespace& other);
  // Deleting a veth end deletes its peer; the loopback cannot be deleted (EOPNOTSUPP).
  Status remove(const char* name);

  // bind(2): port 0 picks a free ephemeral port. EADDRNOTAVAIL for an address no interface here
  // has; EACCES for a port below 1024 without CAP_NET_BIND_SERVICE (the caller says);
  // EADDRINUSE when the port is taken on that address or on the wildcard.
  Result<uint16_t> bind(Proto proto, uint32_t addr, uint16_t port, Koid owner, bool may_bind_privileged);
  Status unbind(Proto proto, uint32_t addr, uint16_t port);
  size_t binding_count() const { return binds_.size(); }

 private:
  struct Binding {
    Proto proto;
    uint32_t addr;
    uint16_t port;
    Koid owner;
    bool operator==(const Binding&) const = default;
  };
  static Status check_name(const char* name, size_t* len);
  Result<Interface*> add(const char* name, Interface::Kind kind);
  void destroy(Interface* i);   // unlinks and frees one end (not its peer)
  bool is_local(uint32_t addr) const;
  bool port_taken(Proto proto, uint32_t addr, uint16_t port) const;

  Allocator& alloc_;
  Vec<Interface*> ifs_;
  Vec<Binding> binds_;
  int32_t next_ifindex_ = 1;
};

}  // namespace ns
