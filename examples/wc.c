/* wc: lines, words and bytes of standard input, read as an async iterator
 * of lines (weft/stdin.h) while a second task keeps ticking: the loop is
 * not blocked waiting for input (wasm under Node; natively stdio blocks).
 *
 *   npm run example -- wc < README.md
 *       470    4978   38211
 *
 * As `wc -l -w -c` for text whose lines end in "\n"; the bytes count each
 * line's end as one byte ("\r\n" too, and a last line without one).
 */
#include <ctype.h>
#include <stdio.h>
#include <weft.h>
#include <weft/stdin.h>

static int done;
static long ticks;

static intptr_t ticker(void *arg) {
  (void)arg;
  while (!done && weft_sleep(1) == 0) ticks++;
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_task *t = weft_spawn(NULL, ticker, NULL, &(weft_task_options){.name = "ticker"});
  weft_aiter *lines = weft_stdin_lines();
  if (!lines) {
    fprintf(stderr, "wc: no stdin here: %s\n", weft_strerror_name(weft_stdin_error()));
    done = 1;
    weft_await(t, NULL);
    weft_release(t);
    return weft_fail(weft_stdin_error());
  }
  long nl = 0, nw = 0, nb = 0;
  int rc;
  WEFT_AFOR(const weft_bytes *, line, lines, &rc) {
    nl++;
    nb += (long)line->len + 1;
    int in_word = 0;
    for (size_t i = 0; i < line->len; i++) {
      int space = isspace(line->data[i]);
      if (!space && !in_word) nw++;
      in_word = !space;
    }
  }
  done = 1;
  weft_await(t, NULL);
  weft_release(t);
  if (rc) {
    fprintf(stderr, "wc: %s\n", weft_strerror_name(rc));
    return weft_fail(rc);
  }
  printf("%8ld%8ld%8ld\n", nl, nw, nb);
  return 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
