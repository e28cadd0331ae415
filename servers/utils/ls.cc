// servers/utils/ls.cc: ls [-laA1dRr] [FILE...]: names sorted as GNU ls sorts them in the C locale
// (byte order; -r reversed), files before directories, "DIR:" headers for several operands or -R
// (subdirectories after each listing); -l in GNU's long format. Always one name a line (as GNU when output is not a terminal: no columns here).
// mountsrv keeps no owners and no times: -l shows owner and group root (uid and gid 0) and the
// date GNU prints for a modification time of 0, "Jan  1  1970".
#include <dirent.h>
#include <sys/stat.h>

#include "tree.h"

namespace {

bool g_long, g_all, g_almost_all, g_dirs_as_files, g_recursive, g_reverse;
int g_status;   // 1 after a minor problem (a subdirectory of -R), 2 after a serious one (an operand)

struct Entry {
  char* name;   // as shown
  char* path;   // for stat
  struct stat st;
};

struct List {
  Entry* items = nullptr;
  int count = 0;
  int capacity = 0;
  bool push(char* name, char* path, const struct stat& st) {
    if (count == capacity) {
      int c = capacity ? capacity * 2 : 16;
      auto* grown = static_cast<Entry*>(std::realloc(items, sizeof(Entry) * size_t(c)));
      if (grown == nullptr) return false;
      items = grown;
      capacity = c;
    }
    items[count++] = Entry{name, path, st};
    return true;
  }
  void sort() {
    if (count < 2) return;   // items may be null
    std::qsort(items, size_t(count), sizeof(Entry), [](const void* a, const void* b) {
      int c = std::strcmp(static_cast<const Entry*>(a)->name, static_cast<const Entry*>(b)->name);
      return g_reverse ? -c : c;
    });
  }
  void clear() {
    for (int i = 0; i < count; ++i) {
      std::free(items[i].name);
      std::free(items[i].path);
    }
    count = 0;
  }
};

void mode_string(mode_t m, char* out) {
  out[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b' : S_ISFIFO(m) ? 'p'
         : S_ISSOCK(m) ? 's' : '-';
  const char* rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; ++i) out[1 + i] = (m & (0400 >> i)) ? rwx[i] : '-';
  out[10] = 0;
}

// "Mon DD  YYYY" (GNU's format for a time more than six months away) from seconds since the epoch.
void date_string(long long t, char* out, size_t size) {
  static const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                        "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  long long days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  // Howard Hinnant's civil_from_days.
  days += 719468;
  long long era = (days >= 0 ? days : days - 146096) / 146097;
  long long doe = days - era * 146097;
  long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  long long mp = (5 * doy + 2) / 153;
  long long d = doy - (153 * mp + 2) / 5 + 1;
  long long m = mp < 10 ? mp + 3 : mp - 9;
  long long y = yoe + era * 400 + (m <= 2);
  std::snprintf(out, size, "%s %2lld  %lld", kMonths[m - 1], d, y);
}

int digits(unsigned long long v) {
  int n = 1;
  for (; v >= 10; v /= 10) ++n;
  return n;
}

void print_list(const List& l, bool total) {
  if (!g_long) {
    for (int i = 0; i < l.count; ++i) std::printf("%s\n", l.items[i].name);
    return;
  }
  int wlinks = 1, wsize = 1;
  unsigned long long blocks = 0;
  for (int i = 0; i < l.count; ++i) {
    const struct stat& st = l.items[i].st;
    if (digits((unsigned long long)st.st_nlink) > wlinks) wlinks = digits((unsigned long long)st.st_nlink);
    if (digits((unsigned long long)st.st_size) > wsize) wsize = digits((unsigned long long)st.st_size);
    blocks += (unsigned long long)st.st_blocks;
  }
  if (total) std::printf("total %llu\n", (blocks + 1) / 2);   // 512-byte blocks shown in KiB, rounded up
  for (int i = 0; i < l.count; ++i) {
    const struct stat& st = l.items[i].st;
    char mode[11], date[64];
    mode_string(st.st_mode, mode);
    date_string((long long)st.st_mtime, date, sizeof date);
    // Owner and group as GNU names uid/gid 0; mountsrv reports none, so st_uid/st_gid are 0.
    std::printf("%s %*llu %s %s %*llu %s %s\n", mode, wlinks, (unsigned long long)st.st_nlink,
                st.st_uid == 0 ? "root" : "?", st.st_gid == 0 ? "root" : "?", wsize,
                (unsigned long long)st.st_size, date, l.items[i].name);
  }
}

bool shown(const char* name) {
  if (name[0] != '.') return true;
  if (g_all) return true;
  return g_almost_all && !utils::is_dot_or_dotdot(name);
}

// Lists a directory's entries (with -R, then each subdirectory's). Reports its errors in g_status:
// 2 for an operand (`top`), 1 below it, as GNU ls.
void list_dir(const char* path, bool top) {
  DIR* d = opendir(path);
  if (d == nullptr) {
    utils::error("cannot open directory '%s': %s", path, utils::errtext(errno));
    if (g_status < (top ? 2 : 1)) g_status = top ? 2 : 1;
    return;
  }
  List l;
  bool ok = true;
  while (struct dirent* e = readdir(d)) {
    if (!shown(e->d_name)) continue;
    char* name = strdup(e->d_name);
    char* full = utils::join(path, e->d_name);
    struct stat st{};
    if (name == nullptr || full == nullptr) {
      std::free(name);
      std::free(full);
      utils::error("%s", utils::errtext(ENOMEM));
      ok = false;
      break;
    }
    if ((g_long || g_recursive) && stat(full, &st) != 0) {
      utils::error("cannot access '%s': %s", full, utils::errtext(errno));
      ok = false;
    }
    if (!l.push(name, full, st)) {
      std::free(name);
      std::free(full);
      ok = false;
      break;
    }
  }
  closedir(d);
  l.sort();
  print_list(l, true);
  for (int i = 0; g_recursive && i < l.count; ++i) {
    if (!S_ISDIR(l.items[i].st.st_mode) || utils::is_dot_or_dotdot(l.items[i].name)) continue;
    std::printf("\n%s:\n", l.items[i].path);
    list_dir(l.items[i].path, false);
  }
  l.clear();
  std::free(l.items);
  if (!ok && g_status < 1) g_status = 1;
}

}  // namespace

int main(int argc, char** argv) {
  utils::init("ls");
  int n = utils::parse_options(argc, argv, "laA1dRr", 2, "[OPTION]... [FILE]...", [&](char o, const char*) {
    if (o == 'l') g_long = true;
    if (o == '1') g_long = false;
    if (o == 'a') g_all = true;
    if (o == 'A') g_almost_all = true;
    if (o == 'd') g_dirs_as_files = true;
    if (o == 'R') g_recursive = true;
    if (o == 'r') g_reverse = true;
  });
  static char dot[] = ".";
  static char* just_dot[] = {nullptr, dot, nullptr};
  bool headers = n > 1 || g_recursive;
  if (n == 0) {
    argv = just_dot;
    n = 1;
  }
  List files, dirs;
  for (int i = 1; i <= n; ++i) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      utils::error("cannot access '%s': %s", argv[i], utils::errtext(errno));
      g_status = 2;
      continue;
    }
    char* name = strdup(argv[i]);
    char* path = strdup(argv[i]);
    List& to = S_ISDIR(st.st_mode) && !g_dirs_as_files ? dirs : files;
    if (name == nullptr || path == nullptr || !to.push(name, path, st)) {
      utils::error("%s", utils::errtext(ENOMEM));
      return 2;
    }
  }
  files.sort();
  dirs.sort();
  print_list(files, false);
  bool printed = files.count > 0;
  for (int i = 0; i < dirs.count; ++i) {
    if (printed) std::printf("\n");
    if (headers) std::printf("%s:\n", dirs.items[i].name);
    list_dir(dirs.items[i].path, true);
    printed = true;
  }
  return g_status;
}
