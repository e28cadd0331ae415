// servers/mountsrv/server.cc: connections, the port they wait on, and sending replies.
#include "servers/mountsrv/server.h"

#include <cstring>

#include "syscalls.h"

namespace mountsrv {
namespace {

using koios::Signals;

// The port key: slot in the low half, generation in the high half.
uint64_t key_of(uint32_t slot, uint32_t generation) { return uint64_t(generation) << 32 | slot; }

// Requests are read here (the largest message a channel can carry, so nothing is ever too big to
// take off the queue) and answered into the reply buffer.
alignas(16) uint8_t g_request[koios::kMaxMessageBytes];
alignas(16) uint8_t g_reply[Server::kMaxReply];
koios::Handle g_handles[koios::kMaxMessageHandles];

}  // namespace

Status Server::add(koios::Handle channel, ConnKind kind, const Context& ctx, OpenFile* file) {
  auto fail = [&](Errno e) {
    (void)koios::handle_close(channel);
    return Status(e);
  };
  if (live_ >= kMaxConnections) return fail(Errno::NFile);
  uint32_t slot = 0;
  while (slot < slots_.size() && slots_[slot]->channel != koios::kInvalidHandle) ++slot;
  if (slot == slots_.size()) {
    Connection* fresh = alloc_.make<Connection>();
    if (!fresh) return fail(Errno::NoMem);
    if (!slots_.push_back(fresh).ok()) {
      alloc_.destroy(fresh);
      return fail(Errno::NoMem);
    }
  }
  Connection& c = *slots_[slot];
  uint32_t generation = c.generation + 1;
  c = Connection{};
  c.channel = channel;
  c.generation = generation;
  c.kind = kind;
  c.ctx = ctx;
  c.file = file;
  ++live_;
  arm(c, slot);
  return {};
}

void Server::arm(Connection& c, uint32_t slot) {
  Signals want = c.pending ? (Signals::Writable | Signals::PeerClosed) : (Signals::Readable | Signals::PeerClosed);
  if (koios::object_wait_async(c.channel, port_, key_of(slot, c.generation), want, koios::kWaitAsyncOnce) !=
      koios::Status::Ok)
    drop(slot);   // cannot wait on it (the port is full): better closed than silently deaf
}

void Server::drop(uint32_t slot) {
  Connection& c = *slots_[slot];
  (void)koios::handle_close(c.channel);
  if (c.file) vfs_.close(c.file);
  if (c.pending) alloc_.deallocate(c.pending, kMaxReply, 16);
  if (c.pending_handle != koios::kInvalidHandle) (void)koios::handle_close(c.pending_handle);
  uint32_t generation = c.generation;
  c = Connection{};
  c.generation = generation;   // packets still queued for the old key no longer match
  --live_;
}

Connection* Server::find(uint64_t key) {
  uint32_t slot = uint32_t(key);
  if (slot >= slots_.size()) return nullptr;
  Connection* c = slots_[slot];
  if (c->channel == koios::kInvalidHandle || c->generation != uint32_t(key >> 32)) return nullptr;
  return c;
}

bool Server::send(Connection& c, const void* bytes, uint32_t size, koios::Handle handle) {
  koios::Status s = koios::channel_write(c.channel, 0, bytes, size, &handle, handle != koios::kInvalidHandle ? 1 : 0);
  if (s == koios::Status::ShouldWait) {
    // The client's queue is full: keep the reply (and its handle) until it makes room.
    if (!c.pending) c.pending = static_cast<uint8_t*>(alloc_.allocate(kMaxReply, 16));
    if (c.pending) {
      std::memcpy(c.pending, bytes, size);
      c.pending_bytes = size;
      c.pending_handle = handle;
      return false;
    }
  }
  // Sent, or the client is gone (PeerClosed), or no memory to keep it: a handle that did not move
  // is closed, so nothing leaks.
  if (s != koios::Status::Ok && handle != koios::kInvalidHandle) (void)koios::handle_close(handle);
  return true;
}

void Server::on_packet(const koios::PortPacket& p) {
  if (p.type != koios::PacketType::SignalOne) return;
  Connection* c = find(p.key);
  if (!c) return;   // a connection that has closed since
  serve(*c, uint32_t(p.key));
}

void Server::serve(Connection& c, uint32_t slot) {
  if (c.pending) {
    koios::Handle h = c.pending_handle;
    koios::Status s = koios::channel_write(c.channel, 0, c.pending, c.pending_bytes, &h, h != koios::kInvalidHandle ? 1 : 0);
    if (s == koios::Status::ShouldWait) return arm(c, slot);
    if (s != koios::Status::Ok) return drop(slot);   // the client is gone; drop closes the handle
    c.pending_handle = koios::kInvalidHandle;
    alloc_.deallocate(c.pending, kMaxReply, 16);
    c.pending = nullptr;
    if (c.close_after_reply) return drop(slot);
  }
  for (uint32_t i = 0; i < kBatch; ++i) {
    koios::MessageSizes got{0, 0};
    koios::Status s = koios::channel_read(c.channel, 0, g_request, g_handles, sizeof g_request,
                                          koios::kMaxMessageHandles, &got);
    if (s == koios::Status::ShouldWait) break;
    if (s != koios::Status::Ok) return drop(slot);   // PeerClosed: every holder of the client end is gone
    // Handles never belong in a request: close them (the reply says EINVAL).
    for (uint32_t k = 0; k < got.handles; ++k) (void)koios::handle_close(g_handles[k]);
    if (got.bytes < sizeof(koios::MessageHeader)) continue;   // no header: no txid to answer
    Answer a = dispatch(*this, c, g_request, got.bytes, got.handles, g_reply);
    c.close_after_reply = a.close;
    if (!send(c, g_reply, a.bytes, a.handle)) return arm(c, slot);   // wait for room
    if (a.close) return drop(slot);
  }
  arm(c, slot);
}

}  // namespace mountsrv
