// servers/shell/buf.h: the shell core's own string and array. They use malloc/realloc/free (which
// picolibc provides) and never throw: a failed allocation leaves the container as it was and sets
// oom(), which the interpreter checks between commands. std::string/std::vector are avoided
// because the target has no exception runtime.
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <new>
#include <string_view>
#include <utility>

namespace shell {

// Set by any failed allocation in the shell core; the interpreter reports and clears it.
bool& oom();

// A growable byte string, always NUL-terminated (c_str() is valid even when empty).
class Str {
 public:
  Str() = default;
  Str(const char* s, size_t n) { append(s, n); }
  Str(std::string_view s) { append(s.data(), s.size()); }  // NOLINT: implicit on purpose
  Str(const Str& o) { append(o.p_, o.n_); }
  Str(Str&& o) : p_(o.p_), n_(o.n_), cap_(o.cap_) { o.p_ = nullptr; o.n_ = o.cap_ = 0; }
  Str& operator=(const Str& o) {
    if (this != &o) { clear(); append(o.p_, o.n_); }
    return *this;
  }
  Str& operator=(Str&& o) {
    if (this != &o) {
      free(p_);
      p_ = o.p_; n_ = o.n_; cap_ = o.cap_;
      o.p_ = nullptr; o.n_ = o.cap_ = 0;
    }
    return *this;
  }
  ~Str() { free(p_); }

  // Out of line: inlined, GCC's -Wstringop-overflow misreads the realloc'd buffer's size.
  bool reserve(size_t n);
  void append(const char* s, size_t n);
  void append(std::string_view s) { append(s.data(), s.size()); }
  void push(char c) { append(&c, 1); }
  void clear() { n_ = 0; if (p_) p_[0] = 0; }
  void truncate(size_t n) { if (n < n_) { n_ = n; p_[n_] = 0; } }
  void erase(size_t pos, size_t count) {
    if (pos >= n_) return;
    if (count > n_ - pos) count = n_ - pos;
    memmove(p_ + pos, p_ + pos + count, n_ - pos - count);
    n_ -= count;
    p_[n_] = 0;
  }
  void insert(size_t pos, const char* s, size_t n) {
    if (pos > n_ || !reserve(n_ + n)) return;
    memmove(p_ + pos + n, p_ + pos, n_ - pos);
    memcpy(p_ + pos, s, n);
    n_ += n;
    p_[n_] = 0;
  }
  const char* c_str() const { return p_ ? p_ : ""; }
  const char* data() const { return c_str(); }
  char* mut_data() { return p_; }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  char operator[](size_t i) const { return p_[i]; }
  char back() const { return p_[n_ - 1]; }
  std::string_view view() const { return {c_str(), n_}; }
  bool operator==(std::string_view s) const { return view() == s; }

 private:
  char* p_ = nullptr;
  size_t n_ = 0;
  size_t cap_ = 0;
};

// A growable array of movable T. push_back reports failure (and sets oom()) instead of throwing.
template <class T>
class Vec {
 public:
  Vec() = default;
  Vec(const Vec& o) { for (const T& v : o) push_back(T(v)); }
  Vec(Vec&& o) : p_(o.p_), n_(o.n_), cap_(o.cap_) { o.p_ = nullptr; o.n_ = o.cap_ = 0; }
  Vec& operator=(const Vec& o) {
    if (this != &o) { clear(); for (const T& v : o) push_back(T(v)); }
    return *this;
  }
  Vec& operator=(Vec&& o) {
    if (this != &o) {
      clear(); free(p_);
      p_ = o.p_; n_ = o.n_; cap_ = o.cap_;
      o.p_ = nullptr; o.n_ = o.cap_ = 0;
    }
    return *this;
  }
  ~Vec() { clear(); free(p_); }

  bool push_back(T v) {
    if (n_ == cap_) {
      size_t c = cap_ ? cap_ * 2 : 4;
      T* np = static_cast<T*>(malloc(c * sizeof(T)));
      if (!np) { oom() = true; return false; }
      for (size_t i = 0; i < n_; ++i) { new (&np[i]) T(std::move(p_[i])); p_[i].~T(); }
      free(p_);
      p_ = np;
      cap_ = c;
    }
    new (&p_[n_++]) T(std::move(v));
    return true;
  }
  void pop_back() { p_[--n_].~T(); }
  void erase_at(size_t i) {
    for (size_t j = i; j + 1 < n_; ++j) p_[j] = std::move(p_[j + 1]);
    pop_back();
  }
  void clear() { while (n_) pop_back(); }
  size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T& operator[](size_t i) { return p_[i]; }
  const T& operator[](size_t i) const { return p_[i]; }
  T& back() { return p_[n_ - 1]; }
  T* begin() { return p_; }
  T* end() { return p_ + n_; }
  const T* begin() const { return p_; }
  const T* end() const { return p_ + n_; }

 private:
  T* p_ = nullptr;
  size_t n_ = 0;
  size_t cap_ = 0;
};

}  // namespace shell
