// tests/user/true.cc: does nothing and exits 0, after the full runtime's start-up (reads its
// start-up message, sets up stdio): the child of the spawn benchmark and of the spawn churn test,
// like Linux's static /bin/true in linux-ref's fork_exec_wait.
extern "C" int main() { return 0; }
