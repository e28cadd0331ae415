// servers/pidsrv/kernel_ops_koios.h: KernelOps over the syscalls (the target's side of the core),
// plus what main.cc's loop needs: the handles behind every KoID the core names, one client
// channel per process (bound to it: pidsrv made it and gave the process its end, without
// Transfer), and the port on which every client channel and every process's Terminated is waited
// for. Owned by main(); lives as long as pidsrv.
#pragma once

#include "libns/koid_map.h"
#include "servers/pidsrv/kernel_ops.h"
#include "servers/pidsrv/process_table.h"
#include "koios/port.h"
#include "spawn.h"

namespace pidsrv {

class KoiosKernel final : public KernelOps {
 public:
  KoiosKernel(ns::Allocator& alloc, koios::Handle port, const koios::Bootfs& bootfs);

  // Start-up: the root pid namespace's job, and init (started by the kernel, not by pidsrv) with
  // its process, thread and the server end of its client channel. Answer their KoIDs.
  Result<Koid> adopt_job(koios::Handle job);
  Result<Koid> adopt_init(koios::Handle process, koios::Handle thread, koios::Handle channel, Koid* thread_koid);

  // One packet from the port: a client channel is readable or closed, or a process ended.
  void on_packet(ProcessTable& table, const koios::PortPacket& packet);

  // ---- KernelOps ------------------------------------------------------------------------------
  Result<Koid> create_job(Koid parent) override;
  void close_job(Koid job) override;
  Result<Koid> create_process(Koid job, const char* name) override;
  Result<Koid> start_process(Koid process, const SpawnArgs& args) override;
  Status kill_job(Koid job) override;
  Status kill_process(Koid process) override;
  void release_process(Koid process) override;
  Status suspend_thread(Koid thread) override;
  Status read_state(Koid thread, koios::ThreadStateGeneral* regs) override;
  Status write_state(Koid thread, const koios::ThreadStateGeneral& regs) override;
  Status resume_thread(Koid thread) override;
  void send(Koid client, const void* bytes, uint32_t size) override;
  Result<Koid> mint_token(bool enter) override;
  void send_token(Koid client, const void* bytes, uint32_t size, Koid key) override;
  void signal_token(Koid key) override;
  void drop_token(Koid key) override;
  Result<TokenArg> token_arg(koios::Handle handle) override;
  uint64_t client_count() const override { return clients_; }
  uint64_t handle_count() const override { return handles_; }
  uint64_t cpu_time_ns(Koid thread) const override;
  bool thread_blocked(Koid thread) const override;
  Result<Koid> adopt_process(const koios::Handle* handles, uint32_t count, Koid* thread) override;
  int64_t now_ns() const override;
  Result<Memory> memory() const override;

  // The info resource init may give pidsrv (kernel-wide counts, for sysinfo); kept for good.
  void set_info_resource(koios::Handle resource) { info_resource_ = resource; }
  // pidsrv's own process (a duplicate, kept), to read how full its handle table is: see has_room.
  void set_self_process(koios::Handle process) { self_ = process; }

  uint64_t dropped_replies() const { return dropped_; }

 private:
  // What pidsrv holds for one kernel process.
  struct Proc {
    Koid koid = ns::kInvalidKoid;
    koios::Handle process = koios::kInvalidHandle;
    koios::Handle vmar = koios::kInvalidHandle;     // until started: it moves into the process
    koios::Handle thread = koios::kInvalidHandle;
    Koid thread_koid = ns::kInvalidKoid;
    koios::Handle channel = koios::kInvalidHandle;  // pidsrv's end of the client channel
    bool watching = false;                          // a Terminated wait is armed
  };
  // The two sides of a token pidsrv minted: `kept` (PeerClosed is waited for on the port) and
  // `out`, the side for the client, held only until its reply is written.
  struct Token {
    koios::Handle kept = koios::kInvalidHandle;
    koios::Handle out = koios::kInvalidHandle;
  };
  Token* token(Koid key) const;
  // Whether pidsrv may keep more handles: its table must always have room for the largest request
  // (kMaxMessageHandles), or channel_read fails with NoResources and that client is cut off. Clients
  // make pidsrv keep handles (3 per process, 1 per token); past this point a spawn answers EAGAIN
  // and a token ENFILE instead. True when the table cannot be read (no self handle).
  bool has_room() const;
  Proc* proc(Koid process) const;
  Proc* proc_of_thread(Koid thread) const;
  koios::Handle job(Koid job) const;
  void close(koios::Handle& h);
  Status arm_channel(Proc& p);
  Status arm_terminated(Proc& p);
  void close_channel(Proc& p);
  void serve(ProcessTable& table, Koid process);
  void drop_queued(Proc& p);

  ns::Allocator& alloc_;
  koios::Handle port_;
  const koios::Bootfs& bootfs_;
  ns::KoidMap<koios::Handle> jobs_;
  ns::KoidMap<Proc*> procs_;
  ns::KoidMap<Koid> threads_;   // thread KoID -> process KoID
  ns::KoidMap<Token*> tokens_;  // by the handed-out side's KoID
  uint64_t clients_ = 0;
  uint64_t handles_ = 0;
  uint64_t dropped_ = 0;
  koios::Handle info_resource_ = koios::kInvalidHandle;
  koios::Handle self_ = koios::kInvalidHandle;
  // The handles of the message being dispatched; start_process takes (and clears) them.
  koios::Handle* current_handles_ = nullptr;
  uint32_t current_handle_count_ = 0;
};

}  // namespace pidsrv
