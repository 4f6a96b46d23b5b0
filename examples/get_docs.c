/* Seed 003, "Using asynchronous for loops": documents handed out one by one
 * from a paginated HTTP API, the AsyncGetDocs way — a FIFO buffer refilled
 * by _prefetch when it runs dry, the end of iteration when a page is empty.
 *
 *   class AsyncGetDocs:
 *       async def __anext__(self):
 *           if not self.buffer:
 *               await self._prefetch()
 *               if not self.buffer:
 *                   raise StopAsyncIteration
 *           return self.buffer.popleft()
 *
 *   async for doc in AsyncGetDocs(base):
 *       print(f"doc: {doc}")
 *
 * Usage (wasm): get_docs <base-url>; the API is GET <base>/docs?page=N,
 * answering {"page":N,"docs":["…", …]}, an empty "docs" after the last page.
 *
 * What to look at: the class is a weft_aiter (weft/iter.h) whose anext is
 * __anext__; WEFT_AFOR consumes it like any async iterator, and its aclose
 * frees the last page on every exit path. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

typedef struct get_docs {
  weft_aiter base_; /* the protocol's header comes first */
  const char *base;
  int next_page;
  char *page;        /* the fetched page; documents point into it */
  char *docs[64];    /* FIFO buffer */
  int head, count;
} get_docs;

/* Decodes the JSON string starting at *p (just after its opening quote) in
 * place, NUL-terminates it and moves *p past it. Returns it, or NULL if the
 * string does not end. Handles the escapes a JSON encoder emits for text
 * (\uXXXX only for ASCII, enough for this API). */
static char *json_string(char **p) {
  char *start = *p, *out = start;
  for (char *c = start; *c; c++) {
    if (*c == '"') {
      *out = 0;
      *p = c + 1;
      return start;
    }
    if (*c != '\\') {
      *out++ = *c;
      continue;
    }
    switch (*++c) {
      case 'n': *out++ = '\n'; break;
      case 't': *out++ = '\t'; break;
      case 'u': *out++ = (char)strtol((char[5]){c[1], c[2], c[3], c[4], 0}, NULL, 16), c += 4; break;
      case 0: return NULL;
      default: *out++ = *c; break; /* \" \\ \/ */
    }
  }
  return NULL;
}

/* _prefetch: fetches the next page and fills the buffer with its documents
 * (none at the end). */
static int prefetch(get_docs *it) {
  char url[256];
  snprintf(url, sizeof url, "%s/docs?page=%d", it->base, it->next_page++);
  weft_response *r;
  int rc = weft_fetch(url, NULL, &r);
  if (rc) return rc;
  free(it->page);
  it->page = NULL;
  if (weft_response_status(r) != 200) rc = WEFT_EFAILED;
  else rc = weft_response_text(r, &it->page);
  weft_response_free(r);
  if (rc) return rc;
  it->head = it->count = 0;
  char *p = strstr(it->page, "\"docs\":[");
  if (!p) return WEFT_EFAILED;
  for (p += 8; *p && *p != ']' && it->count < 64; p++) {
    if (*p != '"') continue;
    p++;
    if (!(it->docs[it->count++] = json_string(&p))) return WEFT_EFAILED;
    p--; /* the loop's p++ then looks at what follows the string */
  }
  printf("(page %d: %d documents)\n", it->next_page - 1, it->count);
  return 0;
}

/* __anext__: 0 with the next document (valid until the next call), WEFT_EDONE
 * at the end, or a fetch error. */
static int get_docs_anext(weft_aiter *self, intptr_t *doc) {
  get_docs *it = (get_docs *)self;
  if (it->head == it->count) {
    int rc = prefetch(it);
    if (rc) return rc;
    if (it->count == 0) return WEFT_EDONE;
  }
  *doc = (intptr_t)it->docs[it->head++];
  return 0;
}

/* Releases the page: at the end, on an error, or when closed early. */
static void get_docs_free(weft_aiter *self) {
  get_docs *it = (get_docs *)self;
  free(it->page);
  free(it);
}

static const weft_aiter_vt get_docs_vt = {get_docs_anext, NULL, get_docs_free};

/* AsyncGetDocs(base): a new iterator, owned by the caller. */
static weft_aiter *async_get_docs(const char *base) {
  get_docs *it = calloc(1, sizeof *it);
  if (!it) return NULL;
  it->base = base;
  it->next_page = 1;
  return weft_aiter_init(&it->base_, &get_docs_vt);
}

static const char *base_url;

static intptr_t amain(void *arg) {
  (void)arg;
  int rc;
  WEFT_AFOR(const char *, doc, async_get_docs(base_url), &rc) printf("doc: %s\n", doc);
  if (rc) {
    printf("error: %s\n", weft_strerror(rc));
    return weft_fail(rc);
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: get_docs <base-url>   (the paged API: <base>/docs?page=N)\n");
    return 2;
  }
  base_url = argv[1];
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
