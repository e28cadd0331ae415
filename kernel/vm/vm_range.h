// kernel/vm/vm_range.h: the arithmetic of address ranges that vmar_map and vmar_unmap share, pure
// (no locks, no pages), so the host's unit tests check the statuses it decides. Ranges are
// [base, base + size); lists are singly linked through `next`, sorted by base, never overlapping.
#pragma once

#include "koios/result.h"
#include "koios/types.h"

namespace kernel::vm {

inline constexpr koios::u64 kPage = 4096;

inline bool page_aligned(koios::u64 value) { return value % kPage == 0; }

// A request for [base, base + size) inside [lo, hi): InvalidArgs when size is 0 or either value is
// not page aligned, OutOfRange when it does not fit inside (overflow included).
inline koios::Status check_range(koios::u64 base, koios::u64 size, koios::u64 lo, koios::u64 hi) {
  if (size == 0 || !page_aligned(base) || !page_aligned(size)) return koios::Status::InvalidArgs;
  if (base < lo || base >= hi || size > hi - base) return koios::Status::OutOfRange;
  return koios::Status::Ok;
}

inline bool overlaps(koios::u64 a, koios::u64 a_size, koios::u64 b, koios::u64 b_size) {
  return a < b + b_size && b < a + a_size;
}

// The first node that overlaps [base, base + size), or nullptr.
template <typename Node>
Node* first_overlap(Node* first, koios::u64 base, koios::u64 size) {
  for (Node* n = first; n != nullptr; n = n->next) {
    if (n->base >= base + size) return nullptr;  // sorted: nothing further can overlap
    if (overlaps(n->base, n->size, base, size)) return n;
  }
  return nullptr;
}

// The lowest base >= lo of a free gap of `size` bytes below hi (first fit); NoResources if none.
template <typename Node>
koios::Result<koios::u64> first_fit(const Node* first, koios::u64 size, koios::u64 lo, koios::u64 hi) {
  koios::u64 cursor = lo;
  for (const Node* n = first; n != nullptr; n = n->next) {
    koios::u64 end = n->base + n->size;
    if (end <= cursor) continue;
    if (n->base >= cursor && n->base - cursor >= size) break;
    cursor = end;
  }
  if (cursor >= hi || hi - cursor < size) return koios::Status::NoResources;
  return cursor;
}

// Links `node` into the sorted list at *head (the caller checked it overlaps nothing).
template <typename Node>
void insert_sorted(Node** head, Node* node) {
  Node** link = head;
  while (*link != nullptr && (*link)->base < node->base) link = &(*link)->next;
  node->next = *link;
  *link = node;
}

// What unmapping [base, base + size) does to a node it overlaps.
enum class Cut : koios::u8 { Whole, Head, Tail, Middle };
inline Cut cut_of(koios::u64 node_base, koios::u64 node_size, koios::u64 base, koios::u64 size) {
  bool keeps_head = node_base < base;
  bool keeps_tail = node_base + node_size > base + size;
  if (keeps_head && keeps_tail) return Cut::Middle;
  if (keeps_head) return Cut::Tail;   // the tail goes
  if (keeps_tail) return Cut::Head;   // the head goes
  return Cut::Whole;
}

}  // namespace kernel::vm
