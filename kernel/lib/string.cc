// kernel/lib/string.cc: the C memory and string functions the compiler may call on its own.
#include <cstddef>

extern "C" {

// Word at a time when both sides are aligned alike (the common case: structs, pages, buffers),
// bytes for the rest. (Checked: GCC does not turn these loops back into calls to themselves.)
void* memcpy(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (((reinterpret_cast<size_t>(d) ^ reinterpret_cast<size_t>(s)) & 7) == 0) {
    while (n > 0 && (reinterpret_cast<size_t>(d) & 7) != 0) *d++ = *s++, --n;
    for (; n >= 8; n -= 8, d += 8, s += 8) *reinterpret_cast<unsigned long*>(d) = *reinterpret_cast<const unsigned long*>(s);
  }
  while (n > 0) *d++ = *s++, --n;
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);  // no overlap that forward copying breaks
  for (size_t i = n; i > 0; --i) d[i - 1] = s[i - 1];
  return dst;
}

void* memset(void* dst, int value, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  unsigned char byte = static_cast<unsigned char>(value);
  while (n > 0 && (reinterpret_cast<size_t>(d) & 7) != 0) *d++ = byte, --n;
  unsigned long word = 0x0101010101010101ul * byte;
  for (; n >= 8; n -= 8, d += 8) *reinterpret_cast<unsigned long*>(d) = word;
  while (n > 0) *d++ = byte, --n;
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  auto* x = static_cast<const unsigned char*>(a);
  auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i)
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != 0) ++n;
  return n;
}

int strcmp(const char* a, const char* b) {
  while (*a != 0 && *a == *b) ++a, ++b;
  return static_cast<unsigned char>(*a) - static_cast<unsigned char>(*b);
}

int strncmp(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i] || a[i] == 0) return static_cast<unsigned char>(a[i]) - static_cast<unsigned char>(b[i]);
  }
  return 0;
}

}  // extern "C"
