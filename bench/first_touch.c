/* What a first write to fresh memory costs on this machine: 128 MB touched
 * one 4 KiB page at a time, four ways (docs/performance.md, "Page faults"):
 * the last maps huge pages again right after the third freed its own, so
 * it shows what a huge page costs when the kernel still has the block (on
 * a guest that reports free memory to its host, a block free for long is
 * backed anew by the host when next used).
 *
 *   cc -O2 bench/first_touch.c -o /tmp/first_touch && /tmp/first_touch
 *
 * On the 2026-12-02 micro-VM: 4 KiB faults 0.40-0.47 s (about 12 us a
 * page), MAP_POPULATE 0.19-0.24 s, MADV_HUGEPAGE 0.12-0.27 s. */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

static double Now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void) {
  const size_t size = (size_t)128 << 20;
  const char* names[] = {"4 KiB page faults", "MAP_POPULATE", "MADV_HUGEPAGE",
                         "MADV_HUGEPAGE again"};
  for (int mode = 0; mode < 4; ++mode) {
    const double start = Now();
    const int flags =
        MAP_PRIVATE | MAP_ANONYMOUS | (mode == 1 ? MAP_POPULATE : 0);
    char* p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
    if (p == MAP_FAILED) return 1;
    if (mode >= 2) madvise(p, size, MADV_HUGEPAGE);
    for (size_t i = 0; i < size; i += 4096) p[i] = 1;
    const double s = Now() - start;
    printf("%-18s %.3f s  %.2f us per 4 KiB page\n", names[mode], s,
           s * 1e6 / (size / 4096));
    munmap(p, size);
  }
  return 0;
}
