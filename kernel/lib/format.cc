// kernel/lib/format.cc: see format.h. Built for the kernel and for the host's unit tests.
#include "kernel/lib/format.h"

namespace kernel {
namespace {

using koios::u64;
using koios::usize;

struct Sink {
  char* buffer;
  usize size;
  usize length = 0;
  void put(char c) {
    if (length + 1 < size) buffer[length] = c;
    ++length;
  }
  void repeat(char c, int n) {
    for (int i = 0; i < n; ++i) put(c);
  }
};

struct Spec {
  bool left = false, zero = false, plus = false, space = false, alt = false;
  int width = 0;
  int precision = -1;
};

void emit_number(Sink& out, u64 magnitude, bool negative, unsigned base, bool upper, const Spec& spec) {
  char digits[24];
  int n = 0;
  const char* set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    digits[n++] = set[magnitude % base];
    magnitude /= base;
  } while (magnitude != 0);
  const char* prefix = "";
  if (negative) prefix = "-";
  else if (spec.plus) prefix = "+";
  else if (spec.space) prefix = " ";
  if (spec.alt && base == 16) prefix = upper ? "0X" : "0x";
  if (spec.alt && base == 8 && digits[n - 1] != '0') prefix = "0";
  int prefix_len = 0;
  while (prefix[prefix_len] != 0) ++prefix_len;
  int pad = spec.width - n - prefix_len;
  if (!spec.left && !spec.zero) out.repeat(' ', pad);
  for (int i = 0; i < prefix_len; ++i) out.put(prefix[i]);
  if (!spec.left && spec.zero) out.repeat('0', pad);
  while (n > 0) out.put(digits[--n]);
  if (spec.left) out.repeat(' ', pad);
}

}  // namespace

usize vformat(char* buffer, usize size, const char* fmt, va_list args) {
  Sink out{buffer, size};
  for (const char* p = fmt; *p != 0; ++p) {
    if (*p != '%') {
      out.put(*p);
      continue;
    }
    const char* start = p++;
    Spec spec;
    for (;; ++p) {
      if (*p == '-') spec.left = true;
      else if (*p == '0') spec.zero = true;
      else if (*p == '+') spec.plus = true;
      else if (*p == ' ') spec.space = true;
      else if (*p == '#') spec.alt = true;
      else break;
    }
    if (*p == '*') {
      spec.width = va_arg(args, int);
      if (spec.width < 0) spec.left = true, spec.width = -spec.width;
      ++p;
    } else {
      while (*p >= '0' && *p <= '9') spec.width = spec.width * 10 + (*p++ - '0');
    }
    if (*p == '.') {
      ++p;
      spec.precision = 0;
      if (*p == '*') {
        spec.precision = va_arg(args, int);
        ++p;
      } else {
        while (*p >= '0' && *p <= '9') spec.precision = spec.precision * 10 + (*p++ - '0');
      }
    }
    int longs = 0;  // 0 int, 1 long, 2 long long (size_t, ptrdiff_t and intmax_t are 64-bit here)
    bool is_char = false, is_short = false;
    for (;; ++p) {
      if (*p == 'l') ++longs;
      else if (*p == 'z' || *p == 't' || *p == 'j') longs = 2;
      else if (*p == 'h') (is_short ? is_char : is_short) = true;
      else break;
    }
    auto take_signed = [&]() -> koios::i64 {
      if (longs >= 1) return longs == 1 ? va_arg(args, long) : va_arg(args, long long);
      int v = va_arg(args, int);
      if (is_char) return static_cast<signed char>(v);
      if (is_short) return static_cast<short>(v);
      return v;
    };
    auto take_unsigned = [&]() -> u64 {
      if (longs >= 1) return longs == 1 ? va_arg(args, unsigned long) : va_arg(args, unsigned long long);
      unsigned v = va_arg(args, unsigned);
      if (is_char) return static_cast<unsigned char>(v);
      if (is_short) return static_cast<unsigned short>(v);
      return v;
    };
    switch (*p) {
      case 'd':
      case 'i': {
        koios::i64 v = take_signed();
        u64 magnitude = v < 0 ? u64(0) - u64(v) : u64(v);
        emit_number(out, magnitude, v < 0, 10, false, spec);
        break;
      }
      case 'u': emit_number(out, take_unsigned(), false, 10, false, spec); break;
      case 'x': emit_number(out, take_unsigned(), false, 16, false, spec); break;
      case 'X': emit_number(out, take_unsigned(), false, 16, true, spec); break;
      case 'o': emit_number(out, take_unsigned(), false, 8, false, spec); break;
      case 'p': {
        Spec ptr_spec = spec;
        ptr_spec.alt = true;
        emit_number(out, reinterpret_cast<koios::uptr>(va_arg(args, void*)), false, 16, false, ptr_spec);
        break;
      }
      case 'c': {
        char c = static_cast<char>(va_arg(args, int));
        if (!spec.left) out.repeat(' ', spec.width - 1);
        out.put(c);
        if (spec.left) out.repeat(' ', spec.width - 1);
        break;
      }
      case 's': {
        const char* s = va_arg(args, const char*);
        if (s == nullptr) s = "(null)";
        int n = 0;
        while (s[n] != 0 && (spec.precision < 0 || n < spec.precision)) ++n;
        if (!spec.left) out.repeat(' ', spec.width - n);
        for (int i = 0; i < n; ++i) out.put(s[i]);
        if (spec.left) out.repeat(' ', spec.width - n);
        break;
      }
      case '%': out.put('%'); break;
      default:
        // Unknown or truncated conversion: print what we consumed, so the mistake is visible.
        for (const char* q = start; q <= p && *q != 0; ++q) out.put(*q);
        if (*p == 0) --p;
        break;
    }
  }
  if (size > 0) buffer[out.length < size ? out.length : size - 1] = 0;
  return out.length;
}

usize format(char* buffer, usize size, const char* fmt, ...) {
  va_list args;
  va_start(args, fmt);
  usize n = vformat(buffer, size, fmt, args);
  va_end(args);
  return n;
}

}  // namespace kernel
