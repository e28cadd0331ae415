// kernel/object/socket.h: one end of a byte stream, as pipes and stdio use them. Each end owns the
// ring its peer writes into, so a write lands in the peer's ring and a read drains one's own.
// Created in pairs by Socket::create; an end dies with its last handle and reference, and its
// peer then reads what is left and sees PeerClosed.
#pragma once

#include "kernel/object/object.h"

namespace kernel {

class Socket final : public PeeredObject<Socket> {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Socket;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Read | koios::Rights::Write |
                                                  koios::Rights::Signal | koios::Rights::SignalPeer;
  static constexpr koios::usize kCapacity = 16 * 1024;  // bytes queued at one end, as a pipe's buffer

  static koios::Result<PeerPair<Socket>> create();   // fails only with NoMemory
  // Use create(); public only so make_ref can build one.
  Socket(RefPtr<PeerHolder> holder, koios::u8* ring);
  ~Socket() override;

  // Queues what fits of data at the peer (a short write). ShouldWait when nothing fits,
  // PeerClosed when the peer is gone; *written says how much went.
  koios::Status write(const koios::u8* data, koios::usize size, koios::usize* written);
  // Takes up to size bytes queued here. ShouldWait when empty, PeerClosed when empty and alone.
  koios::Status read(koios::u8* out, koios::usize size, koios::usize* got);
  koios::usize queued() const;

 private:
  void on_zero_handles() override;
  void on_peer_closed_locked() override;
  koios::usize space_locked() const { return kCapacity - size_; }

  koios::u8* ring_;          // kCapacity bytes, freed with the end
  koios::usize head_ = 0;    // next byte to read; guarded by the pair's lock, like size_
  koios::usize size_ = 0;
};

}  // namespace kernel
