// kernel/object/process.h: a user process: an address space, a handle table and how it ended.
// Created by the kernel (spawn from the boot filesystem; process_create later, FIXME(#4)); its
// threads hold references, so it lives while a thread or a handle names it. When its last thread
// exits it closes every handle it holds and asserts Terminated for good.
#pragma once

#include "kernel/object/handle_table.h"
#include "kernel/object/object.h"
#include "kernel/vm/user_aspace.h"

namespace kernel {

class Process final : public KernelObject {
 public:
  static constexpr koios::ObjectType kType = koios::ObjectType::Process;
  static constexpr koios::Rights kDefaultRights = koios::kRightsBasic | koios::Rights::Manage;
  static constexpr koios::usize kNameMax = 32;

  // NoMemory when the address space or the handle table cannot be had.
  static koios::Result<RefPtr<Process>> create(const char* name);
  Process(RefPtr<UserAspace> space, const char* name);  // use create()
  ~Process() override;

  const char* name() const { return name_; }
  UserAspace& aspace() { return *aspace_; }
  // For the root Vmar (Vmar::create_root), which shares the space; the process destroys it
  // when it dies, and a Vmar that outlives it answers BadState.
  const RefPtr<UserAspace>& aspace_ref() const { return aspace_; }
  HandleTable& handles() { return handles_; }
  // Ends the process: closes its handles, records the code, asserts Terminated. Idempotent.
  void exit(koios::i64 return_code);
  bool exited() const;
  koios::i64 return_code() const;

 private:
  RefPtr<UserAspace> aspace_;
  HandleTable handles_;
  char name_[kNameMax] = {};
  bool exited_ = false;
  koios::i64 return_code_ = 0;
};

}  // namespace kernel
