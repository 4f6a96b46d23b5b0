/* Async files (include/weft/file.h). On wasm the file lives in JS
 * (src/js/library_file.js), named by an integer id, and every call that
 * waits is a host future the JS side completes: node:fs/promises, OPFS, a
 * Blob handed in, or a download. Natively the calls are stdio and POSIX
 * directories, and they block. The chunk and directory iterators at the end
 * are written once, on top of the calls. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/internal.h"
#include "weft/file.h"

#if !defined(__EMSCRIPTEN__)
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#endif

#define WEFT_MAGIC_FILE 0x77656669u /* "wefi" */

/* Open flags, from the mode string; library_file.js knows the same bits. */
enum { F_READ = 1, F_WRITE = 2, F_CREATE = 4, F_TRUNC = 8, F_EXCL = 16, F_APPEND = 32 };

/* Kinds, as library_file.js numbers them. */
enum { K_NONE = 0, K_NODE = 1, K_OPFS = 2, K_BLOB = 3, K_DOWNLOAD = 4, K_STDIO = 5 };
static const char *const kind_names[] = {"none", "node", "opfs", "blob", "download", "stdio"};

struct weft_file {
  uint32_t magic;
  int flags;
  int kind;
  int32_t busy; /* calls in progress (weft_file_close refuses while > 0) */
#if defined(__EMSCRIPTEN__)
  int id; /* the JS record */
#else
  FILE *fp;
#endif
};

static _Thread_local char last_error[256];

static int set_error(int rc, const char *msg) {
  snprintf(last_error, sizeof last_error, "%s", msg ? msg : weft_strerror(rc));
  return rc;
}

const char *weft_file_error_message(void) { return last_error; }

/* "r", "w", "a", "x", then '+' and/or 'b' once each: F_* bits, or -1. */
static int parse_mode(const char *mode) {
  int flags;
  switch (mode[0]) {
    case 'r': flags = F_READ; break;
    case 'w': flags = F_WRITE | F_CREATE | F_TRUNC; break;
    case 'a': flags = F_WRITE | F_CREATE | F_APPEND; break;
    case 'x': flags = F_WRITE | F_CREATE | F_EXCL; break;
    default: return -1;
  }
  int plus = 0, b = 0;
  for (const char *c = mode + 1; *c; c++) {
    if (*c == '+' && !plus++) flags |= F_READ | F_WRITE;
    else if (*c == 'b' && !b++) continue;
    else return -1;
  }
  return flags;
}

static int check_file(const weft_file *f) {
  return f && f->magic == WEFT_MAGIC_FILE ? 0 : WEFT_EINVAL;
}

const char *weft_file_kind(const weft_file *f) { return check_file(f) ? NULL : kind_names[f->kind]; }

/* Starts the call: checks `f`, the task, and what the file is open for. */
static int begin(weft_file *f, int need) {
  if (check_file(f)) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (need && !(f->flags & need))
    return set_error(WEFT_EBADF, need == F_READ ? "the file is not open for reading" : "the file is not open for writing");
  return 0;
}

#if defined(__EMSCRIPTEN__)

/* library_file.js */
extern int weft_js_file_backend(void);
extern int weft_js_file_open(weft_future *fut, const char *path, int flags);
extern int weft_js_file_open_download(weft_future *fut, const char *name, const char *type);
extern int weft_js_file_kind(int id);
extern void weft_js_file_read(weft_future *fut, int id, void *buf, size_t n);
extern void weft_js_file_write(weft_future *fut, int id, const void *buf, size_t n);
extern void weft_js_file_seek(weft_future *fut, int id, double offset, int whence);
extern void weft_js_file_stat(weft_future *fut, int id);
extern void weft_js_file_close(weft_future *fut, int id);
extern double weft_js_file_number(int id, int which);
extern void weft_js_file_message(int id, char *buf, size_t size);
extern void weft_js_file_forget(int id);
extern void weft_js_file_cancel(weft_future *fut);
extern int weft_js_file_remove(weft_future *fut, const char *path);
extern int weft_js_dir_open(weft_future *fut, const char *path);
extern void weft_js_dir_read(weft_future *fut, int id);
extern int weft_js_dir_name(int id, char *buf, size_t size);

const char *weft_file_backend(void) {
  int k = weft_js_file_backend();
  return kind_names[k >= 0 && k <= K_STDIO ? k : K_NONE];
}

/* The cancel hook of every operation: JS drops the result when it comes. */
static void cancel_op(weft_future *fut, void *arg) {
  (void)arg;
  weft_js_file_cancel(fut);
}

static weft_future *op_new(void) { return weft_host_future(NULL, cancel_op, NULL); }

/* Awaits operation `fut` of JS record `id`; a failure's message is copied
 * for weft_file_error_message before the task can switch again. */
static int op_await(weft_future *fut, int id, intptr_t *value) {
  if (!weft_future_done(fut)) weft__trace_reason(WEFT_REASON_FILE);
  int rc = weft_await(fut, value);
  weft_release(fut);
  if (rc == WEFT_ECANCELED) set_error(rc, "the awaiting task was cancelled");
  else if (rc) {
    weft_js_file_message(id, last_error, sizeof last_error);
    if (!last_error[0]) set_error(rc, NULL);
  }
  return rc;
}

/* Closes JS record `id` under a shield and waits for it: a cancelled open
 * (or a cancelled close) must not leave the host's handle open behind the
 * caller's back. */
static void close_shielded(int id) {
  weft_future *fut = op_new();
  if (!fut) {
    weft_js_file_close(NULL, id); /* still closed, in the background */
    return;
  }
  weft_cancel_shield_enter();
  weft_js_file_close(fut, id);
  op_await(fut, id, NULL);
  weft_cancel_shield_leave();
}

/* Completes an open whose JS record is `id` and whose future is `fut`. */
static int finish_open(weft_future *fut, int id, int flags, weft_file **out) {
  int rc = op_await(fut, id, NULL);
  if (rc == WEFT_ECANCELED) {
    close_shielded(id);
    return set_error(rc, "the awaiting task was cancelled");
  }
  if (rc) {
    weft_js_file_forget(id);
    return rc;
  }
  weft_file *f = weft__calloc(1, sizeof *f);
  if (!f) {
    close_shielded(id);
    return set_error(WEFT_ENOMEM, NULL);
  }
  f->magic = WEFT_MAGIC_FILE;
  f->flags = flags;
  f->id = id;
  f->kind = weft_js_file_kind(id);
  *out = f;
  return 0;
}

int weft_file_open(const char *path, const char *mode, weft_file **out) {
  if (out) *out = NULL;
  if (!path || !mode || !out) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  int flags = parse_mode(mode);
  if (flags < 0) return set_error(WEFT_EINVAL, "bad mode: r, w, a or x, then + and/or b");
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  int id = weft_js_file_open(fut, path, flags);
  return finish_open(fut, id, flags, out);
}

int weft_file_open_download(const char *name, const char *type, weft_file **out) {
  if (out) *out = NULL;
  if (!name || !out) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  int id = weft_js_file_open_download(fut, name, type);
  return finish_open(fut, id, F_WRITE, out);
}

int weft_file_remove(const char *path) {
  if (!path) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  int id = weft_js_file_remove(fut, path);
  int rc = op_await(fut, id, NULL);
  weft_js_file_forget(id);
  return rc;
}

int weft_file_read(weft_file *f, void *buf, size_t n, size_t *nread) {
  if (nread) *nread = 0;
  if (!buf || !nread) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, F_READ);
  if (rc) return rc;
  if (n > (size_t)1 << 30) n = (size_t)1 << 30;
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  f->busy++;
  weft_js_file_read(fut, f->id, buf, n);
  intptr_t got = 0;
  rc = op_await(fut, f->id, &got);
  f->busy--;
  if (rc == 0) *nread = (size_t)got;
  return rc;
}

int weft_file_write(weft_file *f, const void *buf, size_t n) {
  if (!buf && n) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, F_WRITE);
  if (rc) return rc;
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  f->busy++;
  weft_js_file_write(fut, f->id, buf, n);
  rc = op_await(fut, f->id, NULL);
  f->busy--;
  return rc;
}

int weft_file_seek(weft_file *f, int64_t offset, int whence, int64_t *pos) {
  int rc = begin(f, 0);
  if (rc) return rc;
  if (whence < WEFT_SEEK_SET || whence > WEFT_SEEK_END) return set_error(WEFT_EINVAL, "bad whence");
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  f->busy++;
  weft_js_file_seek(fut, f->id, (double)offset, whence);
  rc = op_await(fut, f->id, NULL);
  f->busy--;
  if (rc == 0 && pos) *pos = (int64_t)weft_js_file_number(f->id, 0);
  return rc;
}

int weft_file_stat(weft_file *f, weft_file_info *info) {
  if (!info) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, 0);
  if (rc) return rc;
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  f->busy++;
  weft_js_file_stat(fut, f->id);
  rc = op_await(fut, f->id, NULL);
  f->busy--;
  if (rc == 0) {
    info->size = (int64_t)weft_js_file_number(f->id, 0);
    info->mtime = weft_js_file_number(f->id, 1);
  }
  return rc;
}

int weft_file_close(weft_file *f) {
  if (check_file(f)) return set_error(WEFT_EINVAL, NULL);
  if (f->busy) return set_error(WEFT_EBUSY, "another task is inside a call on this file");
  int id = f->id;
  f->magic = WEFT_MAGIC_DEAD;
  weft__free(f);
  weft_future *fut = weft__current() ? op_new() : NULL;
  if (!fut) {
    weft_js_file_close(NULL, id); /* outside a task, or no memory: closed in the background */
    return weft__current() ? set_error(WEFT_ENOMEM, NULL) : 0;
  }
  weft_js_file_close(fut, id);
  return op_await(fut, id, NULL);
}

/* Closes without waiting (an iterator freed outside a task). */
static void close_background(weft_file *f) {
  int id = f->id;
  f->magic = WEFT_MAGIC_DEAD;
  weft__free(f);
  weft_js_file_close(NULL, id);
}

/* --- directories ------------------------------------------------------------ */

typedef struct dir_handle {
  int id;
  char *name;
  size_t cap;
} dir_handle;

static int dir_open_(const char *path, dir_handle *d) {
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  d->id = weft_js_dir_open(fut, path);
  int rc = op_await(fut, d->id, NULL);
  if (rc == WEFT_ECANCELED) close_shielded(d->id);
  else if (rc) weft_js_file_forget(d->id);
  if (rc) d->id = 0;
  return rc;
}

/* The next entry: 0 with the name in d->name and its type in *type,
 * WEFT_EDONE at the end, or an error. */
static int dir_next_(dir_handle *d, int *type) {
  weft_future *fut = op_new();
  if (!fut) return set_error(WEFT_ENOMEM, NULL);
  weft_js_dir_read(fut, d->id);
  intptr_t need = 0;
  int rc = op_await(fut, d->id, &need);
  if (rc) return rc;
  if (need == 0) return WEFT_EDONE;
  if ((size_t)need > d->cap) {
    char *p = weft__realloc(d->name, (size_t)need);
    if (!p) return set_error(WEFT_ENOMEM, NULL);
    d->name = p;
    d->cap = (size_t)need;
  }
  *type = weft_js_dir_name(d->id, d->name, d->cap);
  return 0;
}

static int dir_close_(dir_handle *d, int wait) {
  int id = d->id;
  d->id = 0;
  if (!id) return 0;
  weft_future *fut = wait && weft__current() ? op_new() : NULL;
  weft_js_file_close(fut, id);
  return fut ? op_await(fut, id, NULL) : 0;
}

#else /* native: stdio, blocking */

const char *weft_file_backend(void) { return "stdio"; }

/* errno as a weft code, and its message (with `what` and `path`). */
static int from_errno(int e, const char *what, const char *path) {
  int rc;
  switch (e) {
    case ENOENT: rc = WEFT_ENOENT; break;
    case EACCES: case EPERM: case EROFS: rc = WEFT_EACCES; break;
    case EEXIST: rc = WEFT_EEXIST; break;
    case EISDIR: rc = WEFT_EISDIR; break;
    case ENOTDIR: rc = WEFT_ENOTDIR; break;
    case ENOSPC: rc = WEFT_ENOSPC; break;
#ifdef EDQUOT
    case EDQUOT: rc = WEFT_EQUOTA; break;
#endif
    case EBADF: rc = WEFT_EBADF; break;
    case EINVAL: case ENAMETOOLONG: rc = WEFT_EINVAL; break;
    case ENOMEM: rc = WEFT_ENOMEM; break;
    default: rc = WEFT_EIO; break;
  }
  if (path) snprintf(last_error, sizeof last_error, "%s: %s, %s '%s'", weft_strerror_name(rc) + 5, strerror(e), what, path);
  else snprintf(last_error, sizeof last_error, "%s: %s, %s", weft_strerror_name(rc) + 5, strerror(e), what);
  return rc;
}

int weft_file_open(const char *path, const char *mode, weft_file **out) {
  if (out) *out = NULL;
  if (!path || !mode || !out) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  int flags = parse_mode(mode);
  if (flags < 0) return set_error(WEFT_EINVAL, "bad mode: r, w, a or x, then + and/or b");
  weft_file *f = weft__calloc(1, sizeof *f);
  if (!f) return set_error(WEFT_ENOMEM, NULL);
  /* glibc's fopen knows "x" as a flag after the first letter. */
  char m[8];
  snprintf(m, sizeof m, "%c%s%s", (flags & F_EXCL) ? 'w' : mode[0], (flags & F_READ) && (flags & F_WRITE) ? "+" : "",
           (flags & F_EXCL) ? "x" : "");
  errno = 0;
  f->fp = fopen(path, m);
  if (!f->fp) {
    int e = errno ? errno : EIO;
    weft__free(f);
    return from_errno(e, "open", path);
  }
  f->magic = WEFT_MAGIC_FILE;
  f->flags = flags;
  f->kind = K_STDIO;
  *out = f;
  return 0;
}

int weft_file_remove(const char *path) {
  if (!path) return set_error(WEFT_EINVAL, NULL);
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  struct stat st;
  if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return from_errno(EISDIR, "unlink", path);
  if (remove(path) != 0) return from_errno(errno, "unlink", path);
  return 0;
}

int weft_file_open_download(const char *name, const char *type, weft_file **out) {
  (void)name, (void)type;
  if (out) *out = NULL;
  return set_error(WEFT_ENOSYS, "downloads need a page: build for wasm");
}

int weft_file_read(weft_file *f, void *buf, size_t n, size_t *nread) {
  if (nread) *nread = 0;
  if (!buf || !nread) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, F_READ);
  if (rc) return rc;
  if (n > (size_t)1 << 30) n = (size_t)1 << 30;
  size_t got = fread(buf, 1, n, f->fp);
  if (got < n && ferror(f->fp)) {
    int e = errno ? errno : EIO;
    clearerr(f->fp);
    return from_errno(e, "read", NULL);
  }
  clearerr(f->fp); /* the end of the file is not sticky: a later write may extend it */
  *nread = got;
  return 0;
}

int weft_file_write(weft_file *f, const void *buf, size_t n) {
  if (!buf && n) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, F_WRITE);
  if (rc) return rc;
  errno = 0;
  /* Flushed at once: a full disk must be this call's error, not the close's. */
  if ((n && fwrite(buf, 1, n, f->fp) != n) || fflush(f->fp) != 0) {
    int e = errno ? errno : EIO;
    clearerr(f->fp);
    return from_errno(e, "write", NULL);
  }
  return 0;
}

int weft_file_seek(weft_file *f, int64_t offset, int whence, int64_t *pos) {
  int rc = begin(f, 0);
  if (rc) return rc;
  static const int how[] = {SEEK_SET, SEEK_CUR, SEEK_END};
  if (whence < WEFT_SEEK_SET || whence > WEFT_SEEK_END) return set_error(WEFT_EINVAL, "bad whence");
  if (fseeko(f->fp, (off_t)offset, how[whence]) != 0) return from_errno(errno, "seek", NULL);
  if (pos) *pos = (int64_t)ftello(f->fp);
  return 0;
}

int weft_file_stat(weft_file *f, weft_file_info *info) {
  if (!info) return set_error(WEFT_EINVAL, NULL);
  int rc = begin(f, 0);
  if (rc) return rc;
  struct stat st;
  fflush(f->fp);
  if (fstat(fileno(f->fp), &st) != 0) return from_errno(errno, "stat", NULL);
  info->size = (int64_t)st.st_size;
  info->mtime = (double)st.st_mtim.tv_sec + (double)st.st_mtim.tv_nsec / 1e9;
  return 0;
}

int weft_file_close(weft_file *f) {
  if (check_file(f)) return set_error(WEFT_EINVAL, NULL);
  if (f->busy) return set_error(WEFT_EBUSY, "another task is inside a call on this file");
  FILE *fp = f->fp;
  f->magic = WEFT_MAGIC_DEAD;
  weft__free(f);
  errno = 0;
  if (fclose(fp) != 0) return from_errno(errno ? errno : EIO, "close", NULL);
  return 0;
}

static void close_background(weft_file *f) { weft_file_close(f); }

typedef struct dir_handle {
  DIR *dir;
  char *path;
  char *name;
  size_t cap;
} dir_handle;

static int dir_open_(const char *path, dir_handle *d) {
  errno = 0;
  if (!(d->dir = opendir(path))) return from_errno(errno ? errno : EIO, "opendir", path);
  return 0;
}

static int dir_next_(dir_handle *d, int *type) {
  for (;;) {
    errno = 0;
    struct dirent *e = readdir(d->dir);
    if (!e) return errno ? from_errno(errno, "readdir", d->path) : WEFT_EDONE;
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    size_t need = strlen(e->d_name) + 1;
    if (need > d->cap) {
      char *p = weft__realloc(d->name, need);
      if (!p) return set_error(WEFT_ENOMEM, NULL);
      d->name = p;
      d->cap = need;
    }
    memcpy(d->name, e->d_name, need);
    unsigned char t = e->d_type;
    if (t == DT_UNKNOWN) { /* some file systems do not say: ask */
      struct stat st;
      if (fstatat(dirfd(d->dir), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
        t = S_ISREG(st.st_mode) ? DT_REG : S_ISDIR(st.st_mode) ? DT_DIR : DT_LNK;
    }
    *type = t == DT_REG ? WEFT_DIRENT_FILE : t == DT_DIR ? WEFT_DIRENT_DIR : WEFT_DIRENT_OTHER;
    return 0;
  }
}

static int dir_close_(dir_handle *d, int wait) {
  (void)wait;
  if (d->dir) closedir(d->dir);
  d->dir = NULL;
  return 0;
}

#endif

/* --- async with ------------------------------------------------------------- */

void weft_file_defer_close(void *pf) {
  weft_file **p = pf;
  if (!p || !*p) return;
  weft_file_close(*p);
  *p = NULL;
}

int weft_file_with_close(void *arg, void *file, int status) {
  (void)arg, (void)status;
  return weft_file_close(file);
}

/* --- a file's chunks ---------------------------------------------------------- */

typedef struct chunk_iter {
  weft_aiter base;
  weft_file *file; /* borrowed (weft_file_chunks) or opened here (path) */
  char *path;      /* weft_path_chunks: the file is ours */
  size_t chunk_size;
  uint8_t *buf;
  weft_bytes out;
} chunk_iter;

static int chunks_close_file(chunk_iter *c) {
  if (!c->path || !c->file) return 0;
  weft_file *f = c->file;
  c->file = NULL;
  return weft_file_close(f);
}

static int chunks_anext(weft_aiter *it, intptr_t *value) {
  chunk_iter *c = (chunk_iter *)it;
  int rc;
  if (!c->file) {
    if (!c->path) return WEFT_EDONE;
    if ((rc = weft_file_open(c->path, "rb", &c->file)) != 0) return rc;
  }
  if (!c->buf && !(c->buf = weft__malloc(c->chunk_size))) return set_error(WEFT_ENOMEM, NULL);
  size_t n = 0;
  if ((rc = weft_file_read(c->file, c->buf, c->chunk_size, &n)) != 0) return rc;
  if (n == 0) {
    rc = chunks_close_file(c);
    return rc ? rc : WEFT_EDONE;
  }
  c->out.data = c->buf;
  c->out.len = n;
  *value = (intptr_t)&c->out;
  return 0;
}

static int chunks_aclose(weft_aiter *it) { return chunks_close_file((chunk_iter *)it); }

static void chunks_free(weft_aiter *it) {
  chunk_iter *c = (chunk_iter *)it;
  if (c->path && c->file) close_background(c->file); /* freed outside a task */
  weft__free(c->buf);
  weft__free(c->path);
  weft__free(c);
}

static const weft_aiter_vt chunks_vt = {chunks_anext, chunks_aclose, chunks_free};

static weft_aiter *chunks_new(weft_file *f, const char *path, size_t chunk_size) {
  chunk_iter *c = weft__calloc(1, sizeof *c);
  if (!c) return NULL;
  c->file = f;
  c->chunk_size = chunk_size ? chunk_size : (size_t)1 << 16;
  if (path) {
    size_t n = strlen(path) + 1;
    if (!(c->path = weft__malloc(n))) {
      weft__free(c);
      return NULL;
    }
    memcpy(c->path, path, n);
  }
  return weft_aiter_init(&c->base, &chunks_vt);
}

weft_aiter *weft_file_chunks(weft_file *f, size_t chunk_size) {
  if (check_file(f)) return NULL;
  return chunks_new(f, NULL, chunk_size);
}

weft_aiter *weft_path_chunks(const char *path, size_t chunk_size) {
  if (!path) return NULL;
  return chunks_new(NULL, path, chunk_size);
}

/* --- a directory's entries ---------------------------------------------------- */

typedef struct dir_iter {
  weft_aiter base;
  char *path;
  int opened, ended;
  dir_handle d;
  weft_dirent out;
} dir_iter;

static int dir_anext(weft_aiter *it, intptr_t *value) {
  dir_iter *d = (dir_iter *)it;
  int rc;
  if (!weft__current()) return set_error(WEFT_ENOTTASK, NULL);
  if (d->ended) return WEFT_EDONE;
  if (!d->opened) {
    if ((rc = dir_open_(d->path, &d->d)) != 0) return rc;
    d->opened = 1;
  }
  int type = 0;
  rc = dir_next_(&d->d, &type);
  if (rc == WEFT_EDONE) {
    d->ended = 1;
    int crc = dir_close_(&d->d, 1);
    return crc ? crc : WEFT_EDONE;
  }
  if (rc) return rc;
  d->out.name = d->d.name;
  d->out.type = type;
  *value = (intptr_t)&d->out;
  return 0;
}

static int dir_aclose(weft_aiter *it) {
  dir_iter *d = (dir_iter *)it;
  d->ended = 1;
  return d->opened ? dir_close_(&d->d, 1) : 0;
}

static void dir_free(weft_aiter *it) {
  dir_iter *d = (dir_iter *)it;
  if (d->opened) dir_close_(&d->d, 0);
  weft__free(d->d.name);
  weft__free(d->path);
  weft__free(d);
}

static const weft_aiter_vt dir_vt = {dir_anext, dir_aclose, dir_free};

weft_aiter *weft_dir_open(const char *path) {
  if (!path) return NULL;
  dir_iter *d = weft__calloc(1, sizeof *d);
  size_t n = strlen(path) + 1;
  if (!d || !(d->path = weft__malloc(n))) {
    weft__free(d);
    return NULL;
  }
  memcpy(d->path, path, n);
#if !defined(__EMSCRIPTEN__)
  d->d.path = d->path;
#endif
  return weft_aiter_init(&d->base, &dir_vt);
}
