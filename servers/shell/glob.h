// servers/shell/glob.h: pathname expansion (POSIX XCU 2.6.6) of one field. The pattern is in
// pattern_match's form: a quoted character comes backslash-escaped, so only unquoted * ? [ match.
// Directories are listed through the Host; a component without a special character is taken as
// written. A leading '.' in a name must be matched by a literal '.'. Matches come sorted (C locale,
// as dash with LC_ALL=C); none means the caller keeps the word as written.
#pragma once

#include <string_view>

#include "servers/shell/buf.h"
#include "servers/shell/host.h"

namespace shell {

// True when `pattern` has an unescaped * ? or [: only such a field is expanded.
bool glob_has_magic(std::string_view pattern);

// Appends the sorted matches of `pattern` to `out` and answers how many; at most `max_matches`
// (more, in the end or at any directory level on the way: the expansion stops there and answers
// max_matches + 1, so the caller can report it; what it appended then is for the caller to drop).
size_t glob_expand(Host& host, std::string_view pattern, Vec<Str>& out, size_t max_matches);

}  // namespace shell
