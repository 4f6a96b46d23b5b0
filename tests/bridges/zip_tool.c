/* Writes one ZIP archive with weft_zip_new through the async file API, for
 * tests/node/zip.test.mjs (natively and as wasm under Node), whose judges
 * are `unzip -t` and Python's zipfile.
 *
 *   zip_tool <out.zip> <store|deflate> [chunk_size] -- <entry>...
 *
 * Entries:
 *   file:<path>:<name>   the file's chunks (weft_path_chunks)
 *   gen:<name>:<bytes>   <bytes> of a pattern from an async generator
 *                        (weft_gen_new), 1 MiB per yield: byte i is
 *                        (i * 31 + i / 65536) & 0xFF
 *   text:<name>:<text>   the text, one chunk
 *   many:<count>         <count> entries "many/<i>.txt" of "entry <i>\n"
 *
 * Prints "bytes <archive size> chunks <count> maxchunk <largest>" and the
 * memory the process used at most: "peak_kib <n>" (natively the maximum RSS,
 * on wasm the size wasm memory grew to). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <weft.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>
#else
#include <sys/resource.h>
#endif

typedef struct spec {
  const char *kind, *a, *b;
} spec;

/* --- a generator of pattern bytes ------------------------------------------ */

typedef struct gen_arg {
  uint64_t size;
  uint8_t *buf;
} gen_arg;

#define GEN_CHUNK (1u << 20)

static int pattern_gen(void *arg) {
  gen_arg *g = arg;
  weft_bytes b;
  for (uint64_t off = 0; off < g->size; off += b.len) {
    uint64_t left = g->size - off;
    b.len = left < GEN_CHUNK ? (size_t)left : GEN_CHUNK;
    for (size_t i = 0; i < b.len; i++) {
      uint64_t k = off + i;
      g->buf[i] = (uint8_t)((k * 31 + k / 65536) & 0xFF);
    }
    b.data = g->buf;
    int rc = weft_gen_yield((intptr_t)&b);
    if (rc) return rc;
  }
  return 0;
}

/* --- one chunk of bytes ------------------------------------------------------- */

typedef struct once_iter {
  weft_aiter base;
  weft_bytes b;
  int done;
  char text[32];
} once_iter;

static int once_anext(weft_aiter *it, intptr_t *value) {
  once_iter *o = (once_iter *)it;
  if (o->done || o->b.len == 0) return WEFT_EDONE;
  o->done = 1;
  *value = (intptr_t)&o->b;
  return 0;
}

static void once_free(weft_aiter *it) { free(it); }

static const weft_aiter_vt once_vt = {once_anext, NULL, once_free};

static weft_aiter *once(const char *data, size_t len) {
  once_iter *o = calloc(1, sizeof *o);
  if (!o) return NULL;
  if (!data) { /* the entry's own text */
    memcpy(o->text, "", 1);
    data = o->text;
  }
  o->b.data = (const uint8_t *)data;
  o->b.len = len;
  return weft_aiter_init(&o->base, &once_vt);
}

static const char *out_path;
static int method;
static size_t chunk_size;
static spec *specs;
static int nspecs;

static intptr_t amain(void *arg) {
  (void)arg;
  size_t n = 0;
  for (int i = 0; i < nspecs; i++) n += strcmp(specs[i].kind, "many") == 0 ? (size_t)atol(specs[i].a) : 1;
  weft_zip_entry *e = calloc(n ? n : 1, sizeof *e);
  char **names = calloc(n ? n : 1, sizeof *names);
  char **texts = calloc(n ? n : 1, sizeof *texts);
  gen_arg *gens = calloc((size_t)nspecs + 1, sizeof *gens);
  uint8_t *genbuf = malloc(GEN_CHUNK);
  if (!e || !names || !texts || !gens || !genbuf) return weft_fail(WEFT_ENOMEM);
  size_t k = 0;
  for (int i = 0; i < nspecs; i++) {
    spec *s = &specs[i];
    if (strcmp(s->kind, "file") == 0) {
      e[k++] = (weft_zip_entry){s->b, weft_path_chunks(s->a, 0), method, 1700000000.0};
    } else if (strcmp(s->kind, "gen") == 0) {
      gens[i].size = strtoull(s->b, NULL, 10);
      gens[i].buf = genbuf;
      e[k++] = (weft_zip_entry){s->a, weft_gen_new(NULL, pattern_gen, &gens[i], NULL), method, 1700000000.0};
    } else if (strcmp(s->kind, "text") == 0) {
      e[k++] = (weft_zip_entry){s->a, once(s->b, strlen(s->b)), method, 1700000000.0};
    } else {
      long count = atol(s->a);
      for (long j = 0; j < count; j++, k++) {
        char name[64], text[64];
        snprintf(name, sizeof name, "many/%ld.txt", j);
        int len = snprintf(text, sizeof text, "entry %ld\n", j);
        names[k] = strdup(name);
        texts[k] = strdup(text);
        e[k] = (weft_zip_entry){names[k], once(texts[k], (size_t)len), method, 1700000000.0};
      }
    }
  }
  weft_zip_options o = {chunk_size};
  weft_aiter *z = weft_zip_new(e, n, &o);
  if (!z) return weft_fail(WEFT_EINVAL);
  weft_file *out;
  int rc = weft_file_open(out_path, "wb", &out);
  if (rc) {
    weft_aiter_free(z);
    fprintf(stderr, "zip_tool: %s\n", weft_file_error_message());
    return weft_fail(rc);
  }
  uint64_t total = 0, chunks = 0, maxchunk = 0;
  int wrc = 0;
  WEFT_AFOR(const weft_bytes *, c, z, &rc) {
    total += c->len;
    chunks++;
    if (c->len > maxchunk) maxchunk = c->len;
    if ((wrc = weft_file_write(out, c->data, c->len)) != 0) break;
  }
  int crc = weft_file_close(out);
  for (size_t i = 0; i < n; i++) free(names[i]), free(texts[i]);
  free(names), free(texts), free(gens), free(genbuf), free(e);
  if (rc || wrc || crc) {
    fprintf(stderr, "zip_tool: %s\n", weft_strerror(rc ? rc : wrc ? wrc : crc));
    return weft_fail(rc ? rc : wrc ? wrc : crc);
  }
  printf("bytes %llu chunks %llu maxchunk %llu\n", (unsigned long long)total, (unsigned long long)chunks,
         (unsigned long long)maxchunk);
#if defined(__EMSCRIPTEN__)
  printf("peak_kib %d\n", EM_ASM_INT({ return HEAP8.length / 1024; }));
#else
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("peak_kib %ld\n", ru.ru_maxrss);
#endif
  return 0;
}

int main(int argc, char **argv) {
  int i = 1;
  if (argc < 3) goto usage;
  out_path = argv[i++];
  method = strcmp(argv[i++], "deflate") == 0 ? WEFT_ZIP_DEFLATE : WEFT_ZIP_STORE;
  if (i < argc && strcmp(argv[i], "--") != 0) chunk_size = (size_t)atol(argv[i++]);
  if (i >= argc || strcmp(argv[i++], "--") != 0) goto usage;
  specs = calloc((size_t)argc, sizeof *specs);
  for (; i < argc; i++) {
    char *s = argv[i], *c1 = strchr(s, ':');
    if (!c1) goto usage;
    *c1 = 0;
    spec *p = &specs[nspecs++];
    p->kind = s;
    p->a = c1 + 1;
    if (strcmp(s, "many") != 0) {
      char *c2 = strchr(c1 + 1, ':');
      if (!c2) goto usage;
      *c2 = 0;
      p->b = c2 + 1;
    }
  }
  return weft_run(amain, NULL, NULL) ? 1 : 0;
usage:
  fprintf(stderr, "usage: zip_tool <out.zip> <store|deflate> [chunk_size] -- <entry>...\n");
  return 2;
}
