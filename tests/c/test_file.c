/* Async files (weft/file.h) on real files in a fresh temporary folder:
 * natively stdio, on wasm under Node node:fs/promises (tests/node runs this
 * program as wasm too). Writes and reads back, seek/stat/append, each error
 * code the host can produce here, the chunk and directory iterators, and on
 * wasm: other tasks run while a file operation is in flight, and a read or
 * write or open cancelled mid-way leaves the buffer alone and no host
 * handle open (counted in /proc/self/fd). */
#include <stdint.h>
#include <stdlib.h>

#include "harness.h"

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#else
#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

static char dir[512];

static const char *at(char *buf, const char *name) {
  snprintf(buf, 600, "%s/%s", dir, name);
  return buf;
}

/* Setup outside the API under test (synchronous, outside tasks). */
#if defined(__EMSCRIPTEN__)
/* (No top-level commas in the EM_ASM code: the preprocessor would split it.
 * The program is an ES module: Node's modules come from process.getBuiltinModule.) */
static void make_dir(void) {
  EM_ASM({
    var d = process.getBuiltinModule("fs").mkdtempSync(process.getBuiltinModule("path").join(process.getBuiltinModule("os").tmpdir(), "weft-file-"));
    stringToUTF8(d, $0, 512);
  }, dir);
}
static void remove_dir(void) {
  EM_ASM({
    var opts = {};
    opts.recursive = true;
    opts.force = true;
    process.getBuiltinModule("fs").rmSync(UTF8ToString($0), opts);
  }, dir);
}
static void mkdir_in(const char *p) { EM_ASM({ process.getBuiltinModule("fs").mkdirSync(UTF8ToString($0)); }, p); }
static void chmod_in(const char *p, int mode) { EM_ASM({ process.getBuiltinModule("fs").chmodSync(UTF8ToString($0), $1); }, p, mode); }
static int open_fds(void) { return EM_ASM_INT({ return process.getBuiltinModule("fs").readdirSync("/proc/self/fd").length; }); }
static int is_root(void) { return EM_ASM_INT({ return typeof process.getuid === "function" && process.getuid() === 0 ? 1 : 0; }); }
#define WASM 1
#else
static void make_dir(void) {
  const char *t = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/weft-file-XXXXXX", t && *t ? t : "/tmp");
  if (!mkdtemp(dir)) abort();
}
static void remove_dir(void) {
  char cmd[600];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  if (system(cmd) != 0) printf("  could not remove %s\n", dir);
}
static void mkdir_in(const char *p) { mkdir(p, 0755); }
static void chmod_in(const char *p, int mode) { chmod(p, (mode_t)mode); }
static int open_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  if (!d) return -1;
  while (readdir(d)) n++;
  closedir(d);
  return n;
}
static int is_root(void) { return geteuid() == 0; }
#define WASM 0
#endif

/* --- write, read back; other tasks run meanwhile --------------------------- */

static int ticks, ticking;

static intptr_t ticker(void *arg) {
  (void)arg;
  while (ticking) {
    ticks++;
    if (weft_yield() != 0) break;
  }
  return 0;
}

#define BIG (300 * 1000)

static intptr_t write_read_main(void *arg) {
  (void)arg;
  char p[600];
  at(p, "data.bin");
  static uint8_t out[BIG], in[BIG + 10];
  for (int i = 0; i < BIG; i++) out[i] = (uint8_t)(i * 7 + i / 251);
  ticking = 1;
  ticks = 0;
  weft_task *t = weft_spawn(NULL, ticker, NULL, NULL);
  weft_file *f;
  CHECK_EQ(weft_file_open(p, "wb", &f), 0);
  CHECK_STR(weft_file_kind(f), WASM ? "node" : "stdio");
  int ops = 1;
  for (int off = 0; off < BIG; off += 10000, ops++) CHECK_EQ(weft_file_write(f, out + off, 10000), 0);
  CHECK_EQ(weft_file_close(f), 0);
  ops++;
  CHECK_EQ(weft_file_open(p, "rb", &f), 0);
  size_t got = 0, n;
  int rc;
  while ((rc = weft_file_read(f, in + got, 65536, &n)) == 0 && n > 0) got += n, ops++;
  CHECK_EQ(rc, 0);
  CHECK_EQ(got, BIG);
  CHECK(memcmp(in, out, BIG) == 0);
  weft_file_info info;
  CHECK_EQ(weft_file_stat(f, &info), 0);
  CHECK_EQ(info.size, BIG);
  CHECK(info.mtime > 1e9);
  CHECK_EQ(weft_file_close(f), 0);
  ops += 4;
  /* Each operation on wasm suspends the reader for at least one pass of the
   * loop, in which the ticker runs: it ticked at least once per operation.
   * Natively the calls block and nothing else runs. */
  if (WASM) CHECK(ticks >= ops);
  else CHECK(ticks <= 1);
  ticking = 0;
  CHECK_EQ(weft_await((weft_future *)t, NULL), 0);
  weft_release((weft_future *)t);
  return 0;
}

static void write_read(void) { write_read_main(NULL); }

/* --- seek, stat, append, "+" ------------------------------------------------ */

static intptr_t seek_main(void *arg) {
  (void)arg;
  char p[600];
  at(p, "seek.txt");
  weft_file *f;
  CHECK_EQ(weft_file_open(p, "w", &f), 0);
  CHECK_EQ(weft_file_write(f, "0123456789", 10), 0);
  int64_t pos = -1;
  CHECK_EQ(weft_file_seek(f, 2, WEFT_SEEK_SET, &pos), 0);
  CHECK_EQ(pos, 2);
  CHECK_EQ(weft_file_write(f, "ab", 2), 0);
  CHECK_EQ(weft_file_seek(f, -1, WEFT_SEEK_SET, &pos), WEFT_EINVAL);
  CHECK_EQ(weft_file_seek(f, 0, 7, &pos), WEFT_EINVAL);
  CHECK_EQ(weft_file_close(f), 0);

  CHECK_EQ(weft_file_open(p, "a", &f), 0);
  CHECK_EQ(weft_file_write(f, "XY", 2), 0);
  CHECK_EQ(weft_file_close(f), 0);

  char buf[32] = {0};
  size_t n;
  CHECK_EQ(weft_file_open(p, "r", &f), 0);
  CHECK_EQ(weft_file_seek(f, -4, WEFT_SEEK_END, &pos), 0);
  CHECK_EQ(pos, 8);
  CHECK_EQ(weft_file_read(f, buf, sizeof buf, &n), 0);
  CHECK_EQ(n, 4);
  CHECK_STR(buf, "89XY");
  CHECK_EQ(weft_file_read(f, buf, sizeof buf, &n), 0); /* the end: b"" */
  CHECK_EQ(n, 0);
  CHECK_EQ(weft_file_seek(f, 0, WEFT_SEEK_SET, NULL), 0);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(weft_file_read(f, buf, sizeof buf, &n), 0);
  CHECK_STR(buf, "01ab456789XY");
  CHECK_EQ(weft_file_close(f), 0);

  CHECK_EQ(weft_file_open(p, "r+", &f), 0); /* read and write */
  CHECK_EQ(weft_file_write(f, "--", 2), 0);
  memset(buf, 0, sizeof buf);
  CHECK_EQ(weft_file_read(f, buf, 3, &n), 0);
  CHECK_STR(buf, "ab4");
  CHECK_EQ(weft_file_close(f), 0);
  return 0;
}

static void seek_stat_append(void) { seek_main(NULL); }

/* --- each error code ------------------------------------------------------- */

static intptr_t errors_main(void *arg) {
  (void)arg;
  char p[600], q[600];
  weft_file *f = (weft_file *)1;
  CHECK_EQ(weft_file_open(at(p, "missing.txt"), "r", &f), WEFT_ENOENT);
  CHECK(f == NULL);
  CHECK(strstr(weft_file_error_message(), "missing.txt") != NULL);
  CHECK(strstr(weft_file_error_message(), "ENOENT") != NULL);
  CHECK_EQ(weft_file_open(at(p, "no/such/dir.txt"), "w", &f), WEFT_ENOENT);
  CHECK_EQ(weft_file_open(at(p, "sub"), "w", &f), WEFT_EISDIR);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "w", &f), 0);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "x", &f), WEFT_EEXIST);
  CHECK_EQ(weft_file_open(at(p, "exists.txt/inner"), "r", &f), WEFT_ENOTDIR);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "rw", &f), WEFT_EINVAL);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "", &f), WEFT_EINVAL);
  CHECK_EQ(weft_file_open(NULL, "r", &f), WEFT_EINVAL);
  /* A directory opened to read: the read says so. */
  int rc = weft_file_open(at(p, "sub"), "r", &f);
  if (rc == 0) {
    char b[8];
    size_t n;
    CHECK_EQ(weft_file_read(f, b, sizeof b, &n), WEFT_EISDIR);
    CHECK_EQ(weft_file_close(f), 0);
  } else {
    CHECK_EQ(rc, WEFT_EISDIR);
  }
  /* Not open for that. */
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "r", &f), 0);
  CHECK_EQ(weft_file_write(f, "x", 1), WEFT_EBADF);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "w", &f), 0);
  char b[4];
  size_t n;
  CHECK_EQ(weft_file_read(f, b, sizeof b, &n), WEFT_EBADF);
  CHECK_EQ(weft_file_close(f), 0);
  /* Permission (root is never refused). */
  if (!is_root()) {
    at(q, "locked.txt");
    CHECK_EQ(weft_file_open(q, "w", &f), 0);
    CHECK_EQ(weft_file_close(f), 0);
    chmod_in(q, 0);
    CHECK_EQ(weft_file_open(q, "r", &f), WEFT_EACCES);
    chmod_in(q, 0644);
  }
  /* A full device: /dev/full refuses every write with ENOSPC. */
  if (weft_file_open("/dev/full", "w", &f) == 0) {
    CHECK_EQ(weft_file_write(f, "full", 4), WEFT_ENOSPC);
    CHECK(strstr(weft_file_error_message(), "ENOSPC") != NULL);
    weft_file_close(f);
  }
  /* Removing. */
  CHECK_EQ(weft_file_remove(at(p, "exists.txt")), 0);
  CHECK_EQ(weft_file_open(at(p, "exists.txt"), "r", &f), WEFT_ENOENT);
  CHECK_EQ(weft_file_remove(at(p, "exists.txt")), WEFT_ENOENT);
  CHECK_EQ(weft_file_remove(at(p, "sub")), WEFT_EISDIR);
  CHECK_EQ(weft_file_remove(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_file_close(NULL), WEFT_EINVAL);
  CHECK_EQ(weft_file_read(NULL, b, 1, &n), WEFT_EINVAL);
  return 0;
}

static void error_codes(void) {
  char p[600];
  mkdir_in(at(p, "sub"));
  errors_main(NULL);
}

/* --- iterators ---------------------------------------------------------------- */

static intptr_t iter_main(void *arg) {
  (void)arg;
  char p[600];
  mkdir_in(at(p, "tree"));
  mkdir_in(at(p, "tree/inner"));
  const char *names[] = {"tree/a.txt", "tree/b.txt", "tree/\xc3\xa9t\xc3\xa9.txt"};
  for (int i = 0; i < 3; i++) {
    weft_file *f;
    CHECK_EQ(weft_file_open(at(p, names[i]), "w", &f), 0);
    for (int k = 0; k <= i; k++) CHECK_EQ(weft_file_write(f, "0123456789", 10), 0);
    CHECK_EQ(weft_file_close(f), 0);
  }
  /* Chunks of 4 of the 30-byte file: 7 full, one of 2. */
  int rc, count = 0;
  size_t total = 0;
  WEFT_AFOR(const weft_bytes *, c, weft_path_chunks(at(p, names[2]), 4), &rc) {
    count++;
    total += c->len;
    CHECK(c->len == 4 || (count == 8 && c->len == 2));
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(count, 8);
  CHECK_EQ(total, 30);
  /* A missing file: the first anext says so. */
  WEFT_AFOR(const weft_bytes *, c, weft_path_chunks(at(p, "tree/none"), 4), &rc) (void)c;
  CHECK_EQ(rc, WEFT_ENOENT);
  /* Broken out of early: the file is closed all the same (fds counted). */
  int fds = open_fds();
  WEFT_AFOR(const weft_bytes *, c, weft_path_chunks(at(p, names[2]), 4), &rc) {
    (void)c;
    break;
  }
  CHECK_EQ(open_fds(), fds);
  /* The directory: every entry once, with its type. */
  int files = 0, dirs = 0, utf8 = 0;
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open(at(p, "tree")), &rc) {
    if (e->type == WEFT_DIRENT_FILE) files++;
    if (e->type == WEFT_DIRENT_DIR) {
      dirs++;
      CHECK_STR(e->name, "inner");
    }
    if (strcmp(e->name, "\xc3\xa9t\xc3\xa9.txt") == 0) utf8++;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(files, 3);
  CHECK_EQ(dirs, 1);
  CHECK_EQ(utf8, 1);
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open(at(p, "tree/none")), &rc) (void)e;
  CHECK_EQ(rc, WEFT_ENOENT);
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open(at(p, names[0])), &rc) (void)e;
  CHECK_EQ(rc, WEFT_ENOTDIR);
  CHECK_EQ(open_fds(), fds);
  return 0;
}

static void iterators(void) { iter_main(NULL); }

/* --- cancellation (wasm: the host's work outlives the cancelled call) ------- */

typedef struct op_arg {
  weft_file *f;
  char *buf;
  size_t n;
  int write;
  int rc;
} op_arg;

static intptr_t do_op(void *arg) {
  op_arg *o = arg;
  size_t n;
  o->rc = o->write ? weft_file_write(o->f, o->buf, o->n) : weft_file_read(o->f, o->buf, o->n, &n);
  return 0;
}

static intptr_t do_open(void *arg) {
  op_arg *o = arg;
  o->rc = weft_file_open(o->buf, "r", &o->f);
  return 0;
}

static intptr_t cancel_main(void *arg) {
  (void)arg;
  char p[600];
  at(p, "cancel.bin");
  int fds = open_fds();
  weft_file *f;
  CHECK_EQ(weft_file_open(p, "w", &f), 0);
  static char data[1 << 20];
  memset(data, 'd', sizeof data);
  CHECK_EQ(weft_file_write(f, "head", 4), 0);
  /* Mid-write: the task is cancelled while the host writes 1 MiB. */
  op_arg w = {f, data, sizeof data, 1, 99};
  weft_task *t = weft_spawn(NULL, do_op, &w, NULL);
  CHECK_EQ(weft_yield(), 0); /* it starts its write and suspends */
  weft_cancel((weft_future *)t);
  weft_await((weft_future *)t, NULL);
  weft_release((weft_future *)t);
  CHECK_EQ(w.rc, WASM ? WEFT_ECANCELED : 0);
  CHECK_EQ(weft_file_close(f), 0); /* waits for the write the host still does */
  CHECK_EQ(open_fds(), fds);

  /* Mid-read: the buffer stays as it was, and so does the position. */
  CHECK_EQ(weft_file_open(p, "r", &f), 0);
  char buf[8];
  memset(buf, 'Z', sizeof buf);
  op_arg r = {f, buf, 4, 0, 99};
  t = weft_spawn(NULL, do_op, &r, NULL);
  CHECK_EQ(weft_yield(), 0);
  weft_cancel((weft_future *)t);
  weft_await((weft_future *)t, NULL);
  weft_release((weft_future *)t);
  CHECK_EQ(r.rc, WASM ? WEFT_ECANCELED : 0);
  weft_file_info info;
  CHECK_EQ(weft_file_stat(f, &info), 0); /* after the cancelled read has ended (operations run in order) */
  if (WASM) {
    CHECK(memcmp(buf, "ZZZZZZZZ", 8) == 0);
    char again[5] = {0};
    size_t n;
    CHECK_EQ(weft_file_read(f, again, 4, &n), 0);
    CHECK_STR(again, "head");
  }
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(open_fds(), fds);

  /* Mid-open: what the host opened is closed before the call returns. */
  op_arg o = {NULL, p, 0, 0, 99};
  t = weft_spawn(NULL, do_open, &o, NULL);
  CHECK_EQ(weft_yield(), 0);
  weft_cancel((weft_future *)t);
  weft_await((weft_future *)t, NULL);
  weft_release((weft_future *)t);
  if (WASM) {
    CHECK_EQ(o.rc, WEFT_ECANCELED);
    CHECK(o.f == NULL);
  } else if (o.f) {
    weft_file_close(o.f);
  }
  CHECK_EQ(open_fds(), fds);
  return 0;
}

static void cancellation(void) { cancel_main(NULL); }

static intptr_t backend_main(void *arg) {
  (void)arg;
  CHECK_STR(weft_file_backend(), WASM ? "node" : "stdio");
  weft_file *f = (weft_file *)1;
  CHECK_EQ(weft_file_open_download("x.zip", NULL, &f), WEFT_ENOSYS); /* no page here */
  CHECK(f == NULL);
  return 0;
}

static void backend(void) { backend_main(NULL); }

/* On wasm weft_run never returns (the loop runs on the host's turns): every
 * case runs in its one main task, which ends the program. */
static intptr_t all_main(void *arg) {
  (void)arg;
  RUN(backend);
  RUN(write_read);
  RUN(seek_stat_append);
  RUN(error_codes);
  RUN(iterators);
  RUN(cancellation);
  int status = DONE();
  remove_dir();
  return status ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) {
  make_dir();
  weft_file *f = (weft_file *)1;
  if (weft_file_open(dir, "r", &f) != WEFT_ENOTTASK || f != NULL) { /* outside a task */
    printf("FAIL weft_file_open outside a task\n");
    return 1;
  }
  return weft_run(all_main, NULL, NULL) ? 1 : 0;
}
