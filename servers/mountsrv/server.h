// servers/mountsrv/server.h: mountsrv's connections and its transport (target only). Every
// channel the server holds is a Connection: a directory channel (a Context: the namespace and root
// its requests walk) or a file channel (one OpenFile). All of them wait on one port, keyed by slot
// and generation, so a packet for a connection that has since closed is recognised and dropped.
// A client that does not read its replies gets ShouldWait on our write: the reply is kept and the
// server stops reading that channel until the client makes room (Writable), so one slow client
// costs one reply's memory and never stalls the others.
// One Server lives in main() for the life of the process.
#pragma once

#include "koios/port.h"
#include "libns/allocator.h"
#include "libns/vec.h"
#include "servers/mountsrv/vfs.h"
#include "servers/proto/fs.h"

namespace mountsrv {

enum class ConnKind : uint8_t { Dir, File };

struct Connection {
  koios::Handle channel = koios::kInvalidHandle;
  uint32_t generation = 0;
  ConnKind kind = ConnKind::Dir;
  Context ctx;                   // Dir
  OpenFile* file = nullptr;      // File
  uint8_t* pending = nullptr;    // a reply waiting for room at the client (kMaxReply bytes)
  uint32_t pending_bytes = 0;
  koios::Handle pending_handle = koios::kInvalidHandle;
  bool close_after_reply = false;   // Close answered: the connection ends once the reply is out
};

// What a handler answers: `bytes` of `reply`, and optionally one handle moved with it.
struct Answer {
  uint32_t bytes = 0;
  koios::Handle handle = koios::kInvalidHandle;
  bool close = false;            // end the connection after sending
};

class Server {
 public:
  // The largest reply (ReadReply / ReaddirReply) and the request buffer's size.
  static constexpr uint32_t kMaxReply = sizeof(proto::fs::ReaddirReply) > sizeof(proto::fs::ReadReply)
                                            ? sizeof(proto::fs::ReaddirReply) : sizeof(proto::fs::ReadReply);
  static constexpr uint32_t kMaxConnections = 1024;   // beyond: Open and Clone answer ENFILE
  static constexpr uint32_t kBatch = 16;              // messages per wake-up, for fairness

  Server(ns::Allocator& a, Vfs& vfs, koios::Handle port) : alloc_(a), vfs_(vfs), port_(port), slots_(a) {}
  // Takes `channel` (closed on failure) and starts waiting on it. ENFILE, ENOMEM.
  Status add(koios::Handle channel, ConnKind kind, const Context& ctx, OpenFile* file);
  void on_packet(const koios::PortPacket& p);
  uint32_t connections() const { return live_; }

  Vfs& vfs() { return vfs_; }
  ns::Allocator& allocator() { return alloc_; }

 private:
  Connection* find(uint64_t key);
  void serve(Connection& c, uint32_t slot);
  // Sends `bytes` of the reply buffer (and a handle); false when it had to be kept for later.
  bool send(Connection& c, const void* bytes, uint32_t size, koios::Handle handle);
  void arm(Connection& c, uint32_t slot);
  void drop(uint32_t slot);

  ns::Allocator& alloc_;
  Vfs& vfs_;
  koios::Handle port_;
  ns::Vec<Connection*> slots_;
  uint32_t live_ = 0;
};

// handlers.cc: checks a request's size and kind, then answers it into `reply` (kMaxReply bytes).
Answer dispatch(Server& s, Connection& c, const uint8_t* request, uint32_t size, uint32_t handle_count,
                uint8_t* reply);

}  // namespace mountsrv
