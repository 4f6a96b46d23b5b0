/* weft — async files: open, read, write, seek, stat and close as suspending
 * calls, a file's chunks and a directory's entries as async iterators.
 *
 *   weft_file *f;
 *   int rc = weft_file_open("notes.txt", "rb", &f);    // aiofiles.open(path, mode="rb")
 *   if (rc) return weft_fail(rc);                     // WEFT_ENOENT, WEFT_EACCES, …
 *   WEFT_DEFER(weft_file_defer_close, &f);            // async with: closed on every way out
 *   char buf[4096];
 *   size_t n;
 *   while ((rc = weft_file_read(f, buf, sizeof buf, &n)) == 0 && n > 0) use(buf, n);
 *
 *   WEFT_AFOR(const weft_bytes *, b, weft_path_chunks("big.bin", 1 << 16), &rc)   // async for chunk in …
 *     use(b->data, b->len);
 *
 * Each call that waits suspends the calling task only; the others run
 * meanwhile. The backend is the host's:
 *   - Node: node:fs/promises (a FileHandle): reads and writes run on Node's
 *     thread pool. Paths are the machine's (relative to the process's cwd).
 *   - Browsers: the Origin Private File System (navigator.storage
 *     .getDirectory()) for paths: '/'-separated, relative to its root. A file
 *     is opened to read or to write, not both ("+" modes give WEFT_ENOSYS),
 *     and what is written appears in the file when it is closed (the writable
 *     stream's commit).
 *   - Any host: a Blob or File the page hands in by name (the module option
 *     `weftFiles: { name: blob }`, or Module.weftProvideFile(name, blob) at
 *     run time) opens by that name, read-only (each read is a
 *     blob.slice(...).arrayBuffer(), so it seeks too); such a name hides a
 *     file of the same path. And a file
 *     opened with weft_file_open_download is handed to the page as a Blob
 *     when it is closed.
 *   - Natively: stdio and POSIX directories. These calls BLOCK the whole
 *     loop while the system works (the native build is for tests and
 *     sanitizers; there is no thread pool).
 *
 * Cancellation. Every call that waits returns WEFT_ECANCELED at once when
 * its task is cancelled; the host cannot abort a file operation, so it ends
 * in the background and its result is dropped: a cancelled read leaves the
 * caller's buffer untouched and the position where it was; a cancelled write
 * may have reached the file (whole or in part; the position then follows
 * what was written); a cancelled open closes what it opened before it
 * returns. Operations on one file run in the order they were called, each
 * after the previous one has ended (a cancelled one included), and
 * weft_file_close waits for them all: once it returns, the host's handle is
 * closed. (Natively nothing waits, so nothing is cancelled.)
 *
 * Errors: WEFT_ENOENT, WEFT_EACCES, WEFT_EEXIST, WEFT_EISDIR, WEFT_ENOTDIR,
 * WEFT_ENOSPC, WEFT_EQUOTA, WEFT_EIO (another failure of the host),
 * WEFT_EBADF (not open for that), WEFT_EINVAL, WEFT_ENOMEM, WEFT_ECANCELED,
 * WEFT_ENOTTASK (every call here is made from a task, natively too),
 * WEFT_ENOSYS (no such backend here). weft_file_error_message() says more.
 *
 * Ownership: the caller owns the weft_file from a successful open until
 * weft_file_close, which frees it whatever it returns. Paths, modes and
 * buffers are only used during the call (they may live on the task's stack).
 * One file may be used by several tasks; it must not be closed while another
 * task is inside a call on it (WEFT_EBUSY).
 */
#ifndef WEFT_FILE_H
#define WEFT_FILE_H

#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "iter.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_file weft_file;

/* Opens `path` with an fopen-style `mode`: "r" (read; WEFT_ENOENT if
 * missing), "w" (write; created or truncated), "a" (write at the end;
 * created if missing), "x" (write; created, WEFT_EEXIST if it exists), each
 * optionally followed by "+" (read and write) and/or "b" (ignored: every
 * file is binary). A name handed in by the page (see above) opens that Blob,
 * read-only: any other mode than "r" gives WEFT_EACCES. On success stores a
 * file owned by the caller in *out and returns 0, else *out is NULL and the
 * code is one of those above (WEFT_EINVAL: NULL argument, bad mode, a path
 * the backend cannot name; WEFT_EISDIR may also come from the first read, as
 * the host tells). */
int weft_file_open(const char *path, const char *mode, weft_file **out);

/* Opens a write-only file whose bytes, when it is closed, become a Blob of
 * MIME type `type` (NULL: "application/octet-stream") handed to the page
 * under `name` (a download): Module.onWeftDownload(blob, name) when the page
 * set it (a module option), else, in a document, a click on a temporary
 * <a download=name> link. The bytes wait in the host's memory (outside wasm
 * memory) until then. WEFT_ENOSYS natively, and in Node without
 * onWeftDownload. Returns as weft_file_open. */
int weft_file_open_download(const char *name, const char *type, weft_file **out);

/* Reads up to `n` bytes at the file's position into `buf` and advances it.
 * Returns 0 and the count in *nread: fewer than n only at the end of the
 * file, 0 there (asyncio's b""). `buf` is written only if the call returns 0
 * (a cancelled read leaves it alone). WEFT_EBADF when not open for reading,
 * WEFT_EISDIR, WEFT_EIO, WEFT_ECANCELED, WEFT_EINVAL (NULL f/buf/nread). A
 * single call reads at most 1 GiB. */
int weft_file_read(weft_file *f, void *buf, size_t n, size_t *nread);

/* Writes the `n` bytes at `buf` at the file's position (at its end in "a"
 * mode) and advances it. Suspends until the host has taken all of them
 * (back-pressure: a writer never runs ahead of the disk by more than one
 * call). The bytes are copied when the call starts. Returns 0, WEFT_EBADF
 * (not open for writing), WEFT_ENOSPC, WEFT_EQUOTA, WEFT_EIO,
 * WEFT_ECANCELED, WEFT_EINVAL. */
int weft_file_write(weft_file *f, const void *buf, size_t n);

enum { WEFT_SEEK_SET = 0, WEFT_SEEK_CUR = 1, WEFT_SEEK_END = 2 };

/* Moves the position to `offset` from the start, the current position or
 * the end (whence WEFT_SEEK_*), and stores the new position in *pos (may be
 * NULL). Past the end is allowed (a write there leaves a hole of zeros).
 * Returns 0, WEFT_EINVAL (a negative result, bad whence), WEFT_ENOSYS (a
 * download: it only appends), WEFT_EIO, WEFT_ECANCELED. */
int weft_file_seek(weft_file *f, int64_t offset, int whence, int64_t *pos);

typedef struct weft_file_info {
  int64_t size;    /* bytes (what this file's writes have made it, for an OPFS or download file) */
  double mtime;    /* last modification, seconds since 1970-01-01 UTC (0: unknown) */
} weft_file_info;

/* The file's size and modification time. Returns 0, WEFT_EIO,
 * WEFT_ECANCELED, WEFT_EINVAL. */
int weft_file_stat(weft_file *f, weft_file_info *info);

/* Waits for the file's pending operations, closes it (OPFS: commits what was
 * written; a download: hands the Blob to the page) and frees `f`, whatever
 * it returns. Returns 0, or the close's error (WEFT_ENOSPC / WEFT_EQUOTA /
 * WEFT_EIO: what was written may be lost), WEFT_ECANCELED (the close goes on
 * in the background), WEFT_EBUSY (another task is inside a call on f:
 * nothing was done). NULL gives WEFT_EINVAL. */
int weft_file_close(weft_file *f);

/* Removes the file at `path` (aiofiles.os.remove): Node's fs.unlink, OPFS's
 * removeEntry, natively remove(). Returns 0, WEFT_ENOENT, WEFT_EACCES,
 * WEFT_EISDIR (a directory), WEFT_EIO, WEFT_ECANCELED (the removal may
 * still happen), WEFT_EINVAL, WEFT_ENOTTASK, WEFT_ENOSYS. */
int weft_file_remove(const char *path);

/* For WEFT_DEFER: `WEFT_DEFER(weft_file_defer_close, &f)` closes the file
 * *(weft_file **)pf when the block ends, if it is not NULL, and sets it to
 * NULL. The close's error is lost: a writer closes explicitly first
 * (`rc = weft_file_close(f); f = NULL;`) to see it. */
void weft_file_defer_close(void *pf);

/* For weft_with: a release callback that closes `file` (the resource). */
int weft_file_with_close(void *arg, void *file, int status);

/* What serves `f`: "node", "opfs", "blob" (handed in), "download" or
 * "stdio"; NULL for NULL. Static string. */
const char *weft_file_kind(const weft_file *f);

/* The backend that weft_file_open uses for a path that names no handed-in
 * Blob: "node", "opfs", "stdio", or "none" (a browser without OPFS, a host
 * without files: every open of a path then gives WEFT_ENOSYS). */
const char *weft_file_backend(void);

/* --- async iterators -------------------------------------------------------- */

/* The rest of `f`, `chunk_size` bytes at a time (0: 64 KiB), as an async
 * iterator of `const weft_bytes *` (weft/bytes.h): each chunk is full but
 * the last, and it lives until the next anext. The file is borrowed: the
 * iterator never closes it, and `f` must outlive it. Errors are weft_file_read's.
 * Returns the iterator (the caller frees it, or hands it to WEFT_AFOR), or
 * NULL (NULL f, out of memory). */
weft_aiter *weft_file_chunks(weft_file *f, size_t chunk_size);

/* The file at `path`, chunk by chunk as weft_file_chunks: opened ("rb") at
 * the first anext, which returns the open's error if any, and closed at its
 * end, on an error, and when the iterator is closed or freed early. `path`
 * is copied. Returns NULL (NULL path, out of memory). */
weft_aiter *weft_path_chunks(const char *path, size_t chunk_size);

enum { WEFT_DIRENT_FILE = 1, WEFT_DIRENT_DIR = 2, WEFT_DIRENT_OTHER = 3 };

typedef struct weft_dirent {
  const char *name; /* the entry's name (no path), UTF-8 */
  int type;         /* WEFT_DIRENT_* (a symbolic link is OTHER) */
} weft_dirent;

/* The entries of directory `path` (without "." and ".."), in the host's
 * order, as an async iterator of `const weft_dirent *`, each valid until the
 * next anext. The directory is opened at the first anext, which returns the
 * open's error (WEFT_ENOENT, WEFT_ENOTDIR, WEFT_EACCES, …), and closed at the
 * end or when the iterator is closed early. Node (fs.promises.opendir), OPFS
 * (a directory handle's entries()) and natively (opendir). `path` is copied.
 * Returns NULL (NULL path, out of memory). */
weft_aiter *weft_dir_open(const char *path);

/* A readable description of this thread's last file failure, e.g.
 * "ENOENT: no such file or directory, open 'missing.txt'". Set by the
 * failing call; read it before the task awaits anything else. Static
 * storage; "" when nothing failed yet. */
const char *weft_file_error_message(void);

#ifdef __cplusplus
}
#endif
#endif
