// servers/shell/buf.cc: the out-of-line parts of Str (see buf.h).
#include "servers/shell/buf.h"

namespace shell {

bool Str::reserve(size_t n) {
  if (n + 1 <= cap_) return true;
  size_t c = cap_ ? cap_ : 16;
  while (c < n + 1) c *= 2;
  char* np = static_cast<char*>(realloc(p_, c));
  if (!np) { oom() = true; return false; }
  p_ = np;
  cap_ = c;
  return true;
}

void Str::append(const char* s, size_t n) {
  if (n == 0 || !reserve(n_ + n)) return;
  memmove(p_ + n_, s, n);
  n_ += n;
  p_[n_] = 0;
}

}  // namespace shell
