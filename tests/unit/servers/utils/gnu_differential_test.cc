// tests/unit/servers/utils/gnu_differential_test.cc: the utilities of servers/utils, built for the
// host, next to the host's GNU coreutils and grep: each command line runs through bash twice in a
// fresh directory holding the same few files, once with our programs first on PATH, once with
// GNU's; stdout, stderr, the exit status and the directory tree afterwards must be identical.
// UTILS_DIR (set by meson.build) holds our programs as utils-NAME. Without GNU tools on the host
// the test says so and checks nothing. Not compared: ls -l's dates (the file service has no times,
// so ours are always the epoch), and env (it runs programs through pidsrv).
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

const char* const kPrograms[] = {"cat", "cp", "echo", "grep", "head", "ls", "mkdir", "mv",
                                 "printf", "rm", "rmdir", "sleep", "tail", "touch", "wc"};

struct Outcome {
  std::string out, err, tree;
  int status = -1;
};

std::string slurp(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string capture(const std::string& command) {
  std::string out;
  if (FILE* p = popen(command.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

// A directory with symbolic links NAME -> UTILS_DIR/utils-NAME, to put first on PATH.
std::string our_bin() {
  static std::string dir;
  if (!dir.empty()) return dir;
  char tmpl[] = "/tmp/koios-utils-bin-XXXXXX";
  dir = mkdtemp(tmpl);
  const char* utils = getenv("UTILS_DIR");
  REQUIRE(utils != nullptr);
  for (const char* name : kPrograms) {
    std::string target = std::string(utils) + "/utils-" + name, link = dir + "/" + name;
    REQUIRE(symlink(target.c_str(), link.c_str()) == 0);
  }
  return dir;
}

// Runs `bash -c script` in a fresh directory: f (text, last line without a newline), g (12 lines),
// empty, d/e (directories); stdin is g's text.
Outcome run(const std::string& path, const std::string& script) {
  char tmpl[] = "/tmp/koios-utils-diff-XXXXXX";
  std::string dir = mkdtemp(tmpl);
  std::string setup = "cd '" + dir + "' && printf 'hello\\nworld\\nfoo bar\\n\\nlast' > f && "
                      "printf 'a\\nb\\nc\\nd\\ne\\nf\\ng\\nh\\ni\\nj\\nk\\nl\\n' > g && : > empty && mkdir -p d/e";
  REQUIRE(system(setup.c_str()) == 0);
  std::string out = dir + ".out", err = dir + ".err";
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(dir.c_str()) != 0) _exit(120);
    int in = open((dir + "/g").c_str(), O_RDONLY);
    int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    std::string path_var = "PATH=" + path;
    // Our programs leave their memory to exit, as GNU's do: no leak reports.
    const char* env[] = {path_var.c_str(), "HOME=/tmp", "LC_ALL=C", "ASAN_OPTIONS=detect_leaks=0", nullptr};
    execle("/bin/bash", "bash", "-c", script.c_str(), static_cast<char*>(nullptr), env);
    _exit(121);
  }
  int st = 0;
  waitpid(pid, &st, 0);
  Outcome r;
  r.out = slurp(out);
  r.err = slurp(err);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  r.tree = capture("cd '" + dir + "' && find . -printf '%y %s %p\\n' | LC_ALL=C sort");
  std::string cleanup = "rm -rf '" + dir + "' '" + out + "' '" + err + "'";
  if (system(cleanup.c_str()) != 0) {}
  return r;
}

bool have_gnu() {
  return capture("ls --version 2>/dev/null").find("GNU coreutils") != std::string::npos &&
         capture("grep --version 2>/dev/null").find("GNU grep") != std::string::npos &&
         access("/bin/bash", X_OK) == 0;
}

const std::vector<std::string> kCorpus = {
  // ls
  "ls", "ls -a", "ls -A", "ls -1 d f", "ls -d d f", "ls f nope d; echo $?", "ls -z", "ls --bogus",
  "ls -a d/e", "ls -d", "ls d f nope", "ls -ld d | cut -c1-10", "ls -R", "ls -R d f", "ls -r",
  "ls -ra", "ls -Rr", "ls -R . d", "ls -aR d", "mkdir -p d/e/g d/h; touch d/e/z; ls -R d", "ls -r f g d",
  // mkdir, rmdir
  "mkdir x/y", "mkdir -p x/y/z", "mkdir d", "mkdir -p d", "mkdir -p f/x", "mkdir", "mkdir -z",
  "rmdir d", "rmdir d/e d", "rmdir nope", "rmdir -p d/e",
  // rm
  "rm f g", "rm nope", "rm -f nope", "rm d", "rm -r d", "rm -rf d nope", "rm", "rm -f", "rm -r .",
  "rm -d d/e", "rm -d d",
  // cp, mv, touch
  "cp f h", "cp f", "cp", "cp nope x", "cp d x", "cp -r d x", "cp f g d", "cp f g empty", "cp f f",
  "cp f nodir/x", "cp -r d nonexist/x", "cp -r d e2", "mv f h", "mv f d", "mv d d/e", "mv nope x",
  "mv f f", "mv f g x", "mv d e3", "mv d/e .", "touch f new", "touch nodir/x", "touch -c zz",
  // head, tail
  "head f", "head -n 2 f g", "head -3 g", "head -n -3 g", "head -c 5 f", "head -n x f", "head nope f",
  "head", "head -v f", "head -q f g", "head -n 3 < g", "tail f", "tail -n 3 g", "tail -n +3 g",
  "tail -3 g", "tail -c 4 f", "tail f g", "tail nope", "tail -n 0 g", "tail", "tail -v -n1 f",
  "tail -n 1 < g",
  // wc, cat
  "wc f", "wc f g empty", "wc -l f", "wc -w f g", "wc -c f", "wc nope f", "wc", "wc -l", "wc < f",
  "cat f | wc -l", "cat -n f g", "cat f nope g", "cat d", "cat < f", "cat - f < g",
  // grep
  "grep o f", "grep -n o f g", "grep -c o f g", "grep -v o f", "grep -i HELLO f", "grep -q hello f",
  "grep zz f", "grep -F 'o b' f", "grep '^h.*o$' f", "grep 'l\\+' f", "grep '[[:digit:]]' f",
  "grep 'a\\' f", "grep '[x' f", "grep", "grep o nope f", "grep -e hello -e last f", "grep -l o f g",
  "grep '' empty", "grep -x hello f", "grep -xF hello f", "grep -ic O f g", "grep -vn o f",
  "grep -h o f g", "grep -H o f", "grep -s o nope", "grep -q o nope f", "grep -e '' f",
  "grep 'a*a*a*a*a*a*a*a*b' f", "grep hello < f", "grep -c hello - f < f", "grep '[^a-k]' g",
  "grep 'w.r' f", "grep 'o$' f", "grep '\\.' f", "printf 'ab\\nx\\n' > p; grep -f p f g",
  "grep -f nope f", "grep -f empty f", "grep d", "grep 'hel\\|bar' f", "grep -c '^a\\|l$\\|^$' g f",
  "grep 'x\\|' f", "grep -x 'a\\|b' g", "grep -i 'A\\|B' g",
  "grep -E 'l+o|bar$' f", "grep -E 'wor?ld|^$' f", "grep -cE 'a|b|c' g", "grep -E 'l\\+' f", "grep -E '[' f",
  "grep -E -x 'a|b' g", "grep -Ev 'o|a' f g",
  "printf 'a\\0b\\nabc\\n' > b; grep a b; grep -c a b; grep -n zz b; grep -q a b; echo $?; grep -l a b f",
  // echo, printf, sleep
  "echo -n a b; echo", "echo -e 'a\\tb\\c' ignored", "echo -E 'a\\tb'", "echo -nx y", "echo -- -n",
  "echo -e '\\x41\\0102'", "printf '%s-%s\\n' a b c", "printf '%d %i %x %o %X %u\\n' 10 -3 255 8 255 7",
  "printf '%5.2f|%-5s|%05d\\n' 3.14159 ab 42", "printf '%c%c\\n' hello world", "printf '%b\\n' 'a\\tb\\0101'",
  "printf 'x\\n' extra", "printf '%d\\n' abc", "printf '%d\\n' 12abc", "printf", "printf '%z\\n'",
  "printf '\\x41\\102\\n'", "printf '%s\\n'", "printf \"%d\\n\" \"'A\"", "printf '%5s|%-5d|\\n' ab 3",
  "printf '%%\\n'", "printf '%.3s\\n' abcdef", "printf '%*d\\n' 5 42", "printf '%e\\n' 12345.678",
  "printf '%g\\n' 0.0001", "printf '%*d|%-*d|%.*f|\\n' -3 1 4 2 -1 2.5", "printf '%*d\\n' 99999999999 1",
  "printf '%.*d\\n' 99999999999 1", "printf '%5000d|\\n' 1 | wc -c", "sleep", "sleep x", "sleep 0.1", "sleep -1", "sleep 0.05 0.05s",
};

}  // namespace

TEST_CASE("the utilities answer as GNU coreutils and GNU grep do", "[utils][differential]") {
  if (!have_gnu()) {
    WARN("GNU coreutils, GNU grep or bash is missing: nothing compared");
    return;
  }
  std::string ours = our_bin() + ":/usr/bin:/bin", gnu = "/usr/bin:/bin";
  for (const std::string& script : kCorpus) {
    INFO("script: " << script);
    Outcome a = run(gnu, script), b = run(ours, script);
    CHECK(b.out == a.out);
    CHECK(b.err == a.err);
    CHECK(b.status == a.status);
    CHECK(b.tree == a.tree);
  }
}
