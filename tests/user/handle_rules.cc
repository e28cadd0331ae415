// tests/user/handle_rules.cc: the systematic part of issue 4's test suite, generated from the ABI
// lists. For every rule of koios/syscall_handles.def (every handle argument of every syscall) it
// calls the syscall with an invalid value, a closed handle, one of a wrong type and, for each
// required right, one lacking only that right; the other arguments are filled from their types and
// names in syscalls.def, valid enough that the handle check decides. Then hostile arguments: a
// kernel and an unmapped address for every pointer argument of every syscall, the handle quota
// filled and recovered, oversized and too many channel messages, and waits whose deadline passed.
//
// Started by the kernel self-test `handle_rules` with a0 = the root resource (or 0: then the
// Resource rules test what needs no resource and say so), a1 = its process, a2 = its job. Prints a
// line per broken check and returns how many broke.
#include "koios/syscall_handles.h"
#include "user_lib.h"

using namespace koios;

namespace {

// ---- output ----
struct Line {
  char text[200] = {0};
  usize n = 0;
  Line& operator<<(const char* s) {
    while (*s != 0 && n + 1 < sizeof text) text[n++] = *s++;
    text[n] = 0;  // text is read as a C string too
    return *this;
  }
  Line& operator<<(i64 v) {
    char buf[32];
    return *this << user::with_number(buf, "", v);
  }
  Line& operator<<(Status s) {
    const char* name = status_name(s);
    return name != nullptr ? *this << name : *this << i64(s);
  }
  void print() { debug_write(text, n); }
};

int g_failures = 0;
int g_checks = 0;

bool expect(bool ok, const char* what, const char* detail, Status got, Status want) {
  ++g_checks;
  if (ok) return true;
  ++g_failures;
  Line l;
  l << "handle_rules: FAIL " << what << ": " << detail << ": got " << got << ", want " << want;
  l.print();
  return false;
}

// ---- the syscall list, by number ----
template <typename Fn>
struct Shape;
template <typename R, typename... A>
struct Shape<R(A...)> {
  static constexpr u32 kArity = sizeof...(A);
};

struct SyscallInfo {
  Syscall id;
  const char* name;
  const char* params;
  u32 arity;
};
constexpr SyscallInfo kSyscalls[] = {
#define SYSCALL(number, family, verb, ret, args, doc) \
  {Syscall::family##_##verb, #family "_" #verb, #args, Shape<syscall_type::family##_##verb>::kArity},
#include "koios/syscalls.def"
#undef SYSCALL
};

const SyscallInfo& info_of(Syscall id) {
  for (const SyscallInfo& s : kSyscalls)
    if (s.id == id) return s;
  return kSyscalls[0];
}

bool same(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return *a == *b;
}
bool contains_word(const char* s, const char* w) {
  for (; *s != 0; ++s) {
    const char *p = s, *q = w;
    while (*q != 0 && *p == *q) ++p, ++q;
    if (*q == 0) return true;
  }
  return false;
}

// The name of parameter `index` ("num_bytes") into out.
void param_name(const char* params, u32 index, char* out, usize size) {
  out[0] = 0;
  const char* p = params;
  while (*p != 0 && *p != '(') ++p;
  if (*p == 0) return;
  ++p;
  for (u32 i = 0; *p != 0 && *p != ')'; ++i) {
    const char* begin = p;
    while (*p != ',' && *p != ')' && *p != 0) ++p;
    if (i == index) {
      const char* end = p;
      while (end > begin && end[-1] == ' ') --end;
      const char* name = end;
      while (name > begin && name[-1] != ' ' && name[-1] != '*') --name;
      usize n = 0;
      while (name < end && n + 1 < size) out[n++] = *name++;
      out[n] = 0;
      return;
    }
    if (*p == ',') ++p;
    while (*p == ' ') ++p;
  }
}

// ---- objects of every type, with their default (full) rights ----
struct Pool {
  Handle of[16] = {};  // by ObjectType value
  Handle peer_of_channel = 0, peer_of_socket = 0, peer_of_eventpair = 0;
};
Pool g_pool;

Rights rights_of(Handle h);

// A pool handle of a type in the set whose rights hold `rights` (Event first for Any); 0 if none.
Handle valid_handle(ObjectTypes types, Rights rights) {
  constexpr u32 kOrder[] = {7, 8, 5, 6, 9, 10, 3, 4, 11, 1, 2, 12, 13};  // Event, EventPair, Channel, ...
  for (u32 t : kOrder)
    if ((types & (1u << t)) != 0 && g_pool.of[t] != 0 && contains(rights_of(g_pool.of[t]), rights)) return g_pool.of[t];
  return 0;
}

// A type not in the set: Event, else Port.
Handle wrong_type_handle(ObjectTypes types) {
  if ((types & object_type_bit(ObjectType::Event)) == 0) return g_pool.of[u32(ObjectType::Event)];
  return g_pool.of[u32(ObjectType::Port)];
}

Rights rights_of(Handle h) {
  InfoBasic basic{};
  if (object_get_info(h, u32(InfoTopic::Basic), &basic, sizeof basic, nullptr, nullptr) != Status::Ok) return Rights::None;
  return basic.rights;
}

// ---- building a call ----
// Each pointer argument points at its own zeroed slot of this area.
constexpr u64 kSlot = 512;
alignas(4096) u8 g_scratch[kMaxSyscallArgs * kSlot];
u64 slot(u32 i) { return reinterpret_cast<u64>(&g_scratch[i * kSlot]); }

struct Call {
  Syscall id;
  u64 regs[kMaxSyscallArgs] = {};
};

// Arguments valid enough that a handle check decides: handles of the rule's type with full
// rights, pointers to writable zeroed memory, sizes small but non-zero, deadlines already passed,
// and the few values a syscall checks before its handles (the rule file's "checked before").
Call make_call(Syscall id) {
  for (u8& b : g_scratch) b = 0;
  const SyscallInfo& s = info_of(id);
  Call c{id};
  for (u32 i = 0; i < s.arity; ++i) {
    char name[32];
    param_name(s.params, i, name, sizeof name);
    internal::ParamKind kind = internal::param_kind(s.params, i);
    u64& r = c.regs[i];
    if (kind == internal::ParamKind::Pointer) {
      r = slot(i);
    } else if (kind == internal::ParamKind::Handle) {
      const HandleRule* rule = internal::rule_for(id, i);
      r = rule == nullptr || rule->passing == HandlePassing::Optional ? kInvalidHandle
                                                                      : valid_handle(rule->types, rule->rights);
    } else if (same(name, "rights")) {
      r = u64(Rights::SameRights);
    } else if (same(name, "topic")) {
      r = u64(InfoTopic::Basic);
    } else if (same(name, "entry")) {
      r = 0x1'0000'0000ull;  // the bottom of the user range
    } else if (same(name, "count") || same(name, "num_handles")) {
      r = 1;
    } else if (contains_word(name, "size") || same(name, "num_bytes") || same(name, "length")) {
      r = 64;
    } else {
      r = 0;  // options, offsets, deadlines (0 has passed), signals, keys, kinds
    }
  }
  switch (id) {
    case Syscall::channel_call: {
      auto* args = reinterpret_cast<ChannelCallArgs*>(slot(3));
      args->write_bytes = reinterpret_cast<void*>(slot(3) + 128);
      args->write_num_bytes = sizeof(MessageHeader);
      args->read_bytes = reinterpret_cast<void*>(slot(3) + 256);
      args->read_num_bytes = 64;
      args->read_handles = reinterpret_cast<Handle*>(slot(3) + 384);
      args->read_num_handles = 1;
      break;
    }
    case Syscall::vmo_create_child: c.regs[1] = kVmoChildSnapshot, c.regs[3] = kPageSize; break;
    case Syscall::vmar_map: c.regs[1] = kVmPermRead, c.regs[5] = kPageSize; break;
    case Syscall::vmar_unmap: c.regs[2] = kPageSize; break;
    case Syscall::resource_create: c.regs[1] = u64(ResourceKind::Console); break;
    case Syscall::thread_read_state:
    case Syscall::thread_write_state: c.regs[3] = sizeof(ThreadStateGeneral); break;
    case Syscall::object_wait_many: {
      auto* item = reinterpret_cast<WaitItem*>(slot(0));
      item->handle = g_pool.of[u32(ObjectType::Event)];
      item->waitfor = Signals::Signaled;
      break;
    }
    default: break;
  }
  return c;
}

// Puts `h` where the rule says the handle goes.
void place(Call& c, const HandleRule& rule, Handle h) {
  if (rule.passing == HandlePassing::InArray) {
    *reinterpret_cast<Handle*>(c.regs[rule.argument]) = h;  // a Handle, or a WaitItem's first field
  } else {
    c.regs[rule.argument] = h;
  }
}

Status invoke(const Call& c) {
  const u64* r = c.regs;
  return static_cast<Status>(
      static_cast<i32>(internal::raw_syscall(u64(c.id), r[0], r[1], r[2], r[3], r[4], r[5], r[6])));
}

// ---- part 1: every handle rule ----
void check_rule(const HandleRule& rule, bool have_resource) {
  const SyscallInfo& s = info_of(rule.syscall);
  char what[64];
  Line w;
  w << s.name << " arg " << i64(rule.argument);
  usize n = 0;
  for (; n < w.n && n + 1 < sizeof what; ++n) what[n] = w.text[n];
  what[n] = 0;

  // An invalid value: never issued (0 only where it does not mean "none").
  const Handle invalid[] = {0xffffffffu, 0x5a5a5a5au, kInvalidHandle};
  for (Handle v : invalid) {
    if (v == kInvalidHandle && rule.passing == HandlePassing::Optional) continue;
    Call c = make_call(rule.syscall);
    place(c, rule, v);
    Status got = invoke(c);
    expect(got == Status::BadHandle, what, "an invalid value", got, Status::BadHandle);
  }

  Handle valid = valid_handle(rule.types, rule.rights);
  bool resource_rule = rule.types == object_type_bit(ObjectType::Resource);
  if (valid == 0) {
    if (!(resource_rule && !have_resource)) expect(false, what, "no object of the rule's type", Status::NotFound, Status::Ok);
    // Without a resource, only what needs none: invalid values (above) and a wrong type (below).
  } else {
    // A closed handle: a duplicate, closed.
    Handle dup = 0;
    Status s1 = handle_duplicate(valid, Rights::SameRights, &dup);
    expect(s1 == Status::Ok, what, "duplicating the valid handle", s1, Status::Ok);
    if (s1 == Status::Ok) {
      handle_close(dup);
      Call c = make_call(rule.syscall);
      place(c, rule, dup);
      Status got = invoke(c);
      expect(got == Status::BadHandle, what, "a closed handle", got, Status::BadHandle);
    }
    // Lacking each required right in turn, and nothing else.
    Rights full = rights_of(valid);
    for (u32 bit = 0; bit < 31; ++bit) {
      Rights right = Rights(1u << bit);
      if (!contains(rule.rights, right)) continue;
      if (!expect(contains(full, right), what, "the object's default rights hold the rule's right", Status::AccessDenied,
                  Status::Ok))
        continue;
      Handle less = 0;
      Status s2 = handle_duplicate(valid, Rights(u32(full) & ~u32(right)), &less);
      if (!expect(s2 == Status::Ok, what, "duplicating with one right fewer", s2, Status::Ok)) continue;
      Call c = make_call(rule.syscall);
      place(c, rule, less);
      Status got = invoke(c);
      Line d;
      d << "a handle lacking " << right_name(right);
      expect(got == Status::AccessDenied, what, d.text, got, Status::AccessDenied);
      handle_close(less);  // if the call moved it (a bug reported above), this is BadHandle
    }
  }

  // A wrong type, unless any type will do.
  if (rule.types != kAnyObjectType) {
    Call c = make_call(rule.syscall);
    place(c, rule, wrong_type_handle(rule.types));
    Status got = invoke(c);
    expect(got == Status::WrongType, what, "a handle of a wrong type", got, Status::WrongType);
  }
}

// ---- part 2: hostile pointers ----
constexpr u64 kKernelAddresses[] = {0x80200000ull, 0xffffffc000000000ull, 0xffffffffffffff00ull};

void check_pointers(u64 unmapped, bool have_resource) {
  for (const SyscallInfo& s : kSyscalls) {
    if (s.id == Syscall::process_exit || s.id == Syscall::thread_exit || s.id == Syscall::system_shutdown) continue;
    bool needs_resource = s.id == Syscall::console_read || s.id == Syscall::console_write || s.id == Syscall::resource_create;
    if (needs_resource && !have_resource) continue;
    for (u32 i = 0; i < s.arity; ++i) {
      if (internal::param_kind(s.params, i) != internal::ParamKind::Pointer) continue;
      u64 addresses[] = {kKernelAddresses[0], kKernelAddresses[1], kKernelAddresses[2], unmapped};
      for (u64 address : addresses) {
        Call c = make_call(s.id);
        c.regs[i] = address;
        Status got = invoke(c);
        bool ok = got == Status::InvalidArgs || got == Status::NotFound || got == Status::AccessDenied;
        // Documented exceptions: futex_wake never reads the word (only its address is the key);
        // thread_read_state answers BadState first for a thread that is not stopped.
        if (s.id == Syscall::futex_wake && address == unmapped) ok = got == Status::Ok;
        if (s.id == Syscall::thread_read_state) ok = ok || got == Status::BadState;
        Line d;
        d << "argument " << i64(i) << (address == unmapped ? " unmapped" : " a kernel address");
        expect(ok, s.name, d.text, got, Status::InvalidArgs);
      }
    }
  }
}

// An address in the user range where this program has nothing mapped (it has no handle to its
// own root vmar to make one): between the code at the bottom and the stack at the top.
constexpr u64 kUnmapped = 0x20'0000'0000ull;

// ---- part 3: quotas, messages, deadlines ----
i64 now() {
  i64 t = 0;
  clock_get(0, &t);
  return t;
}

// The quota test needs the values back to close them: kept here (bounded by the default quota).
constexpr u32 kMaxTracked = 16384;
Handle g_tracked[kMaxTracked];

void check_handle_quota_and_recover(Handle self) {
  InfoProcessHandles before{};
  Status s = object_get_info(self, u32(InfoTopic::ProcessHandles), &before, sizeof before, nullptr, nullptr);
  if (!expect(s == Status::Ok, "handle quota", "ProcessHandles of its own process", s, Status::Ok)) return;
  u32 made = 0;
  Handle event = 0;
  s = event_create(0, &event);
  if (!expect(s == Status::Ok, "handle quota", "an event", s, Status::Ok)) return;
  for (;;) {
    if (made >= kMaxTracked) break;
    s = handle_duplicate(event, Rights::SameRights, &g_tracked[made]);
    if (s != Status::Ok) break;
    ++made;
  }
  expect(s == Status::NoResources, "handle quota", "duplicating into a full table", s, Status::NoResources);
  InfoProcessHandles full{};
  object_get_info(self, u32(InfoTopic::ProcessHandles), &full, sizeof full, nullptr, nullptr);
  expect(full.handle_count == full.quota, "handle quota", "the table is at its quota", Status(-i32(full.handle_count)),
         Status(-i32(full.quota)));
  Handle one = 0, pair[2] = {};
  s = event_create(0, &one);
  expect(s == Status::NoResources, "handle quota", "event_create into a full table", s, Status::NoResources);
  s = vmo_create(kPageSize, 0, &one);
  expect(s == Status::NoResources, "handle quota", "vmo_create into a full table", s, Status::NoResources);
  if (made > 0) handle_close(g_tracked[--made]);
  s = channel_create(0, &pair[0], &pair[1]);
  expect(s == Status::NoResources, "handle quota", "a pair into one free slot (all or nothing)", s, Status::NoResources);
  s = event_create(0, &one);
  expect(s == Status::Ok, "handle quota", "one event into one free slot", s, Status::Ok);
  if (s == Status::Ok) handle_close(one);
  while (made > 0) handle_close(g_tracked[--made]);
  handle_close(event);
  InfoProcessHandles after{};
  object_get_info(self, u32(InfoTopic::ProcessHandles), &after, sizeof after, nullptr, nullptr);
  expect(after.handle_count == before.handle_count, "handle quota", "every slot is free again",
         Status(-i32(after.handle_count)), Status(-i32(before.handle_count)));
  s = channel_create(0, &pair[0], &pair[1]);
  expect(s == Status::Ok, "handle quota", "a pair once there is room", s, Status::Ok);
  if (s == Status::Ok) handle_close(pair[0]), handle_close(pair[1]);
}

alignas(8) u8 g_big[kMaxMessageBytes + 8];

void check_messages() {
  Handle a = 0, b = 0;
  if (channel_create(0, &a, &b) != Status::Ok) return (void)expect(false, "messages", "a channel", Status::Internal, Status::Ok);
  Status s = channel_write(a, 0, g_big, kMaxMessageBytes + 1, nullptr, 0);
  expect(s == Status::OutOfRange, "messages", "one byte over kMaxMessageBytes", s, Status::OutOfRange);
  s = channel_write(a, 0, g_big, ~0u, nullptr, 0);
  expect(s == Status::OutOfRange, "messages", "4 GiB of bytes", s, Status::OutOfRange);
  Handle many[kMaxMessageHandles + 1] = {};
  s = channel_write(a, 0, g_big, 8, many, kMaxMessageHandles + 1);
  expect(s == Status::OutOfRange, "messages", "one handle over kMaxMessageHandles", s, Status::OutOfRange);
  s = channel_write(a, 0, g_big, kMaxMessageBytes, nullptr, 0);
  expect(s == Status::Ok, "messages", "exactly kMaxMessageBytes", s, Status::Ok);
  u32 queued = 1;
  for (; queued < kMaxQueuedMessages; ++queued) {
    s = channel_write(a, 0, g_big, 8, nullptr, 0);
    if (s != Status::Ok) break;
  }
  expect(s == Status::Ok && queued == kMaxQueuedMessages, "messages", "kMaxQueuedMessages fit", s, Status::Ok);
  s = channel_write(a, 0, g_big, 8, nullptr, 0);
  expect(s == Status::ShouldWait, "messages", "one more than kMaxQueuedMessages", s, Status::ShouldWait);
  // Reading one makes room for one.
  MessageSizes sizes{};
  s = channel_read(b, 0, g_big, nullptr, kMaxMessageBytes, 0, &sizes);
  expect(s == Status::Ok && sizes.bytes == kMaxMessageBytes, "messages", "the big one comes back first", s, Status::Ok);
  s = channel_write(a, 0, g_big, 8, nullptr, 0);
  expect(s == Status::Ok, "messages", "room again after a read", s, Status::Ok);
  // A socket: a write that does not fit is short, then ShouldWait.
  Handle x = 0, y = 0;
  if (socket_create(0, &x, &y) == Status::Ok) {
    u64 done = 0, total = 0;
    for (int i = 0; i < 1024; ++i) {
      s = socket_write(x, 0, g_big, kMaxMessageBytes, &done);
      if (s != Status::Ok) break;
      total += done;
    }
    expect(s == Status::ShouldWait && total > 0, "messages", "a full socket", s, Status::ShouldWait);
    handle_close(x), handle_close(y);
  }
  handle_close(a), handle_close(b);  // 129 queued messages die with the channel
}

void check_deadlines() {
  constexpr i64 kQuick = 50'000'000;  // a passed deadline answers at once: well under 50 ms
  Handle event = 0, port = 0, a = 0, b = 0;
  event_create(0, &event), port_create(0, &port), channel_create(0, &a, &b);
  const i64 deadlines[] = {0, -1, now() - 1'000'000, 1};
  for (i64 deadline : deadlines) {
    i64 start = now();
    Signals seen = Signals::None;
    Status s = object_wait_one(event, Signals::Signaled, deadline, &seen);
    expect(s == Status::TimedOut, "deadlines", "object_wait_one", s, Status::TimedOut);
    WaitItem item{event, Signals::Signaled, Signals::None};
    s = object_wait_many(&item, 1, deadline);
    expect(s == Status::TimedOut, "deadlines", "object_wait_many", s, Status::TimedOut);
    s = object_wait_many(nullptr, 0, deadline);
    expect(s == Status::TimedOut, "deadlines", "object_wait_many of nothing", s, Status::TimedOut);
    PortPacket packet{};
    s = port_wait(port, deadline, &packet);
    expect(s == Status::TimedOut, "deadlines", "port_wait", s, Status::TimedOut);
    static u32 word = 5;
    s = futex_wait(&word, 5, deadline);
    expect(s == Status::TimedOut, "deadlines", "futex_wait", s, Status::TimedOut);
    MessageHeader request{};
    ChannelCallArgs args{&request, nullptr, g_big, nullptr, sizeof request, 0, 64, 0};
    MessageSizes sizes{};
    s = channel_call(a, 0, deadline, &args, &sizes);  // nobody answers on b
    expect(s == Status::TimedOut, "deadlines", "channel_call", s, Status::TimedOut);
    s = clock_nanosleep(deadline);
    expect(s == Status::Ok, "deadlines", "clock_nanosleep", s, Status::Ok);
    i64 took = now() - start;
    expect(took < 7 * kQuick, "deadlines", "seven passed deadlines answer at once", Status(i32(-took / 1'000'000)),
           Status::Ok);
  }
  handle_close(event), handle_close(port), handle_close(a), handle_close(b);
}

}  // namespace

extern "C" int main(u64 resource, u64 self, u64 job) {
  bool have_resource = resource != 0 && rights_of(Handle(resource)) != Rights::None;
  auto& of = g_pool.of;
  event_create(0, &of[u32(ObjectType::Event)]);
  eventpair_create(0, &of[u32(ObjectType::EventPair)], &g_pool.peer_of_eventpair);
  channel_create(0, &of[u32(ObjectType::Channel)], &g_pool.peer_of_channel);
  socket_create(0, &of[u32(ObjectType::Socket)], &g_pool.peer_of_socket);
  port_create(0, &of[u32(ObjectType::Port)]);
  timer_create(0, &of[u32(ObjectType::Timer)]);
  vmo_create(kPageSize, 0, &of[u32(ObjectType::Vmo)]);
  // A child job, and in it a process (with its root vmar) and a thread that never starts: the
  // calls under test cannot hurt this program even if the kernel got a rule wrong.
  job_create(Handle(job), 0, &of[u32(ObjectType::Job)]);
  process_create(of[u32(ObjectType::Job)], "target", 6, 0, &of[u32(ObjectType::Process)], &of[u32(ObjectType::Vmar)]);
  thread_create(of[u32(ObjectType::Process)], "target", 6, 0, &of[u32(ObjectType::Thread)]);
  if (have_resource) of[u32(ObjectType::Resource)] = Handle(resource);
  constexpr ObjectType kMade[] = {ObjectType::Event, ObjectType::EventPair, ObjectType::Channel, ObjectType::Socket,
                                  ObjectType::Port,  ObjectType::Timer,     ObjectType::Vmo,     ObjectType::Job,
                                  ObjectType::Process, ObjectType::Vmar,    ObjectType::Thread};
  for (ObjectType t : kMade) {
    Line l;
    l << "an object of type " << object_type_name(t);
    expect(of[u32(t)] != 0, "set-up", l.text, Status::BadHandle, Status::Ok);
  }

  for (const HandleRule& rule : kHandleRules) check_rule(rule, have_resource);
  Line rules;
  rules << "handle_rules: " << i64(kHandleRuleCount) << " rules tried with " << i64(g_checks) << " calls"
        << (have_resource ? "" : " (no resource: Resource rights untested)");
  rules.print();

  check_pointers(kUnmapped, have_resource);
  check_handle_quota_and_recover(Handle(self));
  check_messages();
  check_deadlines();

  Line end;
  if (g_failures == 0) {
    end << "handle_rules: all " << i64(g_checks) << " checks passed";
  } else {
    end << "handle_rules: " << i64(g_failures) << " of " << i64(g_checks) << " checks failed";
  }
  end.print();
  return g_failures;
}
