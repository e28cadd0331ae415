// platform/riscv64/fdt.cc: a bounds-checked reader of flattened device trees (DTSpec v0.3, version
// 16/17). It walks the structure block once and keeps only what BootInfo needs. Every read is
// checked against `available`, so a truncated or corrupt blob yields a message, never a fault.
#include "koios/types.h"
#include "platform/boot_info.h"

namespace platform {
namespace {

using koios::Result;
using koios::Status;
using koios::u32;
using koios::u64;
using koios::u8;
using koios::usize;

constexpr u32 kMagic = 0xd00dfeed;
constexpr u32 kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;
constexpr u32 kMaxDepth = 16;
constexpr u32 kMaxPhandles = 32;

u32 be32(const u8* p) { return u32(p[0]) << 24 | u32(p[1]) << 16 | u32(p[2]) << 8 | u32(p[3]); }

usize str_len(const char* s, usize max) {
  usize n = 0;
  while (n < max && s[n] != 0) ++n;
  return n;
}
bool str_eq(const char* a, usize a_len, const char* b) {
  usize i = 0;
  for (; i < a_len && b[i] != 0; ++i)
    if (a[i] != b[i]) return false;
  return i == a_len && b[i] == 0;
}
// A property value that is a list of NUL-terminated strings contains `want`.
bool stringlist_has(const u8* value, u32 len, const char* want) {
  u32 i = 0;
  while (i < len) {
    const char* s = reinterpret_cast<const char*>(value + i);
    usize n = str_len(s, len - i);
    if (str_eq(s, n, want)) return true;
    i += u32(n) + 1;
  }
  return false;
}
// Reads `cells` big-endian cells (1 or 2) as one number.
u64 read_cells(const u8* p, u32 cells) {
  u64 v = 0;
  for (u32 i = 0; i < cells; ++i) v = (v << 32) | be32(p + 4 * i);
  return v;
}

// What we learned about one node while walking it; consumed at its END_NODE.
struct NodeState {
  const char* name;
  usize name_len;
  u32 address_cells = 2;  // for this node's children (DTSpec defaults)
  u32 size_cells = 1;
  bool is_memory = false, is_cpu = false, is_uart = false, is_plic = false, is_test = false;
  bool disabled = false, is_intc = false;
  const u8* reg = nullptr;
  u32 reg_len = 0;
  u64 cpu_reg = ~0ull;
  u32 phandle = 0;
  u32 interrupts = 0;
  bool has_interrupts = false;
  const u8* irq_ext = nullptr;
  u32 irq_ext_len = 0;
  u32 ndev = 0;
  bool in_reserved_memory = false;
};

struct Parser {
  const u8* blob;
  u32 struct_off, struct_size, strings_off, strings_size;
  BootInfo info{};
  // Harts' interrupt-controller phandles, so the PLIC's interrupts-extended can be mapped to harts.
  u32 intc_phandle[kMaxPhandles];
  u64 intc_hart[kMaxPhandles];
  u32 intc_count = 0;
  const u8* plic_ext = nullptr;
  u32 plic_ext_len = 0;
  bool saw_cpus_timebase = false;
  const char* why = nullptr;

  Status fail(const char* message) {
    why = message;
    return Status::BadFormat;
  }

  void add_range(MemoryRange* ranges, u32* count, u32 max, u64 base, u64 size) {
    if (size == 0 || *count >= max) return;
    ranges[(*count)++] = MemoryRange{base, size};
  }

  // Handles the reg of a memory-like node using its parent's cell sizes.
  void take_reg_ranges(const NodeState& node, const NodeState& parent, MemoryRange* ranges,
                       u32* count, u32 max) {
    u32 entry = 4 * (parent.address_cells + parent.size_cells);
    if (entry == 0 || parent.address_cells > 2 || parent.size_cells > 2) return;
    for (u32 off = 0; off + entry <= node.reg_len; off += entry) {
      u64 base = read_cells(node.reg + off, parent.address_cells);
      u64 size = read_cells(node.reg + off + 4 * parent.address_cells, parent.size_cells);
      add_range(ranges, count, max, base, size);
    }
  }

  u64 first_reg_address(const NodeState& node, const NodeState& parent, u64* size_out) {
    u32 ac = parent.address_cells, sc = parent.size_cells;
    if (ac == 0 || ac > 2 || sc > 2 || node.reg_len < 4 * (ac + sc)) return 0;
    if (size_out) *size_out = read_cells(node.reg + 4 * ac, sc);
    return read_cells(node.reg, ac);
  }

  Status end_node(NodeState& node, NodeState* parent, u32 depth) {
    if (parent == nullptr) return Status::Ok;
    if (node.disabled) return Status::Ok;
    if (node.is_memory && node.reg != nullptr)
      take_reg_ranges(node, *parent, info.memory, &info.memory_count, kMaxMemoryRanges);
    if (node.in_reserved_memory && node.reg != nullptr && depth == 2)
      take_reg_ranges(node, *parent, info.reserved, &info.reserved_count, kMaxReservedRanges);
    if (node.is_intc && parent->is_cpu && !parent->disabled && node.phandle != 0 &&
        intc_count < kMaxPhandles && parent->cpu_reg != ~0ull) {
      intc_phandle[intc_count] = node.phandle;
      intc_hart[intc_count] = parent->cpu_reg;
      ++intc_count;
    }
    if (node.is_cpu) {
      if (node.reg == nullptr || parent->address_cells == 0 || parent->address_cells > 2 ||
          node.reg_len < 4 * parent->address_cells)
        return fail("device tree: a cpu node has no usable reg (hart id)");
      if (info.cpu_count < kMaxCpus)
        info.hart_ids[info.cpu_count++] = node.cpu_reg;
      else
        ++info.cpus_ignored;
    }
    if (node.is_uart && info.uart_base == 0) {
      info.uart_base = first_reg_address(node, *parent, nullptr);
      info.uart_irq = node.has_interrupts ? node.interrupts : 0;
    }
    if (node.is_plic && info.plic_base == 0) {
      info.plic_base = first_reg_address(node, *parent, &info.plic_size);
      info.plic_ndev = node.ndev;
      plic_ext = node.irq_ext;
      plic_ext_len = node.irq_ext_len;
    }
    if (node.is_test && info.test_device_base == 0)
      info.test_device_base = first_reg_address(node, *parent, nullptr);
    return Status::Ok;
  }

  Status prop(NodeState& node, NodeState* parent, u32 depth, const char* name, usize name_len,
              const u8* value, u32 len) {
    auto is = [&](const char* want) { return str_eq(name, name_len, want); };
    if (is("#address-cells") && len == 4) node.address_cells = be32(value);
    else if (is("#size-cells") && len == 4) node.size_cells = be32(value);
    else if (is("device_type")) {
      if (stringlist_has(value, len, "memory")) node.is_memory = true;
      if (stringlist_has(value, len, "cpu")) node.is_cpu = true;
    } else if (is("compatible")) {
      if (stringlist_has(value, len, "ns16550a") || stringlist_has(value, len, "ns16550"))
        node.is_uart = true;
      if (stringlist_has(value, len, "riscv,plic0") || stringlist_has(value, len, "sifive,plic-1.0.0"))
        node.is_plic = true;
      if (stringlist_has(value, len, "sifive,test0")) node.is_test = true;
      if (stringlist_has(value, len, "riscv,cpu-intc")) node.is_intc = true;
    } else if (is("status")) {
      if (!stringlist_has(value, len, "okay") && !stringlist_has(value, len, "ok")) node.disabled = true;
    } else if (is("reg")) {
      node.reg = value;
      node.reg_len = len;
      if (parent != nullptr && parent->address_cells >= 1 && parent->address_cells <= 2 &&
          len >= 4 * parent->address_cells)
        node.cpu_reg = read_cells(value, parent->address_cells);
    } else if (is("phandle") && len == 4) node.phandle = be32(value);
    else if (is("interrupts") && len >= 4) {
      node.interrupts = be32(value);
      node.has_interrupts = true;
    } else if (is("interrupts-extended")) {
      node.irq_ext = value;
      node.irq_ext_len = len;
    } else if (is("riscv,ndev") && len == 4) node.ndev = be32(value);
    else if (is("timebase-frequency") && depth == 1 && (len == 4 || len == 8) && parent != nullptr &&
             str_eq(node.name, node.name_len, "cpus")) {
      info.timebase_hz = read_cells(value, len / 4);
      saw_cpus_timebase = true;
    } else if (is("bootargs") && depth == 1 && str_eq(node.name, node.name_len, "chosen")) {
      usize n = str_len(reinterpret_cast<const char*>(value), len);
      if (n >= kMaxBootargs) n = kMaxBootargs - 1;
      for (usize i = 0; i < n; ++i) info.bootargs[i] = char(value[i]);
      info.bootargs[n] = 0;
    }
    return Status::Ok;
  }

  Status walk() {
    NodeState stack[kMaxDepth];
    u32 depth = 0;  // number of open nodes
    u32 off = struct_off;
    const u32 end = struct_off + struct_size;
    bool finished = false;
    while (!finished) {
      if (off + 4 > end) return fail("device tree: structure block ends without FDT_END");
      u32 token = be32(blob + off);
      off += 4;
      switch (token) {
        case kBeginNode: {
          const char* name = reinterpret_cast<const char*>(blob + off);
          usize n = str_len(name, end - off);
          if (off + n >= end) return fail("device tree: unterminated node name");
          if (depth >= kMaxDepth) return fail("device tree: nodes nested too deeply");
          NodeState& node = stack[depth];
          node = NodeState{};
          node.name = name;
          // "memory@80000000" names the node "memory" with a unit address.
          usize base_len = 0;
          while (base_len < n && name[base_len] != '@') ++base_len;
          node.name_len = base_len;
          if (depth >= 1) {
            node.in_reserved_memory = stack[depth - 1].in_reserved_memory ||
                                      (depth == 1 && str_eq(name, base_len, "reserved-memory"));
          }
          ++depth;
          off = (off + u32(n) + 1 + 3) & ~3u;
          break;
        }
        case kEndNode: {
          if (depth == 0) return fail("device tree: unbalanced end of node");
          --depth;
          NodeState* parent = depth > 0 ? &stack[depth - 1] : nullptr;
          if (Status s = end_node(stack[depth], parent, depth); s != Status::Ok) return s;
          break;
        }
        case kProp: {
          if (off + 8 > end) return fail("device tree: truncated property header");
          u32 len = be32(blob + off);
          u32 name_off = be32(blob + off + 4);
          off += 8;
          if (len > end - off) return fail("device tree: property value runs past the structure block");
          if (name_off >= strings_size) return fail("device tree: property name outside the strings block");
          if (depth == 0) return fail("device tree: property outside any node");
          const char* pname = reinterpret_cast<const char*>(blob + strings_off + name_off);
          usize pn = str_len(pname, strings_size - name_off);
          if (name_off + pn >= strings_size) return fail("device tree: unterminated property name");
          NodeState* parent = depth > 1 ? &stack[depth - 2] : nullptr;
          // Properties of the root node apply to depth-1 children through stack[0].
          if (Status s = prop(stack[depth - 1], parent, depth - 1, pname, pn, blob + off, len);
              s != Status::Ok)
            return s;
          off = (off + len + 3) & ~3u;
          break;
        }
        case kNop:
          break;
        case kEnd:
          finished = true;
          break;
        default:
          return fail("device tree: unknown structure token");
      }
    }
    if (depth != 0) return fail("device tree: FDT_END inside a node");
    return Status::Ok;
  }

  void map_plic_contexts() {
    for (u32 c = 0; c < kMaxCpus; ++c) info.plic_s_context[c] = ~0u;
    // interrupts-extended: pairs <intc-phandle irq>; the pair's index is the PLIC context.
    // Irq 9 is supervisor external, 11 machine external.
    for (u32 i = 0; plic_ext != nullptr && 8 * i + 8 <= plic_ext_len; ++i) {
      u32 ph = be32(plic_ext + 8 * i);
      u32 irq = be32(plic_ext + 8 * i + 4);
      if (irq != 9) continue;
      for (u32 k = 0; k < intc_count; ++k) {
        if (intc_phandle[k] != ph) continue;
        for (u32 c = 0; c < info.cpu_count; ++c)
          if (info.hart_ids[c] == intc_hart[k]) info.plic_s_context[c] = i;
      }
    }
  }
};

}  // namespace

Result<BootInfo> parse_device_tree(const void* blob_ptr, usize available, const char** why) {
  static const char* unused;
  if (why == nullptr) why = &unused;
  *why = nullptr;
  auto fail = [&](const char* message) -> Result<BootInfo> {
    *why = message;
    return Status::BadFormat;
  };
  const u8* blob = static_cast<const u8*>(blob_ptr);
  if (blob == nullptr || (reinterpret_cast<koios::uptr>(blob) & 3) != 0)
    return fail("device tree: no blob, or a misaligned pointer to it");
  if (available < 40) return fail("device tree: blob shorter than its header");
  if (be32(blob) != kMagic) return fail("device tree: bad magic (not a flattened device tree)");
  u32 total = be32(blob + 4);
  if (total > available) return fail("device tree: truncated blob (totalsize exceeds the bytes available)");
  if (total < 40) return fail("device tree: totalsize smaller than its header");
  u32 version = be32(blob + 20), last_compat = be32(blob + 24);
  if (version < 16 && last_compat > 17) return fail("device tree: unsupported version");
  Parser p{};
  p.blob = blob;
  p.struct_off = be32(blob + 8);
  p.strings_off = be32(blob + 12);
  u32 rsv_off = be32(blob + 16);
  p.strings_size = be32(blob + 32);
  p.struct_size = be32(blob + 36);
  if (p.struct_off > total || p.struct_size > total - p.struct_off || (p.struct_off & 3) != 0)
    return fail("device tree: structure block outside the blob");
  if (p.strings_off > total || p.strings_size > total - p.strings_off)
    return fail("device tree: strings block outside the blob");
  if (rsv_off > total || (rsv_off & 7) != 0) return fail("device tree: memory reservation block outside the blob");
  // /memreserve/ entries: (address, size) pairs ending with a zero pair.
  for (u32 off = rsv_off;; off += 16) {
    if (off + 16 > total) return fail("device tree: unterminated memory reservation block");
    u64 base = u64(be32(blob + off)) << 32 | be32(blob + off + 4);
    u64 size = u64(be32(blob + off + 8)) << 32 | be32(blob + off + 12);
    if (base == 0 && size == 0) break;
    p.add_range(p.info.reserved, &p.info.reserved_count, kMaxReservedRanges, base, size);
  }
  if (p.walk() != Status::Ok) return fail(p.why);
  if (p.info.memory_count == 0) return fail("device tree: no memory node (device_type = \"memory\")");
  if (p.info.cpu_count == 0) return fail("device tree: no enabled cpu under /cpus");
  if (!p.saw_cpus_timebase || p.info.timebase_hz == 0)
    return fail("device tree: /cpus has no timebase-frequency");
  // The UART's interrupt becomes a PLIC register offset: refuse what the PLIC cannot have
  // (sources 1..1023, and no more than it says it has).
  if (p.info.uart_irq != 0) {
    koios::u32 limit = p.info.plic_ndev != 0 && p.info.plic_ndev < 1023 ? p.info.plic_ndev : 1023;
    if (p.info.uart_irq > limit) return fail("device tree: the UART's interrupt is beyond the PLIC's sources");
  }
  p.map_plic_contexts();
  p.info.dtb_base = reinterpret_cast<koios::uptr>(blob);
  p.info.dtb_size = total;
  return p.info;
}

}  // namespace platform
