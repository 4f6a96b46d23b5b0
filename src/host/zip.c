/* The streaming ZIP writer (include/weft/zip.h), after PKWARE's APPNOTE.TXT.
 *
 * One async iterator, a state machine: each anext fills one output chunk
 * from, in order, the bytes already formatted and waiting (`pend`: headers,
 * descriptors, deflate's output), then the current entry's data (stored
 * bytes are copied straight from the entry's chunk, which stays valid until
 * the entry's next anext), asking the entry for its next chunk when its last
 * one is used up. The central directory's records are the only state that
 * grows with the archive (one per entry). Deflate is a small interface with
 * two implementations: the host's CompressionStream on wasm
 * (src/js/library_deflate.js), zlib natively when the build found it. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/internal.h"
#include "weft/zip.h"

#if defined(__EMSCRIPTEN__)
#include "weft/host.h"
#elif defined(WEFT_HAVE_ZLIB)
#include <zlib.h>
#endif

/* --- CRC-32, slicing by 8 ---------------------------------------------------- */

static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    crc_table[0][i] = c;
  }
  for (uint32_t i = 0; i < 256; i++)
    for (int t = 1; t < 8; t++) crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
  crc_ready = 1;
}

uint32_t weft_crc32(uint32_t crc, const void *data, size_t n) {
  if (!crc_ready) crc_init();
  const uint8_t *p = data;
  uint32_t c = ~crc;
  while (n >= 8) {
    uint32_t a = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
    uint32_t b = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
    c = crc_table[7][a & 0xFF] ^ crc_table[6][(a >> 8) & 0xFF] ^ crc_table[5][(a >> 16) & 0xFF] ^
        crc_table[4][a >> 24] ^ crc_table[3][b & 0xFF] ^ crc_table[2][(b >> 8) & 0xFF] ^
        crc_table[1][(b >> 16) & 0xFF] ^ crc_table[0][b >> 24];
    p += 8;
    n -= 8;
  }
  while (n--) c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
  return ~c;
}

/* --- the archive ---------------------------------------------------------- */

#define U32_MAX 0xFFFFFFFFu

typedef struct zrec { /* one entry, for its central directory record */
  char *name;
  uint16_t nlen, method, dtime, ddate;
  uint32_t crc;
  uint64_t csize, usize, offset;
} zrec;

enum { S_ENTRY, S_DATA, S_CENTRAL, S_END, S_DONE };

typedef struct zip {
  weft_aiter base;
  zrec *recs;
  weft_aiter **src; /* the entries' data, NULL once read */
  size_t n, cur, cidx;
  int state;
  uint64_t pos;      /* bytes of the archive produced so far (pend included) */
  uint64_t cd_start;
  const weft_bytes *in; /* the current entry's chunk, and how much of it is used */
  size_t in_off;
  uint8_t *obuf;
  size_t cap;
  weft_bytes out;
  uint8_t *pend; /* formatted bytes waiting to go out */
  size_t plen, poff, pcap;
  void *deflater;
} zip;

static int pend_reserve(zip *z, size_t more) {
  if (z->plen + more <= z->pcap) return 0;
  size_t cap = z->pcap ? z->pcap : 256;
  while (cap < z->plen + more) cap *= 2;
  uint8_t *p = weft__realloc(z->pend, cap);
  if (!p) return WEFT_ENOMEM;
  z->pend = p;
  z->pcap = cap;
  return 0;
}

static void put(zip *z, const void *data, size_t n) { /* after pend_reserve */
  memcpy(z->pend + z->plen, data, n);
  z->plen += n;
  z->pos += n;
}
static void put16(zip *z, uint32_t v) {
  uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
  put(z, b, 2);
}
static void put32(zip *z, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  put(z, b, 4);
}
static void put64(zip *z, uint64_t v) {
  put32(z, (uint32_t)v);
  put32(z, (uint32_t)(v >> 32));
}

/* --- deflate ---------------------------------------------------------------- */

/* Starts deflating the current entry; each push appends the compressed bytes
 * that are ready to pend (the entry's csize grows with them); the final push
 * flushes the rest and ends the stream. */
#if defined(__EMSCRIPTEN__)
extern int weft_js_deflate_new(void);
extern void weft_js_deflate_push(weft_future *fut, int id, const void *data, size_t n, int final);
extern size_t weft_js_deflate_take(int id, void *buf, size_t cap);
extern void weft_js_deflate_free(int id);

static int deflate_begin(zip *z) {
  int id = weft_js_deflate_new();
  if (id <= 0) return WEFT_ENOSYS;
  z->deflater = (void *)(intptr_t)id;
  return 0;
}

static int deflate_push(zip *z, const uint8_t *data, size_t n, int final) {
  int id = (int)(intptr_t)z->deflater;
  weft_future *fut = weft_host_future(NULL, NULL, NULL);
  if (!fut) return WEFT_ENOMEM;
  weft_js_deflate_push(fut, id, data, n, final);
  intptr_t ready = 0;
  int rc = weft_await(fut, &ready);
  weft_release(fut);
  if (rc) return rc;
  if (ready > 0) {
    if (pend_reserve(z, (size_t)ready)) return WEFT_ENOMEM;
    size_t got = weft_js_deflate_take(id, z->pend + z->plen, (size_t)ready);
    z->plen += got;
    z->pos += got;
    z->recs[z->cur].csize += got;
  }
  return 0;
}

static void deflate_end(zip *z) {
  if (z->deflater) weft_js_deflate_free((int)(intptr_t)z->deflater);
  z->deflater = NULL;
}
#elif defined(WEFT_HAVE_ZLIB)
static int deflate_begin(zip *z) {
  z_stream *s = weft__calloc(1, sizeof *s);
  if (!s) return WEFT_ENOMEM;
  if (deflateInit2(s, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) { /* -15: raw deflate, as ZIP wants */
    weft__free(s);
    return WEFT_ENOMEM;
  }
  z->deflater = s;
  return 0;
}

static int deflate_push(zip *z, const uint8_t *data, size_t n, int final) {
  z_stream *s = z->deflater;
  s->next_in = (Bytef *)data;
  s->avail_in = (uInt)n;
  for (;;) {
    if (pend_reserve(z, 16384)) return WEFT_ENOMEM;
    s->next_out = z->pend + z->plen;
    s->avail_out = (uInt)(z->pcap - z->plen);
    size_t before = s->avail_out;
    int zr = deflate(s, final ? Z_FINISH : Z_NO_FLUSH);
    size_t got = before - s->avail_out;
    z->plen += got;
    z->pos += got;
    z->recs[z->cur].csize += got;
    if (zr == Z_STREAM_END) return 0;
    if (zr != Z_OK && zr != Z_BUF_ERROR) return WEFT_EIO;
    if (s->avail_in == 0 && s->avail_out != 0) return 0;
  }
}

static void deflate_end(zip *z) {
  if (z->deflater) {
    deflateEnd(z->deflater);
    weft__free(z->deflater);
  }
  z->deflater = NULL;
}
#else
static int deflate_begin(zip *z) {
  (void)z;
  return WEFT_ENOSYS;
}
static int deflate_push(zip *z, const uint8_t *data, size_t n, int final) {
  (void)z, (void)data, (void)n, (void)final;
  return WEFT_ENOSYS;
}
static void deflate_end(zip *z) { (void)z; }
#endif

/* --- records ------------------------------------------------------------------ */

static void dos_time(double mtime, uint16_t *t, uint16_t *d) {
  time_t secs = (time_t)mtime;
  struct tm tm;
  if (mtime < 315532800.0 || !gmtime_r(&secs, &tm) || tm.tm_year + 1900 > 2107) { /* before 1980, or past 2107 */
    *t = 0;
    *d = (1 << 5) | 1;
    return;
  }
  *t = (uint16_t)(tm.tm_hour << 11 | tm.tm_min << 5 | tm.tm_sec / 2);
  *d = (uint16_t)((tm.tm_year + 1900 - 1980) << 9 | (tm.tm_mon + 1) << 5 | tm.tm_mday);
}

enum { FLAG_DESCRIPTOR = 1 << 3, FLAG_UTF8 = 1 << 11 };

static int local_header(zip *z) {
  zrec *r = &z->recs[z->cur];
  if (pend_reserve(z, 30 + (size_t)r->nlen)) return WEFT_ENOMEM;
  r->offset = z->pos;
  put32(z, 0x04034b50);
  put16(z, 20); /* version needed: 2.0 (a data descriptor, deflate) */
  put16(z, FLAG_DESCRIPTOR | FLAG_UTF8);
  put16(z, r->method);
  put16(z, r->dtime);
  put16(z, r->ddate);
  put32(z, 0); /* CRC-32 and sizes: in the data descriptor */
  put32(z, 0);
  put32(z, 0);
  put16(z, r->nlen);
  put16(z, 0);
  put(z, r->name, r->nlen);
  return 0;
}

/* The data descriptor: 8-byte sizes when the entry needs ZIP64 (readers
 * know from its central record's ZIP64 extra field). */
static int descriptor(zip *z) {
  zrec *r = &z->recs[z->cur];
  if (pend_reserve(z, 24)) return WEFT_ENOMEM;
  put32(z, 0x08074b50);
  put32(z, r->crc);
  if (r->csize >= U32_MAX || r->usize >= U32_MAX) {
    put64(z, r->csize);
    put64(z, r->usize);
  } else {
    put32(z, (uint32_t)r->csize);
    put32(z, (uint32_t)r->usize);
  }
  return 0;
}

static int central_record(zip *z, const zrec *r) {
  int big_u = r->usize >= U32_MAX, big_c = r->csize >= U32_MAX, big_o = r->offset >= U32_MAX;
  size_t extra = big_u || big_c || big_o ? 4 + 8 * (size_t)(big_u + big_c + big_o) : 0;
  if (pend_reserve(z, 46 + (size_t)r->nlen + extra)) return WEFT_ENOMEM;
  put32(z, 0x02014b50);
  put16(z, 3 << 8 | 45); /* made by: UNIX, 4.5 */
  put16(z, extra ? 45 : 20);
  put16(z, FLAG_DESCRIPTOR | FLAG_UTF8);
  put16(z, r->method);
  put16(z, r->dtime);
  put16(z, r->ddate);
  put32(z, r->crc);
  put32(z, big_c ? U32_MAX : (uint32_t)r->csize);
  put32(z, big_u ? U32_MAX : (uint32_t)r->usize);
  put16(z, r->nlen);
  put16(z, (uint32_t)extra);
  put16(z, 0); /* comment */
  put16(z, 0); /* disk */
  put16(z, 0); /* internal attributes */
  put32(z, (uint32_t)0100644 << 16); /* a regular file, rw-r--r-- */
  put32(z, big_o ? U32_MAX : (uint32_t)r->offset);
  put(z, r->name, r->nlen);
  if (extra) { /* the ZIP64 extended information: only the fields marked 0xFFFFFFFF, in this order */
    put16(z, 0x0001);
    put16(z, (uint32_t)(extra - 4));
    if (big_u) put64(z, r->usize);
    if (big_c) put64(z, r->csize);
    if (big_o) put64(z, r->offset);
  }
  return 0;
}

static int end_records(zip *z) {
  uint64_t cd_size = z->pos - z->cd_start, cd_off = z->cd_start, n = z->n;
  int zip64 = n >= 0xFFFF || cd_size >= U32_MAX || cd_off >= U32_MAX;
  if (pend_reserve(z, 56 + 20 + 22)) return WEFT_ENOMEM;
  if (zip64) {
    uint64_t at = z->pos;
    put32(z, 0x06064b50); /* ZIP64 end of central directory record */
    put64(z, 44);
    put16(z, 3 << 8 | 45);
    put16(z, 45);
    put32(z, 0);
    put32(z, 0);
    put64(z, n);
    put64(z, n);
    put64(z, cd_size);
    put64(z, cd_off);
    put32(z, 0x07064b50); /* its locator */
    put32(z, 0);
    put64(z, at);
    put32(z, 1);
  }
  put32(z, 0x06054b50);
  put16(z, 0);
  put16(z, 0);
  put16(z, n >= 0xFFFF ? 0xFFFF : (uint32_t)n);
  put16(z, n >= 0xFFFF ? 0xFFFF : (uint32_t)n);
  put32(z, cd_size >= U32_MAX ? U32_MAX : (uint32_t)cd_size);
  put32(z, cd_off >= U32_MAX ? U32_MAX : (uint32_t)cd_off);
  put16(z, 0);
  return 0;
}

/* --- the iterator ------------------------------------------------------------- */

/* Ends the iteration with `rc` (it is over: the archive is unfinished). */
static int zip_fail(zip *z, int rc) {
  z->state = S_DONE;
  deflate_end(z);
  return rc;
}

static int zip_anext(weft_aiter *it, intptr_t *value) {
  zip *z = (zip *)it;
  size_t olen = 0;
  int rc;
  if (z->state == S_DONE) return WEFT_EDONE;
  while (olen < z->cap) {
    if (z->poff < z->plen) {
      size_t k = z->plen - z->poff;
      if (k > z->cap - olen) k = z->cap - olen;
      memcpy(z->obuf + olen, z->pend + z->poff, k);
      olen += k;
      z->poff += k;
      continue;
    }
    z->plen = z->poff = 0;
    if (z->state == S_ENTRY) {
      if (z->cur == z->n) {
        z->state = S_CENTRAL;
        z->cd_start = z->pos;
        continue;
      }
      if ((rc = local_header(z)) != 0) return zip_fail(z, rc);
      if (z->recs[z->cur].method == WEFT_ZIP_DEFLATE && (rc = deflate_begin(z)) != 0) return zip_fail(z, rc);
      z->in = NULL;
      z->state = S_DATA;
    } else if (z->state == S_DATA) {
      zrec *r = &z->recs[z->cur];
      if (z->in && z->in_off < z->in->len) {
        const uint8_t *p = z->in->data + z->in_off;
        size_t k = z->in->len - z->in_off;
        if (r->method == WEFT_ZIP_STORE) {
          if (k > z->cap - olen) k = z->cap - olen;
          memcpy(z->obuf + olen, p, k);
          olen += k;
          r->csize += k;
          z->pos += k;
        } else if ((rc = deflate_push(z, p, k, 0)) != 0) {
          return zip_fail(z, rc);
        }
        r->crc = weft_crc32(r->crc, p, k);
        r->usize += k;
        z->in_off += k;
        continue;
      }
      intptr_t v = 0;
      rc = weft_anext(z->src[z->cur], &v);
      if (rc == 0) {
        z->in = (const weft_bytes *)v;
        z->in_off = 0;
        if (z->in && !z->in->data && z->in->len) return zip_fail(z, WEFT_EINVAL);
        continue;
      }
      if (rc != WEFT_EDONE) return zip_fail(z, rc);
      z->in = NULL;
      weft_aiter_free(z->src[z->cur]);
      z->src[z->cur] = NULL;
      if (r->method == WEFT_ZIP_DEFLATE) {
        if ((rc = deflate_push(z, NULL, 0, 1)) != 0) return zip_fail(z, rc);
        deflate_end(z);
      }
      if ((rc = descriptor(z)) != 0) return zip_fail(z, rc);
      z->cur++;
      z->state = S_ENTRY;
    } else if (z->state == S_CENTRAL) {
      if (z->cidx < z->n) {
        if ((rc = central_record(z, &z->recs[z->cidx])) != 0) return zip_fail(z, rc);
        z->cidx++;
      } else {
        if ((rc = end_records(z)) != 0) return zip_fail(z, rc);
        z->state = S_END;
      }
    } else { /* S_END, pend drained */
      z->state = S_DONE;
      break;
    }
  }
  if (olen == 0) return WEFT_EDONE;
  z->out.data = z->obuf;
  z->out.len = olen;
  *value = (intptr_t)&z->out;
  return 0;
}

/* Closes the entries not read yet (they may await). */
static int zip_aclose(weft_aiter *it) {
  zip *z = (zip *)it;
  int first = 0;
  for (size_t i = 0; i < z->n; i++) {
    if (!z->src[i]) continue;
    int rc = weft_aiter_free(z->src[i]);
    z->src[i] = NULL;
    if (rc && !first) first = rc;
  }
  z->state = S_DONE;
  deflate_end(z);
  return first;
}

static void zip_free(weft_aiter *it) {
  zip *z = (zip *)it;
  for (size_t i = 0; i < z->n; i++) {
    if (z->src[i]) weft_aiter_free(z->src[i]);
    weft__free(z->recs[i].name);
  }
  deflate_end(z);
  weft__free(z->src);
  weft__free(z->recs);
  weft__free(z->obuf);
  weft__free(z->pend);
  weft__free(z);
}

static const weft_aiter_vt zip_vt = {zip_anext, zip_aclose, zip_free};

static void free_sources(const weft_zip_entry *e, size_t n) {
  for (size_t i = 0; e && i < n; i++)
    if (e[i].data) weft_aiter_free(e[i].data);
}

weft_aiter *weft_zip_new(const weft_zip_entry *entries, size_t n, const weft_zip_options *opts) {
  if (n && !entries) return NULL;
  size_t cap = opts && opts->chunk_size ? opts->chunk_size : (size_t)1 << 16;
  if (cap < 64) cap = 64;
  for (size_t i = 0; i < n; i++) {
    const weft_zip_entry *e = &entries[i];
    size_t len = e->name ? strlen(e->name) : 0;
    if (!e->data || len == 0 || len > 0xFFFF || (e->method != WEFT_ZIP_STORE && e->method != WEFT_ZIP_DEFLATE)) {
      free_sources(entries, n);
      return NULL;
    }
  }
  zip *z = weft__calloc(1, sizeof *z);
  if (z) {
    z->n = n;
    z->cap = cap;
    z->recs = weft__calloc(n ? n : 1, sizeof *z->recs);
    z->src = weft__calloc(n ? n : 1, sizeof *z->src);
    z->obuf = weft__malloc(cap);
  }
  if (!z || !z->recs || !z->src || !z->obuf) goto oom;
  for (size_t i = 0; i < n; i++) {
    zrec *r = &z->recs[i];
    size_t len = strlen(entries[i].name);
    if (!(r->name = weft__malloc(len))) goto oom;
    memcpy(r->name, entries[i].name, len);
    r->nlen = (uint16_t)len;
    r->method = (uint16_t)entries[i].method;
    dos_time(entries[i].mtime, &r->dtime, &r->ddate);
  }
  for (size_t i = 0; i < n; i++) z->src[i] = entries[i].data;
  return weft_aiter_init(&z->base, &zip_vt);
oom:
  free_sources(entries, n);
  if (z) {
    if (z->recs)
      for (size_t i = 0; i < n; i++) weft__free(z->recs[i].name);
    weft__free(z->recs);
    weft__free(z->src);
    weft__free(z->obuf);
    weft__free(z);
  }
  return NULL;
}
