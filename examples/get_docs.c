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
 * Usage (wasm): get_docs <base-url>; the API is GET <base>/docs?page=N,
 * one document per line, an empty page after the last. Issue 4's async
 * iterator protocol will let this be consumed with an `async for` macro. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

typedef struct get_docs {
  const char *base;
  int next_page;
  char *page;        /* the fetched page; documents point into it */
  char *docs[64];    /* FIFO buffer */
  int head, count;
} get_docs;

/* Fetches the next page into the buffer (empty at the end). */
static int prefetch(get_docs *it) {
  char url[256];
  snprintf(url, sizeof url, "%s/docs?page=%d", it->base, it->next_page++);
  weft_response *r;
  int rc = weft_fetch(url, NULL, &r);
  if (rc) return rc;
  size_t len;
  free(it->page);
  it->page = NULL;
  rc = weft_response_bytes(r, (void **)&it->page, &len);
  weft_response_free(r);
  if (rc) return rc;
  it->head = it->count = 0;
  for (char *line = strtok(it->page, "\n"); line && it->count < 64; line = strtok(NULL, "\n")) it->docs[it->count++] = line;
  printf("(page %d: %d documents)\n", it->next_page - 1, it->count);
  return 0;
}

/* __anext__: 0 with the next document (valid until the next call), WEFT_EDONE
 * at the end, or a fetch error. */
static int get_docs_next(get_docs *it, const char **doc) {
  if (it->head == it->count) {
    int rc = prefetch(it);
    if (rc) return rc;
    if (it->count == 0) return WEFT_EDONE;
  }
  *doc = it->docs[it->head++];
  return 0;
}

static const char *base_url;

static intptr_t amain(void *arg) {
  (void)arg;
  get_docs it = {.base = base_url, .next_page = 1};
  const char *doc;
  int rc;
  while ((rc = get_docs_next(&it, &doc)) == 0) printf("doc: %s\n", doc);
  free(it.page);
  if (rc != WEFT_EDONE) {
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
