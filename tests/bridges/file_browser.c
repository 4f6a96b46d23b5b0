/* weft/file.h and weft/zip.h in a browser page (tests/browser/file.test.mjs
 * loads it in tests/browser/fixture.html with a File handed in as
 * "picked.txt" whose text is "picked by the user\n" x 1000): the Origin
 * Private File System for paths (write, read back, seek, stat, append, each
 * error the API gives, the directory, remove), the handed-in File read-only,
 * a download, and a deflated ZIP of both handed to the page as a download
 * that the test judges with unzip and zipfile. */
#include <stdint.h>

#include "../c/harness.h"

#define PICKED_LINE "picked by the user\n"

static void opfs_files(void) {
  CHECK_STR(weft_file_backend(), "opfs");
  weft_file *f;
  CHECK_EQ(weft_file_open("missing-dir/a.txt", "w", &f), WEFT_ENOENT);
  CHECK_EQ(weft_file_open("missing.txt", "r", &f), WEFT_ENOENT);
  CHECK_EQ(weft_file_open("a.txt", "w", &f), 0);
  CHECK_STR(weft_file_kind(f), "opfs");
  CHECK_EQ(weft_file_write(f, "hello ", 6), 0);
  CHECK_EQ(weft_file_write(f, "OPFS", 4), 0);
  int64_t pos;
  CHECK_EQ(weft_file_seek(f, 0, WEFT_SEEK_SET, &pos), 0);
  CHECK_EQ(weft_file_write(f, "H", 1), 0);
  char b[8];
  size_t n;
  CHECK_EQ(weft_file_read(f, b, sizeof b, &n), WEFT_EBADF);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_open("a.txt", "a", &f), 0);
  CHECK_EQ(weft_file_write(f, "!", 1), 0);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_open("a.txt", "x", &f), WEFT_EEXIST);
  CHECK_EQ(weft_file_open("a.txt", "r+", &f), WEFT_ENOSYS);
  CHECK_EQ(weft_file_open("a.txt", "r", &f), 0);
  weft_file_info info;
  CHECK_EQ(weft_file_stat(f, &info), 0);
  CHECK_EQ(info.size, 11);
  char all[32] = {0};
  CHECK_EQ(weft_file_read(f, all, sizeof all, &n), 0);
  CHECK_EQ(n, 11);
  CHECK_STR(all, "Hello OPFS!");
  CHECK_EQ(weft_file_seek(f, -5, WEFT_SEEK_END, &pos), 0);
  CHECK_EQ(pos, 6);
  memset(all, 0, sizeof all);
  CHECK_EQ(weft_file_read(f, all, 4, &n), 0);
  CHECK_STR(all, "OPFS");
  CHECK_EQ(weft_file_write(f, "x", 1), WEFT_EBADF);
  CHECK_EQ(weft_file_close(f), 0);
  int rc, seen = 0;
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open(""), &rc) {
    if (strcmp(e->name, "a.txt") == 0) {
      seen++;
      CHECK_EQ(e->type, WEFT_DIRENT_FILE);
    }
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(seen, 1);
  WEFT_AFOR(const weft_dirent *, e, weft_dir_open("no-such-dir"), &rc) (void)e;
  CHECK_EQ(rc, WEFT_ENOENT);
  CHECK_EQ(weft_file_open("a.txt/b", "r", &f), WEFT_ENOTDIR);
  CHECK_EQ(weft_file_remove("a.txt"), 0);
  CHECK_EQ(weft_file_open("a.txt", "r", &f), WEFT_ENOENT);
  CHECK_EQ(weft_file_remove("a.txt"), WEFT_ENOENT);
}

static void handed_in(void) {
  weft_file *f;
  CHECK_EQ(weft_file_open("picked.txt", "w", &f), WEFT_EACCES);
  CHECK_EQ(weft_file_open("picked.txt", "r", &f), 0);
  CHECK_STR(weft_file_kind(f), "blob");
  weft_file_info info;
  CHECK_EQ(weft_file_stat(f, &info), 0);
  CHECK_EQ(info.size, 1000 * (int64_t)strlen(PICKED_LINE));
  CHECK_EQ(weft_file_close(f), 0);
  int rc, chunks = 0, bad = 0;
  size_t total = 0;
  WEFT_AFOR(const weft_bytes *, c, weft_path_chunks("picked.txt", 1000), &rc) {
    for (size_t i = 0; i < c->len; i++) bad += c->data[i] != (uint8_t)PICKED_LINE[(total + i) % strlen(PICKED_LINE)];
    total += c->len;
    chunks++;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(bad, 0);
  CHECK_EQ(total, 19000);
  CHECK_EQ(chunks, 19);
}

static void download_and_zip(void) {
  weft_file *f;
  CHECK_EQ(weft_file_open_download("hello.txt", "text/plain", &f), 0);
  CHECK_STR(weft_file_kind(f), "download");
  CHECK_EQ(weft_file_write(f, "downloaded\n", 11), 0);
  CHECK_EQ(weft_file_seek(f, 0, WEFT_SEEK_SET, NULL), WEFT_ENOSYS);
  CHECK_EQ(weft_file_close(f), 0);
  /* The backup: the picked file and an OPFS one, deflated, as output.zip. */
  CHECK_EQ(weft_file_open("note.txt", "w", &f), 0);
  CHECK_EQ(weft_file_write(f, "a note in OPFS\n", 15), 0);
  CHECK_EQ(weft_file_close(f), 0);
  weft_zip_entry e[] = {{"picked.txt", weft_path_chunks("picked.txt", 0), WEFT_ZIP_DEFLATE, 1700000000.0},
                        {"note.txt", weft_path_chunks("note.txt", 0), WEFT_ZIP_STORE, 1700000000.0}};
  CHECK_EQ(weft_file_open_download("output.zip", "application/zip", &f), 0);
  int rc, wrc = 0;
  WEFT_AFOR(const weft_bytes *, c, weft_zip_new(e, 2, NULL), &rc) {
    if ((wrc = weft_file_write(f, c->data, c->len)) != 0) break;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(wrc, 0);
  CHECK_EQ(weft_file_close(f), 0);
  CHECK_EQ(weft_file_remove("note.txt"), 0);
}

static intptr_t all_main(void *arg) {
  (void)arg;
  RUN(opfs_files);
  RUN(handed_in);
  RUN(download_and_zip);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(all_main, NULL, NULL) ? 1 : 0; }
