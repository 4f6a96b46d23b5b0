/* Seeds 000/002, "The .__aiter__() Method" and "The .__anext__() Method": a
 * large file read in chunks, as an async iterable whose __aiter__ is a
 * generator (large_file_iterable.py, the default) and as a class-style
 * iterator (large_file_iterator.py, `large_file iterator`).
 *
 *   class AsyncFileIterable:
 *       async def __aiter__(self):
 *           async with aiofiles.open(self.path, mode="rb") as file:
 *               while True:
 *                   chunk = await file.read(self.chunk_size)
 *                   if not chunk: break
 *                   yield chunk
 *
 *   class AsyncFileIterator:
 *       async def __anext__(self):
 *           if self.file is None: self.file = await aiofiles.open(self.path, mode="rb")
 *           chunk = await self.file.read(self.chunk_size)
 *           if not chunk:
 *               await self.file.close(); raise StopAsyncIteration
 *           return chunk
 *
 *   async def main():
 *       async for chunk in AsyncFileIterable("large-file.md"):
 *           await asyncio.sleep(0.2)   # Process the file chunk here...
 *           print(chunk.decode("utf-8"))
 *
 * The program writes large-file.md first through the async file API
 * (weft/file.h: natively stdio in $TMPDIR or /tmp; on wasm under Node
 * node:fs/promises there too; in a page the Origin Private File System),
 * and reads it back 24 bytes at a time with weft_file_read, each read a
 * real asynchronous read on the host (the loop keeps serving other tasks
 * meanwhile); each chunk is printed after 0.2 s. The generator's
 * `async with` is its cleanup path: the file is closed whether the loop
 * ends, breaks or the generator is closed early.
 *
 * Usage: large_file [iterable|iterator] [url|path]
 * With a URL (wasm: weft_fetch), the same two shapes read a fetched body
 * instead, chunk by chunk as the network delivers it (weft_response_read).
 * With a path, they read that file (a real one, or in a page a File the
 * page handed in under that name) instead of the generated one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#define CHUNK_SIZE 24

static const char *const CONTENT = /* chunks of exactly 24 bytes, then a short one */
    "Chunks of 24 bytes each,"
    "printed after 0.2 s naps"
    "by the consumer of them."
    "The end.";

typedef struct chunk {
  size_t len;
  char data[CHUNK_SIZE + 1];
} chunk;

static const char *url; /* a body to fetch instead of the file */

/* The next piece of a fetched body as a chunk (at most CHUNK_SIZE bytes of
 * it; the rest waits in *pending). Returns 0, WEFT_EDONE or an error. */
static int read_body(weft_response *r, char **pending, size_t *off, size_t *plen, chunk *c) {
  if (*off == *plen) {
    free(*pending);
    *pending = NULL;
    *off = *plen = 0;
    void *p;
    int rc = weft_response_read(r, &p, plen);
    if (rc) return rc;
    *pending = p;
  }
  c->len = *plen - *off < CHUNK_SIZE ? *plen - *off : CHUNK_SIZE;
  memcpy(c->data, *pending + *off, c->len);
  c->data[c->len] = 0;
  *off += c->len;
  return 0;
}

/* The iterable's generator over a fetched body. */
static int body_chunks(void *arg) {
  (void)arg;
  weft_response *r;
  int rc = weft_fetch(url, NULL, &r);
  if (rc) return rc;
  char *pending = NULL;
  size_t off = 0, plen = 0;
  chunk c;
  while ((rc = read_body(r, &pending, &off, &plen, &c)) == 0)
    if ((rc = weft_gen_yield((intptr_t)&c)) != 0) break;
  free(pending);
  weft_response_free(r); /* on every path: the end, an error, a close */
  return rc == WEFT_EDONE ? 0 : rc;
}

/* --- the iterable: __aiter__ as an async generator ------------------------ */

typedef struct async_file_iterable {
  const char *path;
  size_t chunk_size;
} async_file_iterable;

static int file_chunks(void *arg) {
  async_file_iterable *self = arg;
  weft_file *file;
  int rc = weft_file_open(self->path, "rb", &file); /* async with aiofiles.open(...) as file */
  if (rc) return rc;
  chunk c;
  for (;;) {
    if ((rc = weft_file_read(file, c.data, self->chunk_size, &c.len)) != 0) break; /* await file.read(...) */
    if (c.len == 0) break;
    c.data[c.len] = 0;
    if ((rc = weft_gen_yield((intptr_t)&c)) != 0) break; /* the chunk lives on the generator's stack */
  }
  int crc = weft_file_close(file); /* the end of the `async with` block, on every path */
  return rc ? rc : crc;
}

static weft_aiter *iterable_aiter(async_file_iterable *self) {
  return weft_gen_new(NULL, url ? body_chunks : file_chunks, self, NULL);
}

/* --- the iterator: __anext__ with an open file ------------------------------ */

typedef struct async_file_iterator {
  weft_aiter base;
  const char *path;
  size_t chunk_size;
  weft_file *file;
  chunk c;
  weft_response *response; /* with a URL */
  char *pending;
  size_t off, plen;
} async_file_iterator;

static int file_anext(weft_aiter *it, intptr_t *value) {
  async_file_iterator *self = (async_file_iterator *)it;
  int rc;
  if (url) {
    if (!self->response && (rc = weft_fetch(url, NULL, &self->response)) != 0) return rc;
    rc = read_body(self->response, &self->pending, &self->off, &self->plen, &self->c);
    if (rc == 0) *value = (intptr_t)&self->c;
    return rc; /* WEFT_EDONE at the end of the body */
  }
  if (!self->file && (rc = weft_file_open(self->path, "rb", &self->file)) != 0) return rc;
  if ((rc = weft_file_read(self->file, self->c.data, self->chunk_size, &self->c.len)) != 0) return rc;
  if (self->c.len == 0) {
    rc = weft_file_close(self->file); /* await self.file.close() */
    self->file = NULL;
    return rc ? rc : WEFT_EDONE;
  }
  self->c.data[self->c.len] = 0;
  *value = (intptr_t)&self->c;
  return 0;
}

/* Closed early (say a `break`): the file still gets closed. */
static int file_aclose(weft_aiter *it) {
  async_file_iterator *self = (async_file_iterator *)it;
  int rc = self->file ? weft_file_close(self->file) : 0;
  self->file = NULL;
  return rc;
}

/* The fetched body's resources, whichever way the iteration ended. */
static void release_response(async_file_iterator *self) {
  free(self->pending);
  self->pending = NULL;
  if (self->response) weft_response_free(self->response);
  self->response = NULL;
}

static const weft_aiter_vt file_vt = {file_anext, file_aclose, NULL};

static int use_iterator;
static const char *given;  /* a file to read instead of the generated one */
static char path[512];

/* Writes CONTENT to a fresh file (created exclusively, "x": runs at once
 * never share one): weft-large-file-N.md in $TMPDIR or /tmp, or at the root
 * of the page's OPFS. */
static int write_generated(void) {
  const char *dir = getenv("TMPDIR");
  int opfs = strcmp(weft_file_backend(), "opfs") == 0;
  weft_file *f = NULL;
  int rc = WEFT_EEXIST;
  for (int i = 1; i < 10000 && rc == WEFT_EEXIST; i++) {
    if (opfs) snprintf(path, sizeof path, "weft-large-file-%d.md", i);
    else snprintf(path, sizeof path, "%s/weft-large-file-%d.md", dir && *dir ? dir : "/tmp", i);
    rc = weft_file_open(path, "xb", &f);
  }
  if (rc) return rc;
  rc = weft_file_write(f, CONTENT, strlen(CONTENT));
  int crc = weft_file_close(f);
  return rc ? rc : crc;
}

static intptr_t amain(void *arg) {
  (void)arg;
  int rc;
  if (given) snprintf(path, sizeof path, "%s", given);
  else if (!url && (rc = write_generated()) != 0) {
    fprintf(stderr, "large_file: %s\n", weft_file_error_message());
    return weft_fail(rc);
  }
  weft_aiter *chunks;
  async_file_iterable iterable = {path, CHUNK_SIZE};
  async_file_iterator iterator = {.path = path, .chunk_size = CHUNK_SIZE};
  if (use_iterator)
    chunks = weft_aiter_init(&iterator.base, &file_vt);
  else
    chunks = iterable_aiter(&iterable);
  WEFT_AFOR(const chunk *, c, chunks, &rc) {
    if ((rc = weft_sleep(200)) != 0) break; /* process the file chunk here... */
    printf("%s\n", c->data);
  }
  release_response(&iterator);
  if (rc && !url) fprintf(stderr, "large_file: %s\n", weft_file_error_message());
  if (!given && !url) weft_file_remove(path);
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  use_iterator = argc > 1 && strcmp(argv[1], "iterator") == 0;
  if (argc > 2) {
    if (strstr(argv[2], "://")) url = argv[2];
    else given = argv[2];
  }
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "large_file: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
