/* A streaming download: the body is read chunk by chunk as it arrives
 * (weft_response_read), so memory stays bounded whatever the size, and
 * progress is printed at every 10% — while other tasks could keep running.
 *
 * Usage (wasm): download <url>   (the server must send Content-Length) */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

static const char *url;

static intptr_t amain(void *arg) {
  (void)arg;
  weft_response *r;
  int rc = weft_fetch(url, NULL, &r);
  if (rc) {
    printf("error: %s\n", weft_strerror(rc));
    return weft_fail(rc);
  }
  const char *cl = weft_response_header(r, "content-length");
  long long total = cl ? atoll(cl) : 0, got = 0;
  printf("%d %s, %lld bytes to come\n", weft_response_status(r), weft_response_status_text(r), total);
  int shown = 0;
  void *chunk;
  size_t len;
  while ((rc = weft_response_read(r, &chunk, &len)) == 0) {
    got += (long long)len;
    free(chunk);
    while (total > 0 && shown < 10 && got * 10 >= total * (shown + 1)) printf("progress: %d%%\n", ++shown * 10);
  }
  weft_response_free(r);
  if (rc != WEFT_EDONE) {
    printf("error: %s\n", weft_strerror(rc));
    return weft_fail(rc);
  }
  printf("done: %lld bytes\n", got);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: download <url>\n");
    return 2;
  }
  url = argv[1];
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
