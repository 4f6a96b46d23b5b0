/* Natively there is no host fetch: the fetch API still links, and every call
 * says so with WEFT_ENOSYS instead of crashing or hanging. */
#include <stdio.h>
#include <string.h>
#include <weft.h>

static int passed, failed;
#define CHECK(cond)                                                   \
  do {                                                                \
    if (cond) passed++;                                               \
    else failed++, printf("FAIL line %d: %s\n", __LINE__, #cond);   \
  } while (0)

static intptr_t amain(void *arg) {
  (void)arg;
  weft_response *r = (weft_response *)1;
  CHECK(weft_fetch("http://127.0.0.1/", NULL, &r) == WEFT_ENOSYS);
  CHECK(r == NULL);
  CHECK(strstr(weft_fetch_error_message(), "wasm") != NULL);
  void *chunk = (void *)1;
  size_t len = 1;
  CHECK(weft_response_read(NULL, &chunk, &len) == WEFT_ENOSYS && chunk == NULL && len == 0);
  CHECK(weft_response_status(NULL) == 0 && weft_response_url(NULL) == NULL);
  CHECK(weft_response_header(NULL, "x") == NULL);
  weft_response_free(NULL);
  CHECK(!strcmp(weft_strerror_name(WEFT_ENOSYS), "WEFT_ENOSYS"));
  printf("weft_fetch natively: %s\n", weft_strerror(WEFT_ENOSYS));
  return 0;
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  printf("%d passed, %d failed\n", passed, failed);
  return rc || failed ? 1 : 0;
}
