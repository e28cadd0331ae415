// libns/ipc_ns.h: IPC namespaces (ipc_namespaces(7)): System V message queues, shared-memory and
// semaphore identifiers, and POSIX message-queue names, isolated per namespace and destroyed with
// it. A new IPC namespace starts empty. Message queues are modelled in full (msgsnd/msgrcv
// selection and limits); shared memory and semaphores as key -> identifier registries with their
// size/count checks (the memory itself belongs to the server). Nothing here blocks: where Linux
// would sleep, the call answers EAGAIN / ENOMSG and the server decides whether to wait and retry.
// Owned by the Registry; dies when unused.
#pragma once

#include <cstddef>
#include <cstdint>

#include "libns/allocator.h"
#include "libns/koid_map.h"
#include "libns/namespace.h"
#include "libns/result.h"
#include "libns/vec.h"

namespace ns {

inline constexpr int32_t kIpcPrivate = 0;
inline constexpr int kIpcCreat = 01000;
inline constexpr int kIpcExcl = 02000;
inline constexpr int kIpcNowait = 04000;
inline constexpr int kMsgNoerror = 010000;
inline constexpr int kMsgExcept = 020000;
inline constexpr int kOCreat = 0100;
inline constexpr int kOExcl = 0200;
inline constexpr uint32_t kIpcIdSlots = 32768;   // ids are slot + seq * 32768, as Linux's ipcid
inline constexpr size_t kMqNameMax = 255;        // NAME_MAX

struct IpcLimits {
  uint32_t msgmni = 32000;    // queues per namespace
  uint32_t msgmax = 8192;     // bytes per message
  uint32_t msgmnb = 16384;    // bytes per queue
  uint32_t shmmni = 4096;
  uint64_t shmmax = UINT64_MAX - (1ull << 24);
  uint32_t semmni = 32000;
  uint32_t semmsl = 32000;
  uint32_t mq_max = 256;      // POSIX queues per namespace (Linux: queues_max)
};

class IpcNamespace final : public Namespace {
 public:
  static constexpr NsType kType = NsType::Ipc;
  enum class Kind : uint8_t { Msg, Shm, Sem };

  IpcNamespace(Allocator& a, Koid koid, UserNamespace* owner, Koid copied_from, uint32_t level,
               const IpcLimits& limits = {});
  ~IpcNamespace();

  // msgget/shmget/semget: ENOENT without IPC_CREAT, EEXIST with IPC_CREAT|IPC_EXCL, ENOSPC at
  // the namespace's limit; shmget EINVAL for size 0/too large or larger than an existing segment;
  // semget EINVAL for nsems out of [1, semmsl] on create or above an existing set's count.
  Result<int32_t> msgget(int32_t key, int flags);
  Result<int32_t> shmget(int32_t key, uint64_t size, int flags);
  Result<int32_t> semget(int32_t key, int32_t nsems, int flags);
  // IPC_RMID. EINVAL for an id that is not a live object of that kind here.
  Status rmid(Kind kind, int32_t id);

  // msgsnd: EINVAL for a bad id, mtype < 1 or size > msgmax; EAGAIN when the queue is full.
  Status msgsnd(int32_t id, int64_t mtype, const void* data, size_t size, int flags);
  struct Received { int64_t mtype; size_t size; };
  // msgrcv: msgtyp 0 = first; > 0 = first of that type (with MSG_EXCEPT: first of another type);
  // < 0 = first of the lowest type <= |msgtyp|. ENOMSG when none; E2BIG when the message is
  // longer than maxsize and MSG_NOERROR is not set (the message stays queued).
  Result<Received> msgrcv(int32_t id, void* buf, size_t maxsize, int64_t msgtyp, int flags);
  struct QueueStat { uint32_t qnum; uint32_t cbytes; };
  Result<QueueStat> msg_stat(int32_t id) const;

  // POSIX message-queue names: "/name", no further '/' (EACCES), at most 255 bytes (ENAMETOOLONG).
  Status mq_open(const char* name, int oflag);
  Status mq_unlink(const char* name);

  uint32_t object_count(Kind kind) const;

 private:
  struct Msg;
  struct Object;
  struct Ids {
    explicit Ids(Allocator& a) : slots(a), keys(a) {}
    Vec<Object*> slots;
    KoidMap<Object*> keys;   // key + 2^32 so IPC_PRIVATE(0) and negative keys fit
    uint32_t count = 0;
    uint32_t seq = 0;
  };
  Ids& ids(Kind kind);
  const Ids& ids(Kind kind) const { return const_cast<IpcNamespace*>(this)->ids(kind); }
  Result<Object*> lookup(Kind kind, int32_t id) const;
  Result<int32_t> get(Kind kind, int32_t key, int flags, uint32_t limit, uint64_t size, bool (*size_ok)(uint64_t, uint64_t));
  void destroy_object(Ids& ids, Object* o);
  Result<size_t> mq_find(const char* name, size_t* len) const;

  Allocator& alloc_;
  IpcLimits limits_;
  Ids msg_, shm_, sem_;
  struct MqName { char name[kMqNameMax + 1]; };
  Vec<MqName*> mq_;
};

}  // namespace ns
