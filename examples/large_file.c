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
 * The program writes large-file.md first (natively in $TMPDIR or /tmp, named
 * after the process; on wasm in Emscripten's in-memory file system) and reads it 24
 * bytes at a time; each chunk is printed after 0.2 s. The generator's
 * `async with` is its cleanup path: the file is closed whether the loop
 * ends, breaks or the generator is closed early.
 *
 * Usage: large_file [iterable|iterator] [url]
 * With a URL (wasm: weft_fetch), the same two shapes read a fetched body
 * instead, chunk by chunk as the network delivers it (weft_response_read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
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
  int rc = weft_yield(); /* await aiofiles.open(...) */
  if (rc) return rc;
  FILE *file = fopen(self->path, "rb");
  if (!file) return WEFT_EINVAL;
  chunk c;
  for (;;) {
    if ((rc = weft_yield()) != 0) break; /* await file.read(...) */
    c.len = fread(c.data, 1, self->chunk_size, file);
    if (c.len == 0) break;
    c.data[c.len] = 0;
    if ((rc = weft_gen_yield((intptr_t)&c)) != 0) break; /* the chunk lives on the generator's stack */
  }
  fclose(file); /* the end of the `async with` block, on every path */
  return rc;
}

static weft_aiter *iterable_aiter(async_file_iterable *self) {
  return weft_gen_new(NULL, url ? body_chunks : file_chunks, self, NULL);
}

/* --- the iterator: __anext__ with an open file ------------------------------ */

typedef struct async_file_iterator {
  weft_aiter base;
  const char *path;
  size_t chunk_size;
  FILE *file;
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
  if (!self->file) {
    if ((rc = weft_yield()) != 0) return rc;
    if (!(self->file = fopen(self->path, "rb"))) return WEFT_EINVAL;
  }
  if ((rc = weft_yield()) != 0) return rc;
  self->c.len = fread(self->c.data, 1, self->chunk_size, self->file);
  if (self->c.len == 0) {
    fclose(self->file);
    self->file = NULL;
    return WEFT_EDONE;
  }
  self->c.data[self->c.len] = 0;
  *value = (intptr_t)&self->c;
  return 0;
}

/* Closed early (say a `break`): the file still gets closed. */
static int file_aclose(weft_aiter *it) {
  async_file_iterator *self = (async_file_iterator *)it;
  if (self->file) fclose(self->file);
  self->file = NULL;
  return 0;
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
static char path[256];

static intptr_t amain(void *arg) {
  (void)arg;
  int rc;
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
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  use_iterator = argc > 1 && strcmp(argv[1], "iterator") == 0;
  if (argc > 2) url = argv[2];
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/weft-large-file-%d.md", dir && *dir ? dir : "/tmp", (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 1;
  }
  fputs(CONTENT, f);
  fclose(f);
  int rc = weft_run(amain, NULL, NULL);
  remove(path);
  if (rc) fprintf(stderr, "large_file: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
