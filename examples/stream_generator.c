/* Seeds 000/002, compress.py: an async generator that re-yields the chunks
 * of another async iterator, consumed by an `async for` that writes them out.
 *
 *   async def stream_generator(files):
 *       async_zipstream = AioZipStream(files)
 *       async for chunk in async_zipstream.stream():
 *           yield chunk
 *
 *   async def main(directory, zip_name="output.zip"):
 *       files = [{"file": path} for path in directory.iterdir() if path.is_file()]
 *       async with aiofiles.open(zip_name, mode="wb") as archive:
 *           async for chunk in stream_generator(files):
 *               await archive.write(chunk)
 *
 * There is no zip library here: archive_stream stands for AioZipStream's
 * stream() — an async generator producing an archive of three in-memory
 * files ("name\n" then the size and the content of each) in chunks of at
 * most 32 bytes, awaiting a little per chunk. stream_generator re-yields its
 * chunks with a WEFT_AFOR inside a generator, and main writes them to
 * output.zip (in $TMPDIR or /tmp natively, named after the process; in the
 * in-memory file system on wasm). It prints one line per chunk written, then the archive's size as
 * read back from the file:
 *
 *   chunk 1: 32 bytes
 *   ...
 *   output.zip: 123 bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

#define CHUNK 32

typedef struct file_entry {
  const char *name, *content;
} file_entry;

static const file_entry FILES[] = {
    {"notes.txt", "async generators, in C"},
    {"data.csv", "name,year\nweft,2026\n"},
    {"README.md", "# weft\nasyncio's model for C, on WebAssembly.\n"},
};
#define NFILES (sizeof FILES / sizeof FILES[0])

typedef struct buf {
  size_t len;
  char data[CHUNK];
} buf;

/* AioZipStream(files).stream(): the archive, CHUNK bytes at a time. */
static int archive_stream(void *arg) {
  (void)arg;
  char archive[512];
  size_t n = 0;
  for (size_t i = 0; i < NFILES; i++)
    n += (size_t)snprintf(archive + n, sizeof archive - n, "%s\n%zu\n%s", FILES[i].name, strlen(FILES[i].content),
                          FILES[i].content);
  buf b;
  for (size_t off = 0; off < n; off += b.len) {
    int rc = weft_sleep(10); /* compressing takes a while */
    if (rc) return rc;
    b.len = n - off < CHUNK ? n - off : CHUNK;
    memcpy(b.data, archive + off, b.len);
    if ((rc = weft_gen_yield((intptr_t)&b)) != 0) return rc;
  }
  return 0;
}

/* async def stream_generator(files): async for chunk in ...: yield chunk */
static int stream_generator(void *arg) {
  int rc, yrc = 0;
  WEFT_AFOR(const buf *, chunk, weft_gen_new(NULL, archive_stream, arg, NULL), &rc) {
    if ((yrc = weft_gen_yield((intptr_t)chunk)) != 0) break; /* closed early: the inner stream is closed too */
  }
  return yrc ? yrc : rc;
}

static intptr_t amain(void *arg) {
  const char *zip_name = arg;
  FILE *archive = fopen(zip_name, "wb"); /* async with aiofiles.open(...) as archive */
  if (!archive) return weft_fail(WEFT_EINVAL);
  int rc, n = 0;
  WEFT_AFOR(const buf *, chunk, weft_gen_new(NULL, stream_generator, NULL, NULL), &rc) {
    fwrite(chunk->data, 1, chunk->len, archive); /* await archive.write(chunk) */
    printf("chunk %d: %zu bytes\n", ++n, chunk->len);
  }
  fclose(archive);
  if (rc) return weft_fail(rc);
  FILE *f = fopen(zip_name, "rb");
  if (!f) return weft_fail(WEFT_EINVAL);
  fseek(f, 0, SEEK_END);
  printf("output.zip: %ld bytes\n", ftell(f));
  fclose(f);
  return 0;
}

int main(void) {
  char zip_name[256];
  const char *dir = getenv("TMPDIR");
  snprintf(zip_name, sizeof zip_name, "%s/weft-output-%d.zip", dir && *dir ? dir : "/tmp", (int)getpid());
  int rc = weft_run(amain, zip_name, NULL);
  remove(zip_name);
  if (rc) fprintf(stderr, "stream_generator: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
