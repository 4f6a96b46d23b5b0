/* The ZIP writer's own contract (weft/zip.h), byte for byte where the format
 * fixes it; the archives themselves are judged by unzip and Python's
 * zipfile in tests/node/zip.test.mjs. Under ASan: no leak on any path (bad
 * arguments free the entries' iterators, an early close frees the unread
 * ones, a failing entry ends the archive). */
#include <stdint.h>

#include "harness.h"

static void crc32_vectors(void) {
  CHECK_EQ(weft_crc32(0, "123456789", 9), 0xCBF43926u); /* the check value of CRC-32/ISO-HDLC */
  CHECK_EQ(weft_crc32(0, "", 0), 0);
  /* Continuing gives the same as one pass, across the 8-byte blocks. */
  const char *s = "The quick brown fox jumps over the lazy dog";
  uint32_t whole = weft_crc32(0, s, strlen(s));
  CHECK_EQ(whole, 0x414FA339u);
  CHECK_EQ(weft_crc32(weft_crc32(0, s, 13), s + 13, strlen(s) - 13), whole);
}

/* A source of `n` chunks of "abcd", failing with `fail` instead of ending
 * (0: ends), counting frees. */
typedef struct src {
  weft_aiter base;
  int n, fail, *freed;
  weft_bytes b;
} src;

static int src_anext(weft_aiter *it, intptr_t *value) {
  src *s = (src *)it;
  if (s->n == 0) return s->fail ? s->fail : WEFT_EDONE;
  s->n--;
  s->b.data = (const uint8_t *)"abcd";
  s->b.len = 4;
  *value = (intptr_t)&s->b;
  return weft_yield();
}

static void src_free(weft_aiter *it) {
  src *s = (src *)it;
  (*s->freed)++;
  free(s);
}

static const weft_aiter_vt src_vt = {src_anext, NULL, src_free};

static weft_aiter *source(int n, int fail, int *freed) {
  src *s = calloc(1, sizeof *s);
  s->n = n;
  s->fail = fail;
  s->freed = freed;
  return weft_aiter_init(&s->base, &src_vt);
}

static uint8_t archive[4096];
static size_t archive_len;

static int drain(weft_aiter *z) {
  int rc;
  archive_len = 0;
  WEFT_AFOR(const weft_bytes *, c, z, &rc) {
    if (archive_len + c->len <= sizeof archive) memcpy(archive + archive_len, c->data, c->len);
    archive_len += c->len;
  }
  return rc;
}

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint32_t le16(const uint8_t *p) { return p[0] | p[1] << 8; }

static intptr_t layout_main(void *arg) {
  (void)arg;
  /* No entries: just the end record. */
  CHECK_EQ(drain(weft_zip_new(NULL, 0, NULL)), 0);
  static const uint8_t eocd[22] = {0x50, 0x4b, 0x05, 0x06};
  CHECK_EQ(archive_len, 22);
  CHECK(memcmp(archive, eocd, 22) == 0);

  /* One stored entry of 2 chunks: header, 8 bytes, descriptor, central record, end record. */
  int freed = 0;
  weft_zip_entry e = {"a/b.txt", source(2, 0, &freed), WEFT_ZIP_STORE, 0};
  weft_zip_options o = {64};
  CHECK_EQ(drain(weft_zip_new(&e, 1, &o)), 0);
  CHECK_EQ(freed, 1);
  CHECK_EQ(archive_len, 30 + 7 + 8 + 16 + 46 + 7 + 22);
  CHECK_EQ(le32(archive), 0x04034b50);
  CHECK_EQ(le16(archive + 6), (1 << 3) | (1 << 11)); /* data descriptor, UTF-8 */
  CHECK_EQ(le16(archive + 10), 0);                   /* 00:00:00 */
  CHECK_EQ(le16(archive + 12), (1 << 5) | 1);        /* 1980-01-01 */
  CHECK(memcmp(archive + 30, "a/b.txt", 7) == 0);
  CHECK(memcmp(archive + 37, "abcdabcd", 8) == 0);
  const uint8_t *d = archive + 45;
  CHECK_EQ(le32(d), 0x08074b50);
  CHECK_EQ(le32(d + 4), weft_crc32(0, "abcdabcd", 8));
  CHECK_EQ(le32(d + 8), 8);
  CHECK_EQ(le32(d + 12), 8);
  const uint8_t *c = d + 16;
  CHECK_EQ(le32(c), 0x02014b50);
  CHECK_EQ(le32(c + 16), weft_crc32(0, "abcdabcd", 8));
  CHECK_EQ(le32(c + 20), 8);
  CHECK_EQ(le32(c + 42), 0); /* the local header's offset */
  const uint8_t *end = c + 46 + 7;
  CHECK_EQ(le32(end), 0x06054b50);
  CHECK_EQ(le16(end + 10), 1);
  CHECK_EQ(le32(end + 12), 46 + 7);
  CHECK_EQ(le32(end + 16), (uint32_t)(c - archive));

  /* 2020-02-29 12:34:56 UTC as a DOS time (seconds halved). */
  weft_zip_entry t = {"t", source(0, 0, &freed), WEFT_ZIP_STORE, 1582979696.0};
  CHECK_EQ(drain(weft_zip_new(&t, 1, NULL)), 0);
  CHECK_EQ(le16(archive + 10), 12 << 11 | 34 << 5 | 28);
  CHECK_EQ(le16(archive + 12), 40 << 9 | 2 << 5 | 29);
  return 0;
}

static void layout(void) { layout_main(NULL); }

static intptr_t errors_main(void *arg) {
  (void)arg;
  int freed = 0;
  /* Bad arguments: NULL, and every entry's iterator is freed. */
  weft_zip_entry bad[2] = {{"ok", source(1, 0, &freed), 0, 0}, {"", source(1, 0, &freed), 0, 0}};
  CHECK(weft_zip_new(bad, 2, NULL) == NULL);
  CHECK_EQ(freed, 2);
  weft_zip_entry badm = {"m", source(1, 0, &freed), 3, 0};
  CHECK(weft_zip_new(&badm, 1, NULL) == NULL);
  CHECK_EQ(freed, 3);
  CHECK(weft_zip_new(NULL, 1, NULL) == NULL);

  /* An entry failing mid-way ends the archive with its error, once. */
  freed = 0;
  weft_zip_entry f[2] = {{"one", source(3, WEFT_EIO, &freed), 0, 0}, {"two", source(1, 0, &freed), 0, 0}};
  weft_aiter *z = weft_zip_new(f, 2, NULL);
  intptr_t v;
  CHECK_EQ(weft_anext(z, &v), WEFT_EIO);
  CHECK_EQ(weft_anext(z, &v), WEFT_EDONE);
  CHECK_EQ(weft_aiter_free(z), 0);
  CHECK_EQ(freed, 2);

  /* Closed early (a break): the entries not read yet are freed. */
  freed = 0;
  weft_zip_entry g[3] = {{"a", source(40, 0, &freed), 0, 0}, {"b", source(1, 0, &freed), 0, 0}, {"c", source(1, 0, &freed), 0, 0}};
  weft_zip_options o = {64};
  int rc, chunks = 0;
  WEFT_AFOR(const weft_bytes *, c, weft_zip_new(g, 3, &o), &rc) {
    CHECK_EQ(c->len, 64);
    if (++chunks == 2) break;
  }
  CHECK_EQ(rc, 0);
  CHECK_EQ(freed, 3);

  /* Deflate natively without zlib: WEFT_ENOSYS, else a valid stream. */
  weft_zip_entry dfl = {"d", source(4, 0, &freed), WEFT_ZIP_DEFLATE, 0};
  rc = drain(weft_zip_new(&dfl, 1, NULL));
  CHECK(rc == 0 || rc == WEFT_ENOSYS);
  if (rc == 0) CHECK_EQ(le16(archive + 8), 8);
  return 0;
}

static void errors(void) { errors_main(NULL); }

/* On wasm weft_run never returns: every case runs in the one main task. */
static intptr_t all_main(void *arg) {
  (void)arg;
  RUN(crc32_vectors);
  RUN(layout);
  RUN(errors);
  return DONE() ? weft_fail(WEFT_EFAILED) : 0;
}

int main(void) { return weft_run(all_main, NULL, NULL) ? 1 : 0; }
