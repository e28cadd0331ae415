// servers/shell/pattern.h: shell pattern matching (case, ${x#pat} and friends): * ? [...] with
// ranges and ! or ^ negation; a backslash makes the next character literal (the expander escapes
// quoted characters that way). Iterative, no recursion, O(len(pattern) * len(string)).
#pragma once

#include <string_view>

namespace shell {

bool pattern_match(std::string_view pattern, std::string_view s);

}  // namespace shell
