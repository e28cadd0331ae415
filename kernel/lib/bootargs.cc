// kernel/lib/bootargs.cc
#include "kernel/lib/bootargs.h"

namespace kernel {
namespace {

// Calls visit(key, key_len, value, value_len) for each word; value is null for a bare word.
template <typename Visit>
bool each_word(const char* line, Visit visit) {
  const char* p = line;
  while (p != nullptr && *p != 0) {
    while (*p == ' ' || *p == '\t') ++p;
    if (*p == 0) break;
    const char* key = p;
    while (*p != 0 && *p != ' ' && *p != '\t' && *p != '=') ++p;
    koios::usize key_len = koios::usize(p - key);
    const char* value = nullptr;
    koios::usize value_len = 0;
    if (*p == '=') {
      value = ++p;
      while (*p != 0 && *p != ' ' && *p != '\t') ++p;
      value_len = koios::usize(p - value);
    }
    if (visit(key, key_len, value, value_len)) return true;
  }
  return false;
}

bool equals(const char* s, koios::usize len, const char* want) {
  koios::usize i = 0;
  for (; i < len; ++i)
    if (want[i] == 0 || want[i] != s[i]) return false;
  return want[len] == 0;
}

}  // namespace

bool BootArgs::get(const char* key, char* out, koios::usize out_size) const {
  return each_word(line_, [&](const char* k, koios::usize kl, const char* v, koios::usize vl) {
    if (v == nullptr || !equals(k, kl, key) || vl + 1 > out_size) return false;
    for (koios::usize i = 0; i < vl; ++i) out[i] = v[i];
    out[vl] = 0;
    return true;
  });
}

bool BootArgs::has(const char* key, const char* value) const {
  return each_word(line_, [&](const char* k, koios::usize kl, const char* v, koios::usize vl) {
    if (!equals(k, kl, key)) return false;
    if (value == nullptr) return v == nullptr;
    return v != nullptr && equals(v, vl, value);
  });
}

}  // namespace kernel
