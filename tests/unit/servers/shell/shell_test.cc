// tests/unit/servers/shell/shell_test.cc: the interpreter over a FakeHost: every language feature
// of issue 7, exit statuses, error messages, and the bounds on recursion and memory.
#include <catch2/catch.hpp>

#include "tests/unit/servers/shell/fake_host.h"

using shell_test::FakeHost;
using shell_test::run;
using shell_test::run_with;

TEST_CASE("quoting: single, double, backslash, nested", "[shell]") {
  auto r = run("x='a  b'; echo 'it''s' \"x=$x\" '$x' \\$x a\\ \\ b \"q\\\"uote\" \"it's\" 'say \"hi\"'");
  CHECK(r.out == "its x=a  b $x $x a  b q\"uote it's say \"hi\"\n");
  CHECK(r.status == 0);
}

TEST_CASE("unquoted expansions are split on IFS, quoted ones are not", "[shell]") {
  auto r = run("x='a  b   c'; args $x; args \"$x\"; IFS=:; y=1:2::3; args $y; args \"\" ''");
  CHECK(r.out == "<a><b><c>\n<a  b   c>\n<1><2><><3>\n<><>\n");
}

TEST_CASE("parameter expansion forms", "[shell]") {
  auto r = run("unset u; e=; v=val; f=file.tar.gz\n"
               "echo ${u:-d1} ${e:-d2} ${e-d3}x ${v:+alt} ${u+alt}x ${#v}\n"
               "echo ${u:=set} $u\n"
               "echo ${f%.*} ${f%%.*} ${f#*.} ${f##*.}\n"
               "echo ${v}ue \"${u:-\"q w\"}\"");
  CHECK(r.out == "d1 d2 x alt x 3\nset set\nfile.tar file tar.gz gz\nvalue set\n");
}

TEST_CASE("${x:?} reports and ends the script with status 2", "[shell]") {
  auto r = run("echo ${nope:?is missing}; echo after");
  CHECK(r.out == "");
  CHECK(r.err == "sh: 1: nope: is missing\n");
  CHECK(r.status == 2);
}

TEST_CASE("special parameters $? $$ $# $@ $* $0 $1 $! $PPID", "[shell]") {
  FakeHost h;
  auto r = run_with(h, "false; echo $?; echo $$ $PPID; set -- a 'b c' d; echo $# $1 $2 $3\n"
                       "args \"$@\"; args $@; args \"$*\"; echo $0; sleep 1 & echo $!");
  CHECK(r.out == "1\n77 1\n3 a b c d\n<a><b c><d>\n<a><b><c><d>\n<a b c d>\nsh\n103\n");
}

TEST_CASE("command substitution, nested and inside double quotes", "[shell]") {
  auto r = run("echo \"[$(echo a   b)]\" [$(echo a   b)] $(echo $(echo nested)) `echo back`\n"
               "x=$(printf 'l1\\nl2\\n\\n\\n'); echo \"$x\"");
  CHECK(r.out == "[a b] [a b] nested back\nl1\nl2\n");
}

TEST_CASE("command substitution runs in a subshell", "[shell]") {
  auto r = run("x=1; y=$(x=2; echo $x); echo $x $y; z=$(exit 3); echo $?");
  CHECK(r.out == "1 2\n3\n");
}

TEST_CASE("arithmetic expansion", "[shell]") {
  auto r = run("x=7; echo $((1 + 2 * 3)) $(( (1 + 2) * 3 )) $((x / 2)) $((x % 4)) $((-x)) "
               "$((x > 5)) $((x <= 5)) $((x == 7 && 1)) $((0 || 0)) $((x ? 10 : 20)) $((y += 5)) $y "
               "$((0x10 + 010)) $((1 << 4))");
  CHECK(r.out == "7 9 3 3 -7 1 0 1 0 10 5 5 24 16\n");
}

TEST_CASE("arithmetic errors are dash's and end the script", "[shell]") {
  auto r = run("echo $((1/0)); echo after");
  CHECK(r.err == "sh: 1: arithmetic expression: division by zero: \"1/0\"\n");
  CHECK(r.status == 2);
  r = run("echo $((1+))");
  CHECK(r.err == "sh: 1: arithmetic expression: expecting primary: \"1+\"\n");
  r = run("x=abc; echo $((x+1))");
  CHECK(r.err == "sh: 1: Illegal number: abc\n");
}

TEST_CASE("; && || and ! combine statuses", "[shell]") {
  auto r = run("true && echo a; false && echo b; false || echo c; true || echo d\n"
               "false && echo e || echo f; ! true; echo $?; ! false; echo $?");
  CHECK(r.out == "a\nc\nf\n1\n0\n");
}

TEST_CASE("a pipeline of three commands", "[shell]") {
  auto r = run("echo hello | upper | cat; echo x | cat | cat | lines");
  CHECK(r.out == "HELLO\n1\n");
}

TEST_CASE("a pipeline's status is its last command's; builtins and loops can be stages", "[shell]") {
  auto r = run("status 3 | status 0; echo $?; status 0 | status 4; echo $?\n"
               "printf 'a\\nb\\n' | while read l; do echo \"<$l>\"; done | upper");
  CHECK(r.out == "0\n4\n<A>\n<B>\n");
}

TEST_CASE("pipeline stages do not change the shell's variables", "[shell]") {
  auto r = run("x=1; echo 2 | read x; echo $x; x=5 | cat; echo $x");
  CHECK(r.out == "1\n1\n");
}

TEST_CASE("redirections: > >> < 2>&1 N>file", "[shell]") {
  FakeHost h;
  h.files["/in"] = "from file\n";
  auto r = run_with(h, "echo one > /f; echo two >> /f; cat < /in; both > /o 2>&1; both 2>/e; "
                       "echo to-err 1>&2; cat /f");
  CHECK(h.files["/o"] == "out\nerr\n");
  CHECK(h.files["/e"] == "err\n");
  CHECK(r.out == "from file\nout\none\ntwo\n");
  CHECK(r.err == "to-err\n");
  CHECK(h.open_fds() == 3);   // everything the redirections opened is closed again
}

TEST_CASE("2>&1 inside command substitution captures both", "[shell]") {
  auto r = run("x=$(both 2>&1); echo \"$x\"");
  CHECK(r.out == "out\nerr\n");
}

TEST_CASE("redirection errors", "[shell]") {
  auto r = run("cat < /missing; echo $?; echo x > /nodir/f; echo $?");
  CHECK(r.err == "sh: 1: cannot open /missing: No such file\nsh: 1: cannot create /nodir/f: Directory nonexistent\n");
  CHECK(r.out == "2\n2\n");
}

TEST_CASE("if/elif/else", "[shell]") {
  auto r = run("for v in 1 2 3; do if [ $v = 1 ]; then echo one; elif [ $v = 2 ]; then echo two; "
               "else echo other; fi; done");
  CHECK(r.out == "one\ntwo\nother\n");
}

TEST_CASE("a while loop of 100 iterations, until, break and continue", "[shell]") {
  auto r = run("i=0; while [ $i -lt 100 ]; do i=$((i + 1)); done; echo $i\n"
               "until [ $i -eq 0 ]; do i=$((i - 10)); done; echo $i\n"
               "for a in 1 2 3 4 5; do [ $a = 2 ] && continue; [ $a = 4 ] && break; echo $a; done\n"
               "for a in 1 2; do for b in 1 2; do [ $b = 2 ] && continue 2; echo $a$b; done; done\n"
               "for a in 1 2; do for b in 1 2; do break 2; done; done; echo $a$b");
  CHECK(r.out == "100\n0\n1\n3\n11\n21\n11\n");
}

TEST_CASE("case with glob patterns, classes and alternatives", "[shell]") {
  auto r = run("for w in apple banana cherry 7 x.c '*' ''; do case $w in\n"
               "  a*) echo A;; b?n*) echo B;; [0-9]) echo digit;; *.c|*.h) echo src;; '*') echo star;;\n"
               "  \"\") echo empty;; *) echo other;; esac; done");
  CHECK(r.out == "A\nB\nother\ndigit\nsrc\nstar\nempty\n");
}

TEST_CASE("functions take positional arguments and return statuses", "[shell]") {
  auto r = run("greet() { echo \"hi $1, $# args: $*\"; return 5; }\n"
               "greet bob x y; echo $?; echo \"$1\"\n"
               "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }\n"
               "fact 10\n"
               "loc() { local v=inner; echo $v; }; v=outer; loc; echo $v");
  CHECK(r.out == "hi bob, 3 args: bob x y\n5\n\n3628800\ninner\nouter\n");
}

TEST_CASE("exit, return outside a function, and exit in a subshell", "[shell]") {
  CHECK(run("exit 3; echo no").status == 3);
  CHECK(run("(exit 4); echo $?").out == "4\n");
  CHECK(run("false; exit").status == 1);
  CHECK(run("exit 300").status == 44);
}

TEST_CASE("export and unset reach the environment of programs", "[shell]") {
  FakeHost h;
  auto r = run_with(h, "X=1; printenv X; echo $?; export X; printenv X; Y=tmp printenv Y; echo \"[$Y]\"\n"
                       "export Z=zz; printenv Z; unset Z; printenv Z; echo $?");
  CHECK(r.out == "1\n1\ntmp\n[]\nzz\n1\n");
}

TEST_CASE("cd and pwd go through the host and keep PWD and OLDPWD", "[shell]") {
  FakeHost h;
  auto r = run_with(h, "cd /tmp; pwd; cd ..; pwd; cd /home/../tmp/.; pwd; echo $PWD $OLDPWD; cd -; "
                       "cd /nope; echo $?; (cd /tmp); pwd; cd; pwd");
  CHECK(r.out == "/tmp\n/\n/tmp\n/tmp /\n/\n2\n/\n/home\n");
  CHECK(r.err == "sh: 1: cd: can't cd to /nope\n");
  CHECK(h.cwd == "/home");
}

TEST_CASE("programs get the shell's cwd, argv and fds", "[shell]") {
  FakeHost h;
  run_with(h, "cd /tmp; args a 'b c' > /tmp/o");
  REQUIRE(h.spawned.size() == 1);
  CHECK(h.spawned[0].cwd == "/tmp");
  CHECK(h.spawned[0].argv == std::vector<std::string>{"args", "a", "b c"});
  CHECK(h.spawned[0].fds.size() == 3);
  CHECK(h.files["/tmp/o"] == "<a><b c>\n");
}

TEST_CASE("test and [: strings, integers, files", "[shell]") {
  FakeHost h;
  h.files["/file"] = "x";
  h.files["/empty"] = "";
  auto r = run_with(h, "t() { \"$@\"; echo -n $?; }\n"
                       "t [ a = a ]; t [ a != a ]; t [ -n x ]; t [ -z x ]; t [ x ]; t [ '' ]; t test 3 -lt 4\n"
                       "t [ 3 -ge 4 ]; t [ -e /file ]; t [ -f /file ]; t [ -d /file ]; t [ -d /tmp ]; t [ -e /no ]\n"
                       "t [ -s /empty ]; t [ ! -e /no ]; t [ a = a -a b = c ]; t [ a = a -o b = c ]; t [ 1 -eq a ]\n"
                       "t [ a = a; echo");
  CHECK(r.out == "0101010" "100101" "10102" "2\n");
  // The line of the command that ran: `"$@"` in t, on line 1.
  CHECK(r.err == "sh: 1: [: Illegal number: a\nsh: 1: [: missing ]\n");
}

TEST_CASE("echo and printf", "[shell]") {
  auto r = run("echo -n a; echo b 'c\\td'; echo 'x\\cy'; printf '%s-%d|%5s|%-3s|%03d|%x\\n' s 42 r l 7 255; "
               "printf '%s\\n' a b c");
  CHECK(r.out == "ab c\td\nx" "s-42|    r|l  |007|ff\na\nb\nc\n");
}

TEST_CASE("read splits a line into variables", "[shell]") {
  FakeHost h;
  h.set_stdin("one two three four\nsecond\n");
  auto r = run_with(h, "read a b rest; echo \"$a|$b|$rest\"; read x; echo $x; read y; echo $?");
  CHECK(r.out == "one|two|three four\nsecond\n1\n");
}

TEST_CASE("background jobs, $! and wait", "[shell]") {
  FakeHost h;
  auto r = run_with(h, "status 3 & p=$!; wait $p; echo $?; echo x & wait; echo $?; status 2 | status 5 & wait $!; echo $?");
  CHECK(r.out == "3\nx\n0\n5\n");
}

TEST_CASE("kill and kill -l go through the host", "[shell]") {
  FakeHost h;
  auto r = run_with(h, "kill 10; kill -9 11; kill -INT 12; kill -s TERM 13; kill -l 9; kill 4242; echo $?");
  CHECK(h.kills == std::vector<std::pair<int, int>>{{10, 15}, {11, 9}, {12, 2}, {13, 15}, {4242, 15}});
  CHECK(r.out == "KILL\n1\n");
  CHECK(r.err == "sh: 1: kill: 4242: No such process\n");
}

TEST_CASE("unknown commands: not found, status 127, and the script goes on", "[shell]") {
  auto r = run("nosuch arg; echo $?; /bin/nope; echo $?; /tmp; echo $?");
  CHECK(r.err == "sh: 1: nosuch: not found\nsh: 1: /bin/nope: not found\nsh: 1: /tmp: Permission denied\n");
  CHECK(r.out == "127\n127\n126\n");
}

TEST_CASE("syntax errors report the line and end a script with status 2", "[shell]") {
  auto r = run("echo before\nif true; then\necho x\n");
  CHECK(r.out == "before\n");
  CHECK(r.err == "sh: 4: Syntax error: end of file unexpected (expecting \"fi\")\n");
  CHECK(r.status == 2);
  r = run("echo a\necho b; fi\necho c");
  CHECK(r.out == "a\n");
  CHECK(r.err == "sh: 2: Syntax error: \"fi\" unexpected\n");
}

TEST_CASE("set -e stops at the first failing command", "[shell]") {
  auto r = run("set -e; true; false || echo handled; if false; then :; fi; ! true; echo still; status 3; echo no");
  CHECK(r.out == "handled\nstill\n");
  CHECK(r.status == 3);
}

TEST_CASE("eval and . run text as commands", "[shell]") {
  FakeHost h;
  h.files["/lib.sh"] = "libvar=42\nlibf() { echo from lib $1; }\n";
  auto r = run_with(h, "cmd='echo evaluated; x=9'; eval \"$cmd\"; echo $x; . /lib.sh; libf $libvar");
  CHECK(r.out == "evaluated\n9\nfrom lib 42\n");
}

TEST_CASE("recursion is bounded: 10,000-deep functions stop with dash's message", "[shell]") {
  shell::Limits limits;
  limits.max_call_depth = 200;   // the default (1000) is dash's; keep the test's stack small
  auto r = run("f() { f; }; f; echo after", limits);
  CHECK(r.err == "sh: 1: Maximum function recursion depth (200) reached\n");
  CHECK(r.status == 2);
  r = run("n=0; f() { n=$((n+1)); [ $n -lt 10000 ] && f; }; f; echo $n", limits);
  CHECK(r.status == 2);
}

TEST_CASE("nested command substitutions and evals are bounded", "[shell]") {
  auto r = run("f() { echo $(f); }; f");
  CHECK(r.err.find("nesting too deep") != std::string::npos);
  r = run("e='eval \"$e\"'; eval \"$e\"");
  CHECK(r.err.find("nesting too deep") != std::string::npos);
}

TEST_CASE("captured output is bounded", "[shell]") {
  shell::Limits limits;
  limits.max_capture = 1000;
  auto r = run("x=$(i=0; while [ $i -lt 500 ]; do echo 0123456789; i=$((i+1)); done); echo ${#x}", limits);
  CHECK(r.out == "1000\n");
}

TEST_CASE("a script of 1,000 lines runs to the end", "[shell]") {
  std::string script;
  for (int i = 0; i < 1000; ++i) script += "echo line" + std::to_string(i) + "\n";
  auto r = run(script);
  CHECK(r.out.size() > 0);
  CHECK(r.out.substr(r.out.size() - 8) == "line999\n");
  size_t lines = 0;
  for (char c : r.out) lines += c == '\n';
  CHECK(lines == 1000);
}

TEST_CASE("line-at-a-time input waits for the end of a compound command", "[shell]") {
  FakeHost h;
  shell::Shell sh(h);
  CHECK(sh.feed_line("echo start\n"));
  CHECK_FALSE(sh.feed_line("if true; then\n"));
  CHECK_FALSE(sh.feed_line("  echo inside\n"));
  CHECK(h.out() == "start\n");
  CHECK(sh.feed_line("fi\n"));
  CHECK(h.out() == "start\ninside\n");
  CHECK_FALSE(sh.feed_line("echo 'open\n"));
  CHECK(sh.feed_line("close'\n"));
  CHECK(h.out() == "start\ninside\nopen\nclose\n");
  CHECK(sh.prompt(false).view() == "$ ");
  CHECK(sh.prompt(true).view() == "> ");
  SECTION("an error does not end an interactive shell, exit does") {
    sh.set_interactive(true);
    sh.feed_line("echo $((1/0))\n");
    CHECK_FALSE(sh.exited());
    sh.feed_line("nosuch\n");
    CHECK(sh.status() == 127);
    sh.feed_line("exit 7\n");
    CHECK(sh.exited());
    CHECK(sh.status() == 7);
  }
  SECTION("end of input inside a command is a syntax error") {
    CHECK_FALSE(sh.feed_line("while true\n"));
    CHECK(sh.finish() == 2);
    CHECK(h.err() == "sh: 8: Syntax error: end of file unexpected (expecting \"do\")\n");
  }
}

TEST_CASE("an interrupt from the host stops loops", "[shell]") {
  FakeHost h;
  h.interrupt = true;
  auto r = run_with(h, "while true; do :; done; echo $?");
  CHECK(r.out == "");
}

TEST_CASE("a 100 KB line and hostile input never crash the interpreter", "[shell]") {
  std::string big = "echo";
  for (int i = 0; i < 20000; ++i) big += " w";
  auto r = run(big);
  CHECK(r.out.size() == 40000);
  CHECK(run("echo \"unterminated").status == 2);
  CHECK(run("echo $(").status == 2);
  CHECK(run("if").status == 2);
  CHECK(run(std::string(5000, '(') + std::string(5000, ')')).status == 2);
  CHECK(run("echo ${").status == 2);
  CHECK(run("echo ${x!}").status == 2);
  CHECK(run("echo $((((((((((((((((((1").status == 2);
  CHECK(run("cat <<").status == 2);
  CHECK(run("cat <<EOF").status == 0);
}

TEST_CASE("here-documents: expanded, quoted, tab-stripped, several on a line", "[shell]") {
  auto r = run("x=val\ncat <<EOF\n$x \"q\" \\$x $(echo sub)\nEOF\ncat <<'RAW'; cat <<-T\n$x\nRAW\n\t\ttabs $x\n\tT\necho end");
  CHECK(r.out == "val \"q\" $x sub\n$x\ntabs val\nend\n");
}

TEST_CASE("line-at-a-time input waits for the end of a here-document", "[shell]") {
  FakeHost h;
  shell::Shell sh(h);
  CHECK_FALSE(sh.feed_line("cat <<EOF\n"));
  CHECK_FALSE(sh.feed_line("body\n"));
  CHECK(h.spawned.empty());
  CHECK(sh.feed_line("EOF\n"));
}

TEST_CASE("with max_stack set, deep recursion stops with out of stack, not a crash", "[shell]") {
  shell::Limits limits;
  limits.max_stack = 64 * 1024;
  auto r = run("n=0; g() { n=$((n + 1)); g; }; g", limits);
  CHECK(r.err == "sh: 1: out of stack\n");
  CHECK(r.status == 2);
  r = run("n=0; g() { n=$((n + 1)); g; }; (g); echo still $((n < 1000))", limits);
  CHECK(r.out == "still 1\n");
}

TEST_CASE("pathname expansion: * ? [...], sorted, hidden names, quoting, no match, set -f", "[shell][glob]") {
  FakeHost h;
  h.cwd = "/tmp";
  for (const char* f : {"/tmp/b.c", "/tmp/a.c", "/tmp/c.h", "/tmp/.hidden", "/tmp/d/x1", "/tmp/d/x2", "/tmp/*lit"})
    h.files[f] = "";
  h.dirs_.insert("/tmp/d");
  auto r = run_with(h, "echo *.c; echo ?.h; echo [ab]*; echo [!a]*.c; echo .h*; echo d/*; echo */x2; echo /tmp/d/x?\n"
                       "echo '*'.c \"*.c\" \\*.c; echo nomatch*; x='*.c'; echo $x \"$x\"; echo *lit; echo \\**\n"
                       "set -f; echo *.c; echo $-; set +f; echo *.h; echo */");
  CHECK(r.out == "a.c b.c\nc.h\na.c b.c\nb.c\n.hidden\nd/x1 d/x2\nd/x2\n/tmp/d/x1 /tmp/d/x2\n"
                 "*.c *.c *.c\nnomatch*\na.c b.c *.c\n*lit\n*lit\n"
                 "*.c\nf\nc.h\nd/\n");
  CHECK(r.status == 0);
}

TEST_CASE("pathname expansion is bounded: too many matches is an error, not a flood", "[shell][glob]") {
  FakeHost h;
  for (int i = 0; i < 50; ++i) h.files["/tmp/f" + std::to_string(i)] = "";
  shell::Limits limits;
  limits.max_glob = 20;
  h.cwd = "/tmp";
  auto r = run_with(h, "echo f*; echo after", limits);
  CHECK(r.out.find("f0") == std::string::npos);
  CHECK(r.err.find("too many pathname matches") != std::string::npos);
  CHECK(r.status != 0);
}

TEST_CASE("pathname expansion: too many directories on the way is the error too, never a partial list", "[shell][glob]") {
  // 30 directories match a*, one holds x. Every level is bounded by max_glob; a level that runs
  // over must not silently drop the a9 that holds the match (the word came back unexpanded).
  auto tree = [](FakeHost& h) {
    h.cwd = "/tmp";
    for (int i = 0; i < 30; ++i) h.dirs_.insert("/tmp/a" + std::to_string(i));
    h.files["/tmp/a9/x"] = "";
  };
  FakeHost h;
  tree(h);
  shell::Limits limits;
  limits.max_glob = 20;
  auto r = run_with(h, "echo before; echo a*/x; echo after", limits);
  CHECK(r.out == "before\n");
  CHECK(r.err.find("too many pathname matches") != std::string::npos);
  CHECK(r.status != 0);
  FakeHost roomy;
  tree(roomy);
  limits.max_glob = 40;
  r = run_with(roomy, "echo a*/x", limits);
  CHECK(r.out == "a9/x\n");
}

TEST_CASE("a '[' without its ']' is an ordinary word: no directory is listed for the test builtin", "[shell][glob]") {
  FakeHost h;
  h.cwd = "/tmp";
  h.files["/tmp/a"] = "";
  auto r = run_with(h, "[ 1 -lt 2 ] && echo yes; echo [ [a [!] []] a[; echo [a]");
  CHECK(r.out == "yes\n[ [a [!] []] a[\na\n");
  CHECK(h.listed_dirs == 2);   // only for []] (a bracket holding "]") and [a]
}
