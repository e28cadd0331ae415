// servers/shell/posix_main.cc: `koios-sh` for the host build: the shell core over PosixHost, with
// dash's command line (sh -c CMD [ARG0 [ARG...]], sh FILE [ARG...], sh < input). The differential
// tests run it next to /bin/sh; it is also handy for trying the shell by hand.
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include "servers/shell/posix_host.h"
#include "servers/shell/shell.h"

extern char** environ;

int main(int argc, char** argv) {
  signal(SIGPIPE, SIG_IGN);
  shell::PosixHost host;
  shell::Shell sh(host);
  sh.import_environment(environ);
  char cwd[4096];
  if (getcwd(cwd, sizeof cwd)) sh.set_cwd(cwd);
  if (argc >= 3 && std::string_view(argv[1]) == "-c") {
    if (argc >= 4) {
      sh.set_arg0(argv[3]);
      sh.set_positional(argc - 4, argv + 4);
    }
    return sh.run_script(argv[2]);
  }
  if (argc >= 2) {
    FILE* f = fopen(argv[1], "r");
    if (!f) {
      fprintf(stderr, "sh: 0: cannot open %s: No such file\n", argv[1]);
      return 2;
    }
    shell::Str src;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) src.append(buf, n);
    fclose(f);
    sh.set_arg0(argv[1]);
    sh.set_positional(argc - 2, argv + 2);
    return sh.run_script(src.view());
  }
  // Standard input, a line at a time; one byte per read so programs it starts see the rest.
  shell::Str line;
  for (;;) {
    char c;
    ssize_t r = read(0, &c, 1);
    if (r <= 0) break;
    line.push(c);
    if (c == '\n') {
      sh.feed_line(line.view());
      line.clear();
      if (sh.exited()) return sh.status();
    }
  }
  if (!line.empty()) sh.feed_line(line.view());
  return sh.finish();
}
