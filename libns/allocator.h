// libns/allocator.h: where libns gets memory. libns never calls malloc: every object comes from an
// Allocator the server hands in, so a server can bound what its namespaces cost. The kernel-side
// servers use BufferAllocator over a region they own; host tests use HeapAllocator (heap_allocator.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

namespace ns {

// The interface. allocate() returns nullptr when out of memory; libns turns that into ENOMEM.
// Not pure virtual so the freestanding build needs no __cxa_pure_virtual.
class Allocator {
 public:
  virtual void* allocate(size_t size, size_t align) { (void)size; (void)align; return nullptr; }
  virtual void deallocate(void* p, size_t size, size_t align) { (void)p; (void)size; (void)align; }
  // Bytes currently handed out, as the allocator counts them (for budgets and the benchmark).
  size_t bytes_in_use() const { return in_use_; }
  size_t peak_bytes() const { return peak_; }

  template <class T, class... Args>
  T* make(Args&&... args) {
    void* p = allocate(sizeof(T), alignof(T));
    return p ? new (p) T(std::forward<Args>(args)...) : nullptr;
  }
  template <class T>
  void destroy(T* p) {
    if (!p) return;
    p->~T();
    deallocate(p, sizeof(T), alignof(T));
  }

 protected:
  Allocator() = default;
  ~Allocator() = default;
  void count_alloc(size_t n) { in_use_ += n; if (in_use_ > peak_) peak_ = in_use_; }
  void count_free(size_t n) { in_use_ -= n; }

 private:
  size_t in_use_ = 0;
  size_t peak_ = 0;
};

// Size-class allocator over one caller-owned buffer: power-of-two classes from 16 bytes, a free
// list per class, bump allocation for new blocks. Freed blocks are reused only by their own class,
// which keeps it O(1) and simple; a server sizes the buffer as its namespace budget.
// Owned by the server; must outlive every object allocated from it.
class BufferAllocator final : public Allocator {
 public:
  BufferAllocator(void* buffer, size_t size);
  void* allocate(size_t size, size_t align) override;
  void deallocate(void* p, size_t size, size_t align) override;
  size_t capacity() const { return end_ - begin_; }

 private:
  static constexpr size_t kClasses = 40;
  static size_t class_of(size_t size);
  struct FreeBlock { FreeBlock* next; };
  uintptr_t begin_;
  uintptr_t next_;
  uintptr_t end_;
  FreeBlock* free_[kClasses] = {};
};

// Forwards to another allocator and refuses once `limit` bytes are in use: a budget for one server
// or one test. Owned by whoever set the budget.
class LimitAllocator final : public Allocator {
 public:
  LimitAllocator(Allocator& backing, size_t limit) : backing_(backing), limit_(limit) {}
  void* allocate(size_t size, size_t align) override;
  void deallocate(void* p, size_t size, size_t align) override;
  void set_limit(size_t limit) { limit_ = limit; }

 private:
  Allocator& backing_;
  size_t limit_;
};

}  // namespace ns
