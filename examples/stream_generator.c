/* Seeds 000/002, compress.py: back up a directory's files into a ZIP
 * archive, as a stream. An async generator re-yields the chunks of the ZIP
 * writer's stream, and an `async for` writes them out:
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
 * AioZipStream is weft_zip_new (weft/zip.h): a real ZIP archive in chunks
 * of at most 1 024 bytes, as aiozipstream's stream() yields them; aiofiles
 * is weft/file.h; directory.iterdir() is weft_dir_open.
 *
 * Usage: stream_generator [directory [zip_name]]
 *   With a directory: its files (not its subdirectories), in name order,
 *   each read chunk by chunk as the archive needs it, go into zip_name
 *   (default output.zip in the current directory). It prints one line per
 *   file, then the archive's size.
 *   Without: three generated files, each an async generator that takes
 *   10 ms per piece (the reader tasks of the page's pipeline), go into a
 *   fresh weft-output-N.zip in $TMPDIR or /tmp (removed at the end), or, on
 *   a host without paths (a page), into a download named output.zip. It
 *   prints one line per chunk written, then the archive's size as the file
 *   says:
 *
 *     chunk 1: 438 bytes
 *     output.zip: 438 bytes, 3 files
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

#define CHUNK 1024
#define MAX_FILES 4096

/* --- the generated files -------------------------------------------------- */

typedef struct file_entry {
  const char *name, *content;
} file_entry;

static const file_entry FILES[] = {
    {"notes.txt", "async generators, in C"},
    {"data.csv", "name,year\nweft,2026\n"},
    {"README.md", "# weft\nasyncio's model for C, on WebAssembly.\n"},
};
#define NFILES (sizeof FILES / sizeof FILES[0])

/* A generated file's bytes, 16 at a time, 10 ms apart (reading takes a while). */
static int generated_file(void *arg) {
  const file_entry *f = arg;
  size_t len = strlen(f->content);
  for (size_t off = 0; off < len;) {
    int rc = weft_sleep(10);
    if (rc) return rc;
    weft_bytes b = {(const uint8_t *)f->content + off, len - off < 16 ? len - off : 16};
    off += b.len;
    if ((rc = weft_gen_yield((intptr_t)&b)) != 0) return rc;
  }
  return 0;
}

/* --- the seed's two functions ------------------------------------------------- */

typedef struct backup {
  weft_zip_entry *files;
  size_t n;
} backup;

/* async def stream_generator(files): async for chunk in AioZipStream(files).stream(): yield chunk */
static int stream_generator(void *arg) {
  backup *b = arg;
  weft_zip_options opts = {CHUNK};
  int rc, yrc = 0;
  WEFT_AFOR(const weft_bytes *, chunk, weft_zip_new(b->files, b->n, &opts), &rc) {
    if ((yrc = weft_gen_yield((intptr_t)chunk)) != 0) break; /* closed early: the zip stream is closed too */
  }
  return yrc ? yrc : rc;
}

static const char *directory, *zip_name;
static char tmp_name[512];

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* [path for path in directory.iterdir() if path.is_file()], sorted. */
static int list_files(char **names, size_t *n) {
  int rc;
  *n = 0;
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open(directory), &rc) {
    if (e->type != WEFT_DIRENT_FILE || *n == MAX_FILES) continue;
    if (!(names[*n] = strdup(e->name))) return WEFT_ENOMEM;
    (*n)++;
  }
  if (rc == 0) qsort(names, *n, sizeof *names, by_name);
  return rc;
}

/* A fresh file in the temporary folder: weft-output-N.zip, created
 * exclusively ("x"), so that runs at once never share one. */
static int open_temporary(weft_file **out) {
  const char *dir = getenv("TMPDIR");
  for (int i = 1; i < 10000; i++) {
    snprintf(tmp_name, sizeof tmp_name, "%s/weft-output-%d.zip", dir && *dir ? dir : "/tmp", i);
    int rc = weft_file_open(tmp_name, "xb", out);
    if (rc != WEFT_EEXIST) return rc;
  }
  return WEFT_EEXIST;
}

static intptr_t amain(void *arg) {
  (void)arg;
  static char *names[MAX_FILES];
  static char paths[MAX_FILES][1024];
  static weft_zip_entry entries[MAX_FILES];
  backup b = {entries, 0};
  int rc;
  if (directory) {
    if ((rc = list_files(names, &b.n)) != 0) {
      fprintf(stderr, "stream_generator: %s: %s\n", directory, weft_file_error_message());
      return weft_fail(rc);
    }
    for (size_t i = 0; i < b.n; i++) {
      snprintf(paths[i], sizeof paths[i], "%s/%s", directory, names[i]);
      entries[i] = (weft_zip_entry){names[i], weft_path_chunks(paths[i], CHUNK), WEFT_ZIP_STORE, 0};
    }
  } else {
    for (size_t i = 0; i < NFILES; i++)
      entries[i] = (weft_zip_entry){FILES[i].name, weft_gen_new(NULL, generated_file, (void *)&FILES[i], NULL),
                                    WEFT_ZIP_STORE, 0};
    b.n = NFILES;
  }

  /* async with aiofiles.open(zip_name, mode="wb") as archive: */
  weft_file *archive = NULL;
  const char *where = zip_name;
  if (directory) rc = weft_file_open(zip_name, "wb", &archive);
  else if (strcmp(weft_file_backend(), "node") == 0 || strcmp(weft_file_backend(), "stdio") == 0) rc = open_temporary(&archive), where = tmp_name;
  else rc = weft_file_open_download("output.zip", "application/zip", &archive), where = NULL;
  if (rc) {
    for (size_t i = 0; i < b.n; i++) weft_aiter_free(entries[i].data);
    fprintf(stderr, "stream_generator: %s\n", weft_file_error_message());
    return weft_fail(rc);
  }
  int n = 0, wrc = 0;
  uint64_t total = 0;
  WEFT_AFOR(const weft_bytes *, chunk, weft_gen_new(NULL, stream_generator, &b, NULL), &rc) {
    if ((wrc = weft_file_write(archive, chunk->data, chunk->len)) != 0) break; /* await archive.write(chunk) */
    total += chunk->len;
    if (!directory) printf("chunk %d: %zu bytes\n", ++n, chunk->len);
  }
  weft_file_info info = {0};
  int src = where ? weft_file_stat(archive, &info) : 0;
  int crc = weft_file_close(archive);
  for (size_t i = 0; directory && i < b.n; i++) printf("added %s\n", names[i]);
  for (size_t i = 0; i < b.n && directory; i++) free(names[i]);
  if (rc || wrc || crc || src) {
    fprintf(stderr, "stream_generator: %s\n", weft_file_error_message());
    return weft_fail(rc ? rc : wrc ? wrc : crc ? crc : src);
  }
  printf("%s: %lld bytes, %zu files\n", directory ? zip_name : "output.zip", (long long)(where ? info.size : (int64_t)total), b.n);
  if (!directory && where) weft_file_remove(tmp_name);
  return 0;
}

int main(int argc, char **argv) {
  directory = argc > 1 ? argv[1] : NULL;
  zip_name = argc > 2 ? argv[2] : "output.zip";
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "stream_generator: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
