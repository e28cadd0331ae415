// libns/ipc_ns.cc
#include "libns/ipc_ns.h"

namespace ns {

struct IpcNamespace::Msg {
  Msg* next;
  int64_t mtype;
  size_t size;
  unsigned char* data() { return reinterpret_cast<unsigned char*>(this + 1); }
};

struct IpcNamespace::Object {
  int32_t key;
  int32_t id;
  uint64_t size = 0;        // shm: bytes; sem: nsems
  Msg* head = nullptr;      // msg: FIFO of messages
  Msg* tail = nullptr;
  uint32_t qnum = 0;
  uint32_t cbytes = 0;
};

namespace {
uint64_t key_slot(int32_t key) { return (uint64_t{1} << 32) + static_cast<uint32_t>(key); }
}  // namespace

IpcNamespace::IpcNamespace(Allocator& a, Koid koid, UserNamespace* owner, Koid copied_from,
                           uint32_t level, const IpcLimits& limits)
    : Namespace(NsType::Ipc, koid, owner, nullptr, level, copied_from),
      alloc_(a), limits_(limits), msg_(a), shm_(a), sem_(a), mq_(a) {}

IpcNamespace::~IpcNamespace() {
  for (Ids* i : {&msg_, &shm_, &sem_})
    for (Object*& o : i->slots) if (o) { destroy_object(*i, o); }
  for (MqName* m : mq_) alloc_.destroy(m);
}

IpcNamespace::Ids& IpcNamespace::ids(Kind kind) {
  return kind == Kind::Msg ? msg_ : kind == Kind::Shm ? shm_ : sem_;
}

void IpcNamespace::destroy_object(Ids& ids, Object* o) {
  for (Msg* m = o->head; m;) {
    Msg* n = m->next;
    alloc_.deallocate(m, sizeof(Msg) + m->size, alignof(Msg));
    m = n;
  }
  if (o->key != kIpcPrivate) ids.keys.erase(key_slot(o->key));
  ids.slots[static_cast<uint32_t>(o->id) % kIpcIdSlots] = nullptr;
  --ids.count;
  alloc_.destroy(o);
}

Result<IpcNamespace::Object*> IpcNamespace::lookup(Kind kind, int32_t id) const {
  if (id < 0) return Errno::Inval;
  const Ids& i = ids(kind);
  uint32_t slot = static_cast<uint32_t>(id) % kIpcIdSlots;
  if (slot >= i.slots.size() || !i.slots[slot] || i.slots[slot]->id != id) return Errno::Inval;
  return i.slots[slot];
}

Result<int32_t> IpcNamespace::get(Kind kind, int32_t key, int flags, uint32_t limit, uint64_t size,
                                  bool (*size_ok)(uint64_t existing, uint64_t wanted)) {
  Ids& i = ids(kind);
  if (key != kIpcPrivate) {
    if (Object** found = i.keys.find(key_slot(key))) {
      if ((flags & kIpcCreat) && (flags & kIpcExcl)) return Errno::Exist;
      if (size_ok && !size_ok((*found)->size, size)) return Errno::Inval;
      return (*found)->id;
    }
    if (!(flags & kIpcCreat)) return Errno::NoEnt;
  }
  if (i.count >= limit || limit == 0) return Errno::NoSpc;
  uint32_t slot = 0;
  while (slot < i.slots.size() && i.slots[slot]) ++slot;
  if (slot >= kIpcIdSlots) return Errno::NoSpc;
  if (slot == i.slots.size()) NS_TRY_STATUS(i.slots.push_back(nullptr));
  Object* o = alloc_.make<Object>();
  if (!o) return Errno::NoMem;
  o->key = key;
  // The sequence part makes a removed id stale rather than silently naming its successor.
  o->id = static_cast<int32_t>(slot + (i.seq++ % 65536) * kIpcIdSlots);
  o->size = size;
  if (key != kIpcPrivate) {
    Status s = i.keys.insert(key_slot(key), o);
    if (!s.ok()) { alloc_.destroy(o); return s.error(); }
  }
  i.slots[slot] = o;
  ++i.count;
  return o->id;
}

Result<int32_t> IpcNamespace::msgget(int32_t key, int flags) {
  return get(Kind::Msg, key, flags, limits_.msgmni, 0, nullptr);
}

Result<int32_t> IpcNamespace::shmget(int32_t key, uint64_t size, int flags) {
  bool creating = key == kIpcPrivate || ((flags & kIpcCreat) && !ids(Kind::Shm).keys.find(key_slot(key)));
  if (creating && (size < 1 || size > limits_.shmmax)) return Errno::Inval;
  return get(Kind::Shm, key, flags, limits_.shmmni, size,
             [](uint64_t existing, uint64_t wanted) { return wanted <= existing; });
}

Result<int32_t> IpcNamespace::semget(int32_t key, int32_t nsems, int flags) {
  if (nsems < 0 || static_cast<uint32_t>(nsems) > limits_.semmsl) return Errno::Inval;
  bool creating = key == kIpcPrivate || ((flags & kIpcCreat) && !ids(Kind::Sem).keys.find(key_slot(key)));
  if (creating && nsems == 0) return Errno::Inval;
  return get(Kind::Sem, key, flags, limits_.semmni, static_cast<uint64_t>(nsems),
             [](uint64_t existing, uint64_t wanted) { return wanted <= existing; });
}

Status IpcNamespace::rmid(Kind kind, int32_t id) {
  Object* o = NS_TRY(lookup(kind, id));
  destroy_object(ids(kind), o);
  return {};
}

Status IpcNamespace::msgsnd(int32_t id, int64_t mtype, const void* data, size_t size, int flags) {
  (void)flags;   // IPC_NOWAIT or not, a full queue answers EAGAIN: the server does the waiting
  Object* q = NS_TRY(lookup(Kind::Msg, id));
  if (mtype < 1 || size > limits_.msgmax) return Errno::Inval;
  // Linux counts both bytes and messages against msgmnb.
  if (q->cbytes + size > limits_.msgmnb || q->qnum + 1 > limits_.msgmnb) return Errno::Again;
  void* p = alloc_.allocate(sizeof(Msg) + size, alignof(Msg));
  if (!p) return Errno::NoMem;
  Msg* m = new (p) Msg{nullptr, mtype, size};
  const auto* src = static_cast<const unsigned char*>(data);
  for (size_t i = 0; i < size; ++i) m->data()[i] = src[i];
  if (q->tail) q->tail->next = m; else q->head = m;
  q->tail = m;
  ++q->qnum;
  q->cbytes += static_cast<uint32_t>(size);
  return {};
}

Result<IpcNamespace::Received> IpcNamespace::msgrcv(int32_t id, void* buf, size_t maxsize,
                                                    int64_t msgtyp, int flags) {
  Object* q = NS_TRY(lookup(Kind::Msg, id));
  Msg* prev_found = nullptr;
  Msg* found = nullptr;
  Msg* prev = nullptr;
  for (Msg* m = q->head; m; prev = m, m = m->next) {
    bool match;
    if (msgtyp == 0) match = true;
    else if (msgtyp > 0) match = (flags & kMsgExcept) ? m->mtype != msgtyp : m->mtype == msgtyp;
    else match = m->mtype <= -msgtyp && (!found || m->mtype < found->mtype);
    if (match) {
      found = m;
      prev_found = prev;
      if (msgtyp >= 0) break;   // negative msgtyp keeps looking for a lower type
    }
  }
  if (!found) return Errno::NoMsg;
  if (found->size > maxsize && !(flags & kMsgNoerror)) return Errno::TooBig;
  size_t n = found->size < maxsize ? found->size : maxsize;
  auto* dst = static_cast<unsigned char*>(buf);
  for (size_t i = 0; i < n; ++i) dst[i] = found->data()[i];
  Received r{found->mtype, n};
  if (prev_found) prev_found->next = found->next; else q->head = found->next;
  if (q->tail == found) q->tail = prev_found;
  --q->qnum;
  q->cbytes -= static_cast<uint32_t>(found->size);
  alloc_.deallocate(found, sizeof(Msg) + found->size, alignof(Msg));
  return r;
}

Result<IpcNamespace::QueueStat> IpcNamespace::msg_stat(int32_t id) const {
  Object* q = NS_TRY(lookup(Kind::Msg, id));
  return QueueStat{q->qnum, q->cbytes};
}

Result<size_t> IpcNamespace::mq_find(const char* name, size_t* len) const {
  if (name[0] != '/') return Errno::Inval;
  size_t n = 0;
  while (name[1 + n]) {
    if (name[1 + n] == '/') return Errno::Acces;
    if (++n > kMqNameMax) return Errno::NameTooLong;
  }
  if (n == 0) return Errno::Inval;
  *len = n;
  for (size_t i = 0; i < mq_.size(); ++i) {
    const char* s = mq_[i]->name;
    size_t k = 0;
    while (k < n && s[k] == name[1 + k]) ++k;
    if (k == n && s[k] == '\0') return i;
  }
  return mq_.size();
}

Status IpcNamespace::mq_open(const char* name, int oflag) {
  size_t n = 0;
  size_t at = NS_TRY(mq_find(name, &n));
  if (at < mq_.size()) {
    if ((oflag & kOCreat) && (oflag & kOExcl)) return Errno::Exist;
    return {};
  }
  if (!(oflag & kOCreat)) return Errno::NoEnt;
  if (mq_.size() >= limits_.mq_max) return Errno::NoSpc;
  MqName* m = alloc_.make<MqName>();
  if (!m) return Errno::NoMem;
  for (size_t i = 0; i < n; ++i) m->name[i] = name[1 + i];
  m->name[n] = '\0';
  Status s = mq_.push_back(m);
  if (!s.ok()) alloc_.destroy(m);
  return s;
}

Status IpcNamespace::mq_unlink(const char* name) {
  size_t n = 0;
  size_t at = NS_TRY(mq_find(name, &n));
  if (at >= mq_.size()) return Errno::NoEnt;
  alloc_.destroy(mq_[at]);
  mq_.erase_at(at);
  return {};
}

uint32_t IpcNamespace::object_count(Kind kind) const {
  return kind == Kind::Msg ? msg_.count : kind == Kind::Shm ? shm_.count : sem_.count;
}

}  // namespace ns
