// servers/shell/arith.cc: see arith.h.
#include "servers/shell/arith.h"

#include "servers/shell/parser.h"

namespace shell {

bool parse_number(std::string_view s, int64_t* out) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n')) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) { neg = s[i] == '-'; ++i; }
  if (i >= s.size()) return false;
  uint64_t v = 0;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(s[i] - '0');
  }
  *out = neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  return true;
}

void append_number(Str& s, int64_t v) {
  char buf[24];
  int n = 0;
  uint64_t u = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
  do { buf[n++] = static_cast<char>('0' + u % 10); u /= 10; } while (u);
  if (v < 0) buf[n++] = '-';
  while (n) s.push(buf[--n]);
}

namespace {

constexpr int kMaxDepth = 200;

class Eval {
 public:
  Eval(std::string_view e, ArithVars& v, Str* err) : e_(e), vars_(v), err_(err) {}

  bool run(int64_t* out) {
    int64_t v = ternary(true);
    skip();
    if (!failed_ && pos_ < e_.size()) fail("expecting EOF");
    if (failed_) return false;
    *out = v;
    return true;
  }

 private:
  void skip() { while (pos_ < e_.size() && (e_[pos_] == ' ' || e_[pos_] == '\t' || e_[pos_] == '\n')) ++pos_; }
  bool eat(std::string_view op) {
    skip();
    if (e_.substr(pos_, op.size()) == op) { pos_ += op.size(); return true; }
    return false;
  }
  // Like eat, but refuses when the operator is the prefix of a longer one (e.g. '<' of '<<').
  bool eat_only(std::string_view op, std::string_view not_followed) {
    skip();
    if (e_.substr(pos_, op.size()) != op) return false;
    size_t n = pos_ + op.size();
    if (n < e_.size() && not_followed.find(e_[n]) != std::string_view::npos) return false;
    pos_ = n;
    return true;
  }
  void fail(const char* what) {
    if (failed_) return;
    failed_ = true;
    err_->clear();
    err_->append("arithmetic expression: ");
    err_->append(what);
    err_->append(": \"");
    err_->append(e_);
    err_->append("\"");
  }
  void fail_number(std::string_view s) {
    if (failed_) return;
    failed_ = true;
    err_->clear();
    err_->append("Illegal number: ");
    err_->append(s);
  }

  // `eval` false: parse only (the unevaluated side of && || ?:), so 0 && 1/0 is fine.
  int64_t ternary(bool eval) {
    if (++depth_ > kMaxDepth) { fail("nested too deeply"); return 0; }
    int64_t c = logor(eval);
    if (eat("?")) {
      int64_t a = ternary(eval && c);
      if (!eat(":")) fail("expecting ':'");
      int64_t b = ternary(eval && !c);
      c = c ? a : b;
    }
    --depth_;
    return c;
  }
  int64_t logor(bool eval) {
    int64_t v = logand(eval);
    while (eat("||")) { int64_t r = logand(eval && !v); v = v || r; }
    return v;
  }
  int64_t logand(bool eval) {
    int64_t v = bitor_(eval);
    while (eat("&&")) { int64_t r = bitor_(eval && v); v = v && r; }
    return v;
  }
  int64_t bitor_(bool eval) {
    int64_t v = bitxor(eval);
    while (eat_only("|", "|=")) v |= bitxor(eval);
    return v;
  }
  int64_t bitxor(bool eval) {
    int64_t v = bitand_(eval);
    while (eat_only("^", "=")) v ^= bitand_(eval);
    return v;
  }
  int64_t bitand_(bool eval) {
    int64_t v = equality(eval);
    while (eat_only("&", "&=")) v &= equality(eval);
    return v;
  }
  int64_t equality(bool eval) {
    int64_t v = relational(eval);
    for (;;) {
      if (eat("==")) v = v == relational(eval);
      else if (eat("!=")) v = v != relational(eval);
      else return v;
    }
  }
  int64_t relational(bool eval) {
    int64_t v = shift(eval);
    for (;;) {
      if (eat("<=")) v = v <= shift(eval);
      else if (eat(">=")) v = v >= shift(eval);
      else if (eat_only("<", "<")) v = v < shift(eval);
      else if (eat_only(">", ">")) v = v > shift(eval);
      else return v;
    }
  }
  int64_t shift(bool eval) {
    int64_t v = additive(eval);
    for (;;) {
      if (eat_only("<<", "=")) v = static_cast<int64_t>(static_cast<uint64_t>(v) << (additive(eval) & 63));
      else if (eat_only(">>", "=")) v = v >> (additive(eval) & 63);
      else return v;
    }
  }
  int64_t additive(bool eval) {
    int64_t v = multiplicative(eval);
    for (;;) {
      if (eat_only("+", "+=")) v = static_cast<int64_t>(static_cast<uint64_t>(v) + static_cast<uint64_t>(multiplicative(eval)));
      else if (eat_only("-", "-=")) v = static_cast<int64_t>(static_cast<uint64_t>(v) - static_cast<uint64_t>(multiplicative(eval)));
      else return v;
    }
  }
  int64_t divide(int64_t a, int64_t b, bool mod, bool eval) {
    if (!eval) return 0;
    if (b == 0) { fail("division by zero"); return 0; }
    if (b == -1) return mod ? 0 : static_cast<int64_t>(0 - static_cast<uint64_t>(a));
    return mod ? a % b : a / b;
  }
  int64_t multiplicative(bool eval) {
    int64_t v = unary(eval);
    for (;;) {
      if (eat_only("*", "=")) v = static_cast<int64_t>(static_cast<uint64_t>(v) * static_cast<uint64_t>(unary(eval)));
      else if (eat_only("/", "=")) v = divide(v, unary(eval), false, eval);
      else if (eat_only("%", "=")) v = divide(v, unary(eval), true, eval);
      else return v;
    }
  }
  int64_t unary(bool eval) {
    if (++depth_ > kMaxDepth) { fail("nested too deeply"); return 0; }
    int64_t v;
    if (eat_only("-", "-=")) v = static_cast<int64_t>(0 - static_cast<uint64_t>(unary(eval)));
    else if (eat_only("+", "+=")) v = unary(eval);
    else if (eat_only("!", "=")) v = !unary(eval);
    else if (eat("~")) v = ~unary(eval);
    else v = primary(eval);
    --depth_;
    return v;
  }
  int64_t variable(std::string_view name, bool eval) {
    if (!eval) return 0;
    const Str* s = vars_.get(name);
    if (!s || s->empty()) return 0;
    int64_t v;
    if (!parse_number(s->view(), &v)) { fail_number(s->view()); return 0; }
    return v;
  }
  int64_t primary(bool eval) {
    skip();
    if (failed_) return 0;
    if (pos_ >= e_.size()) { fail("expecting primary"); return 0; }
    char c = e_[pos_];
    if (c == '(') {
      ++pos_;
      int64_t v = ternary(eval);
      if (!eat(")")) fail("expecting ')'");
      return v;
    }
    if (c >= '0' && c <= '9') {
      size_t start = pos_;
      int base = 10;
      if (c == '0' && pos_ + 1 < e_.size() && (e_[pos_ + 1] == 'x' || e_[pos_ + 1] == 'X')) {
        base = 16;
        pos_ += 2;
        if (pos_ >= e_.size() || !((e_[pos_] >= '0' && e_[pos_] <= '9') || (e_[pos_] >= 'a' && e_[pos_] <= 'f') ||
                                   (e_[pos_] >= 'A' && e_[pos_] <= 'F'))) {
          fail("expecting EOF");   // "0x" alone, as dash says
          return 0;
        }
      } else if (c == '0') {
        base = 8;
      }
      uint64_t v = 0;
      while (pos_ < e_.size()) {
        char d = e_[pos_];
        int dv;
        if (d >= '0' && d <= '9') dv = d - '0';
        else if (d >= 'a' && d <= 'z') dv = d - 'a' + 10;
        else if (d >= 'A' && d <= 'Z') dv = d - 'A' + 10;
        else if (d == '_') dv = 99;
        else break;
        if (dv >= base) { fail_number(e_.substr(start, pos_ + 1 - start)); return 0; }
        v = v * static_cast<uint64_t>(base) + static_cast<uint64_t>(dv);
        ++pos_;
      }
      return static_cast<int64_t>(v);
    }
    if (c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
      size_t start = pos_;
      while (pos_ < e_.size() && (e_[pos_] == '_' || (e_[pos_] >= 'a' && e_[pos_] <= 'z') ||
                                  (e_[pos_] >= 'A' && e_[pos_] <= 'Z') || (e_[pos_] >= '0' && e_[pos_] <= '9')))
        ++pos_;
      std::string_view name = e_.substr(start, pos_ - start);
      // Assignment operators.
      static constexpr std::string_view kOps[] = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=",
                                                  "&=", "^=", "|="};
      skip();
      for (std::string_view op : kOps) {
        if (e_.substr(pos_, op.size()) != op) continue;
        if (op == "=" && pos_ + 1 < e_.size() && e_[pos_ + 1] == '=') break;   // '=='
        pos_ += op.size();
        int64_t rhs = ternary(eval);
        if (!eval || failed_) return 0;
        int64_t cur = op == "=" ? 0 : variable(name, eval);
        int64_t v = rhs;
        if (op == "+=") v = static_cast<int64_t>(static_cast<uint64_t>(cur) + static_cast<uint64_t>(rhs));
        else if (op == "-=") v = static_cast<int64_t>(static_cast<uint64_t>(cur) - static_cast<uint64_t>(rhs));
        else if (op == "*=") v = static_cast<int64_t>(static_cast<uint64_t>(cur) * static_cast<uint64_t>(rhs));
        else if (op == "/=") v = divide(cur, rhs, false, eval);
        else if (op == "%=") v = divide(cur, rhs, true, eval);
        else if (op == "<<=") v = static_cast<int64_t>(static_cast<uint64_t>(cur) << (rhs & 63));
        else if (op == ">>=") v = cur >> (rhs & 63);
        else if (op == "&=") v = cur & rhs;
        else if (op == "^=") v = cur ^ rhs;
        else if (op == "|=") v = cur | rhs;
        if (failed_) return 0;
        Str s;
        append_number(s, v);
        vars_.set(name, s.view());
        return v;
      }
      return variable(name, eval);
    }
    fail("expecting primary");
    return 0;
  }

  std::string_view e_;
  ArithVars& vars_;
  Str* err_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
};

}  // namespace

bool arith_eval(std::string_view expr, ArithVars& vars, int64_t* out, Str* error) {
  Eval e(expr, vars, error);
  return e.run(out);
}

}  // namespace shell
