// servers/utils/false.cc: exits 1.
extern "C" int main() { return 1; }
