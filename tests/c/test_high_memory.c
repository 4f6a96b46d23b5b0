/* wasm memory past 2 GiB (every program links -sMAXIMUM_MEMORY=4GB): a
 * pointer above 2^31 reaches the JS host as a negative number, which the
 * host's libraries must read as unsigned. A file written from a buffer above
 * 2 GiB and read back into another must give the same bytes. Natively the
 * same file round trip runs on ordinary memory. */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
static char path[512];
static void make_path(void) {
  EM_ASM({
    var os = process.getBuiltinModule("os");
    stringToUTF8(process.getBuiltinModule("path").join(os.tmpdir(), "weft-high-" + process.pid), $0, 512);
  }, path);
}
#define HIGH ((uintptr_t)1 << 31)
#else
#include <unistd.h>
static char path[512] = "/tmp/weft-high-XXXXXX";
static void make_path(void) {
  int fd = mkstemp(path);
  if (fd >= 0) close(fd);
}
#define HIGH 0
#endif

#define N (64 * 1024)

static uint8_t *high; /* 2 * N bytes, above 2 GiB on wasm */
static void *volatile keep;

static void file_round_trip_above_2_gib(void) {
  uint8_t *out = high, *in = high + N;
  CHECK((uintptr_t)out >= HIGH && (uintptr_t)in >= HIGH);
  for (int i = 0; i < N; i++) out[i] = (uint8_t)(i * 13 + i / 256);
  memset(in, 0, N);
  weft_file *f;
  CHECK_EQ(weft_file_open(path, "wb", &f), 0);
  CHECK_EQ(weft_file_write(f, out, N), 0);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_open(path, "rb", &f), 0);
  size_t got = 0, n;
  while (got < N && weft_file_read(f, in + got, N - got, &n) == 0 && n > 0) got += n;
  CHECK_EQ(got, (size_t)N);
  CHECK(memcmp(in, out, N) == 0);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_remove(path), 0);
}

static intptr_t all_main(void *arg) {
  (void)arg;
  RUN(file_round_trip_above_2_gib);
  int status = DONE();
  return status ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) {
  make_path();
#if defined(__EMSCRIPTEN__)
  /* Two blocks reaching past 2 GiB (one would be more than sbrk's signed
   * increment), of which only the last 2 * N bytes are used (touched): they
   * cost address space, not memory. */
  size_t size = (size_t)1100 << 20;
  uint8_t *low = malloc(size), *pad = malloc(size);
  if (!low || !pad) {
    printf("FAIL the heap could not grow past 2 GiB\n0 passed, 1 failed\n");
    return 1;
  }
  high = pad + size - 2 * N;
  keep = low; /* used: not elided, so pad lies above it */
#else
  static uint8_t buf[2 * N];
  high = buf;
#endif
  return weft_run(all_main, NULL, NULL) ? 1 : 0;
}
