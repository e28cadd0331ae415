// tests/unit/servers/shell/dash_differential_test.cc: the same scripts through koios-sh (the shell
// core over PosixHost) and through /bin/sh (dash on Debian), each in a fresh empty directory;
// stdout, stderr and the exit status must be identical. If /bin/sh is missing the test says so
// and checks nothing. KOIOS_SH (set by meson.build) is the path of koios-sh.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  std::string out, err;
  int status = -1;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs `shell -c script` in a fresh directory with stdin from /dev/null.
Outcome run_shell(const std::string& shell, const std::string& script) {
  char tmpl[] = "/tmp/koios-sh-diff-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string out = dir + ".out", err = dir + ".err";
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(120);
    int in = open("/dev/null", O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    const char* env[] = {"PATH=/usr/bin:/bin", "HOME=/tmp", "LC_ALL=C", nullptr};
    execle(shell.c_str(), "sh", "-c", script.c_str(), "sh", static_cast<char*>(nullptr), env);
    _exit(121);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  Outcome r;
  r.out = slurp(out);
  r.err = slurp(err);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::string cleanup = "rm -rf '" + dir + "' '" + out + "' '" + err + "'";
  if (system(cleanup.c_str()) != 0) {}
  return r;
}

const std::vector<std::string> kCorpus = {
  // quoting and expansion
  "echo hello 'single  quoted' \"double  $HOME\" back\\ slash",
  "x='a  b'; echo $x \"$x\" '$x' \"'$x'\" '\"$x\"'",
  "echo \"nested $(echo \"inner $(echo 'deep  est')\")\"",
  "echo `echo back quoted` \"`echo in dq`\"",
  "x=file.tar.gz; echo ${x%.*} ${x%%.*} ${x#*.} ${x##*.} ${#x} ${y:-def} ${y-unset} ${x:+set}",
  "set -- a 'b c' d; for a in \"$@\"; do echo \"[$a]\"; done; for a in $*; do echo \"<$a>\"; done; echo \"$*\" $#",
  "IFS=:; x=a:b::c; for f in $x; do echo \"($f)\"; done",
  "echo $((1 + 2 * 3)) $(( (7 - 2) / 2 )) $((7 % 3)) $((-5 + 2)) $((3 > 2)) $((1 == 2 || 3 != 4)) $((0x1f)) $((010))",
  "i=5; echo $((i * i)) $((i += 2)) $i $((i > 6 ? 1 : 0))",
  "echo ~ ~/x",
  "unset nope; echo \"[${nope}]\" \"[${nope:=now}]\" $nope",
  // control flow
  "i=0; while [ $i -lt 100 ]; do i=$((i + 1)); done; echo $i",
  "i=0; until [ $i -ge 3 ]; do echo $i; i=$((i+1)); done",
  "for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done",
  "for a in x y; do for b in 1 2 3; do [ $b = 2 ] && continue 2; echo $a$b; done; done",
  "if false; then echo a; elif true; then echo b; else echo c; fi",
  "for w in apple banana 7 x.c '*' zzz; do case $w in a*) echo A;; b?n*) echo B;; [0-9]) echo D;; *.c|*.h) echo S;; '*') echo star;; *) echo other;; esac; done",
  "f() { echo \"f: $# $1 $2\"; return 4; }; f one 'two three'; echo $?",
  "fact() { if [ $1 -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(($1 - 1))) )); fi; }; fact 12",
  "f() { local v=in; echo $v; }; v=out; f; echo $v",
  "true && echo a || echo b; false && echo c || echo d; ! false && echo e",
  "(exit 7); echo $?; (echo sub; exit 3) ; echo $?",
  "{ echo grouped; echo twice; } | wc -l",
  "set -e; false || true; echo ok; false; echo not",
  "exit 5",
  "return 3; echo x",
  // pathname expansion
  "touch b.c a.c c.h .hid '*lit'; mkdir d e; touch d/x1 d/x2 e/x1; echo *.c; echo ?.h; echo [ab]*; echo [!a]*.c; echo .h*",
  "touch a.c b.c; mkdir d; touch d/x1 d/x2; echo d/*; echo */x1; echo */; echo ./d/x? d/../d/x1; echo \\*.c '*'.c \"*\".c; echo no*match",
  "touch a.c b.c; x='*.c'; echo $x \"$x\"; set -f; echo *.c $x; echo $-; set +f; echo *.c; for f in *.c; do echo \"[$f]\"; done",
  "touch 'sp ace' x; for f in *; do echo \"<$f>\"; done; set -- *; echo $#; echo [x",
  "touch a ']' '!'; echo [ [a [!] []] a[ [a] [!a] [\\]] x[]; [ -f a ] && echo yes",
  // pipelines and redirections
  "echo x | cat | cat",
  "printf 'c\\nb\\na\\n' | sort | head -2",
  "echo hello | tr a-z A-Z | rev",
  "printf 'one\\ntwo\\n' | while read l; do echo \"<$l>\"; done",
  "echo data > f; echo more >> f; cat f; wc -l < f; cat < f | wc -c",
  "ls /nonexistent-dir 2>&1 | sed 's/.*: //' ; echo $?",
  "ls /nonexistent-dir 2>/dev/null; echo $?",
  "x=$(ls /nonexistent-dir 2>&1 >/dev/null | wc -l); echo $x",
  "{ echo out; echo err >&2; } 2>&1 | sort",
  "echo a 1>&2 2>/dev/null",
  "exec 3>f3; echo via3 >&3; exec 3>&-; cat f3",
  "echo 2 | read x; echo \"[$x]\"",
  "false | true; echo $?; true | false; echo $?",
  "cat </dev/null | wc -c",
  "seq 1 2000 | tail -1",
  "yes | head -3",
  // builtins
  "cd /; pwd; cd /usr/bin/..; pwd; cd -; cd /nope; echo $?",
  "export A=1; B=2; env | grep '^[AB]='",
  "C=tmp env | grep '^C='; echo \"[$C]\"",
  "unset PATH; ls; echo $?",
  "test 3 -lt 4 && echo lt; [ abc = abc ] && echo eq; [ -n '' ] || echo empty; [ -d / ] && echo dir; [ -f /nonexistent ] || echo nofile",
  "[ 1 -eq x ]; echo $?",
  "[ a = a; echo $?",
  "echo -n no-newline; echo ' then' 'tab\\there'",
  "printf '%s=%d|%5s|%-4s|%03d|%x\\n' key 42 r l 7 255; printf '%s\\n' a b",
  "eval 'echo evaluated; y=5'; echo $y",
  "shift; echo $?; set -- 1 2 3; shift 2; echo $@",
  "kill -l 9; kill -l 15",
  "sleep 0 & wait $!; echo $?",
  "sh -c 'exit 3' & wait $!; echo $?",
  "type cd",
  // errors
  "nosuchcommand; echo $?",
  "./nosuch; echo $?",
  "/etc; echo $?",
  "cat < missing-file; echo $?",
  "echo x > /nonexistent-dir/f; echo $?",
  "echo $((1/0)); echo after",
  "echo $((1+)); echo after",
  "echo ${nope:?is not set}; echo after",
  "if true; then echo never",
  "echo 'unterminated",
  "echo $(echo unclosed",
  "echo before\nfi\necho after",
  "( ; )",
  "echo ${x",
  "echo `echo x",
  "f() { f; }; f",
  "echo ${u:?}",
  "echo $((0x)); echo $((2 ** 3))",
  "for i in 1 2 3",
  "type nosuch; echo $?; command -v nosuch; echo $?; command -v echo",
  // traps
  "trap 'echo trapped $?' EXIT; echo body; exit 3",
  "trap 'echo t; exit 5' EXIT; true",
  "trap 'echo x' EXIT; trap - EXIT; echo y",
  "trap 'echo t' EXIT; echo $((1/0))",
  // more expansion and quoting
  "echo \"$(echo \"a)b\")\" $(echo ')') $(case a in a) echo yes;; esac)",
  "echo ${x:-\"a b\"} ${x:-'$HOME'} \"${x:-$HOME}\"; set --; echo \"[$@]\" \"[$*]\" \"$@x\"",
  "v=abcdef; echo ${v#a} ${v#*c} ${v%f} ${v%d*} ${v##*[bc]} ${v%%[de]*} \"${v#\"abc\"}\" ${v#'a'*}",
  "set -- 1 2 3 4 5 6 7 8 9 10 11; echo ${10} ${11} $10",
  "x='*'; case abc in $x) echo glob;; esac; case abc in \"$x\") echo no;; *) echo lit;; esac",
  "echo \\$ \\\\ \\\" \\' \"\\$ \\\\ \\\" \\' \\a\"",
  "a=b; b=c; eval echo \\$$a",
  "f() { local x=1; g; }; g() { echo $x; }; x=0; f; echo $x",
  "echo $((10 / 3)) $((-10 / 3)) $((-10 % 3)) $((5 & 3)) $((5 | 3)) $((5 ^ 3)) $((~5)) $((!0))",
  "x=5; echo $((x += 3)) $((x -= 1)) $((x *= 2)) $((x /= 7)) $((x %= 2)) $x",
  // several lines
  "f() {\n  echo \"in f: $1\"\n  [ \"$1\" -gt 0 ] && f $(($1 - 1))\n}\nf 3",
  "x=0\nwhile [ $x -lt 3 ]\ndo\n  x=$((x + 1))\n  case $x in\n    1) echo one ;;\n    2) echo two\n       ;;\n    *) echo many ;;\n  esac\ndone",
  "echo first\nnosuch\necho third $?\ncat < missing\necho fifth",
  "if [ -d /tmp ]; then\n  echo dir\nfi\nfi",
  "x=$(\n  echo multi\n  echo line\n)\necho \"$x\"",
  "set -e\necho start\ntrue && false || true\nif false; then echo x; fi\n(false)\necho never",
  "echo a\\\nb; echo \"c\\\nd\"",
  "s=0; i=0\nwhile [ $i -lt 1000 ]; do s=$((s + i)); i=$((i + 1)); done\necho $s",
  // here-documents
  "cat <<EOF\nhello $HOME\nEOF\necho after",
  "cat <<EOF\nno end",
  "cat <<\"EOF\"\n$HOME \\$x \"q\"\nEOF",
  "cat <<-EOF\n\ttabbed\n\tEOF",
  "cat <<EOF; echo same line\na \\$x \\\"q\\\" `echo bq` $((1+2))\nEOF",
  "x=val; cat <<A; cat <<B\n1 $x\nA\n2 $x\nB",
  "while read l; do echo \"<$l>\"; done <<EOF\none\ntwo\nEOF",
  "cat <<'E' | tr a-z A-Z\nshout $x\nE",
  "read a b <<EOF\nfirst second third\nEOF\necho $b",
};

}  // namespace

TEST_CASE("koios-sh and dash agree on a corpus of scripts", "[shell][differential]") {
  if (access("/bin/sh", X_OK) != 0) {
    WARN("/bin/sh is missing: the dash differential test checks nothing on this machine");
    return;
  }
  const char* env = getenv("KOIOS_SH");
  REQUIRE(env != nullptr);
  char* resolved = realpath(env, nullptr);   // the scripts run in other directories
  REQUIRE(resolved != nullptr);
  std::string ours = resolved;
  free(resolved);
  for (const std::string& script : kCorpus) {
    INFO("script: " << script);
    Outcome want = run_shell("/bin/sh", script);
    Outcome got = run_shell(ours, script);
    CHECK(got.out == want.out);
    CHECK(got.err == want.err);
    CHECK(got.status == want.status);
  }
}
