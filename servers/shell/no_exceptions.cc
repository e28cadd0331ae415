// servers/shell/no_exceptions.cc (target only): std::string_view::substr reports a position past
// the end by throwing, and the target has no exception runtime. The core never passes such a
// position, so reaching this is a bug: stop the process on the spot, like a failed assertion.
namespace std {

[[noreturn]] void __throw_out_of_range_fmt(const char*, ...) { __builtin_trap(); }

}  // namespace std
