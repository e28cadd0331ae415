// kernel/object/socket.cc
#include "kernel/object/socket.h"

#include <cstring>
#include <new>

namespace kernel {

using koios::Signals;
using koios::Status;
using koios::usize;

Socket::Socket(RefPtr<PeerHolder> holder, koios::u8* ring)
    : PeeredObject(kType, Signals::Writable, std::move(holder)), ring_(ring) {}

Socket::~Socket() {
  unlink_peer();
  delete[] ring_;
}

koios::Result<PeerPair<Socket>> Socket::create() {
  RefPtr<PeerHolder> holder = TRY(make_ref<PeerHolder>());
  auto* ring_a = new (std::nothrow) koios::u8[kCapacity];
  auto* ring_b = new (std::nothrow) koios::u8[kCapacity];
  if (ring_a == nullptr || ring_b == nullptr) {
    delete[] ring_a;
    delete[] ring_b;
    return Status::NoMemory;
  }
  auto first = make_ref<Socket>(holder, ring_a);
  if (!first.ok()) {
    delete[] ring_a;
    delete[] ring_b;
    return first.status();
  }
  auto second = make_ref<Socket>(holder, ring_b);
  if (!second.ok()) {
    delete[] ring_b;
    return second.status();  // first frees ring_a
  }
  link(*first.value(), *second.value());
  return PeerPair<Socket>{std::move(first.value()), std::move(second.value())};
}

Status Socket::write(const koios::u8* data, usize size, usize* written) {
  *written = 0;
  Guard guard(lock());
  Socket* peer = peer_locked();
  if (peer == nullptr) return Status::PeerClosed;
  usize n = size < peer->space_locked() ? size : peer->space_locked();
  if (n == 0 && size != 0) return Status::ShouldWait;
  usize tail = (peer->head_ + peer->size_) % kCapacity;
  usize first = n < kCapacity - tail ? n : kCapacity - tail;
  std::memcpy(peer->ring_ + tail, data, first);
  std::memcpy(peer->ring_, data + first, n - first);
  peer->size_ += n;
  if (n > 0) peer->update_signals_locked(Signals::None, Signals::Readable);
  if (peer->space_locked() == 0) update_signals_locked(Signals::Writable, Signals::None);
  *written = n;
  return Status::Ok;
}

Status Socket::read(koios::u8* out, usize size, usize* got) {
  *got = 0;
  Guard guard(lock());
  if (size_ == 0) return peer_locked() == nullptr ? Status::PeerClosed : Status::ShouldWait;
  usize n = size < size_ ? size : size_;
  usize first = n < kCapacity - head_ ? n : kCapacity - head_;
  std::memcpy(out, ring_ + head_, first);
  std::memcpy(out + first, ring_, n - first);
  bool was_full = size_ == kCapacity;
  head_ = (head_ + n) % kCapacity;
  size_ -= n;
  if (size_ == 0) update_signals_locked(Signals::Readable, Signals::None);
  Socket* peer = peer_locked();
  if (was_full && n > 0 && peer != nullptr) peer->update_signals_locked(Signals::None, Signals::Writable);
  *got = n;
  return Status::Ok;
}

usize Socket::queued() const {
  Guard guard(lock());
  return size_;
}

void Socket::on_zero_handles() {
  Guard guard(lock());
  unlink_peer_locked();
  update_signals_locked(Signals::Writable, Signals::None);
}

void Socket::on_peer_closed_locked() { update_signals_locked(Signals::Writable, Signals::PeerClosed); }

}  // namespace kernel
