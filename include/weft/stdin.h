/* weft — standard input as an async iterator of lines.
 *
 *   int rc;
 *   WEFT_AFOR(const weft_bytes *, line, weft_stdin_lines(), &rc)
 *     handle(line->data, line->len);          // without its "\n" (or "\r\n")
 *
 * Under Node (wasm) the host reads process.stdin as the task asks, so other
 * tasks keep running while the input is slow to come, and a reader that
 * falls behind pauses the stream (back-pressure). Natively it is stdio's
 * fread, which blocks the loop. Browsers and workers have no stdin: NULL
 * (weft_stdin_error() == WEFT_ENOSYS).
 */
#ifndef WEFT_STDIN_H
#define WEFT_STDIN_H

#include "bytes.h"
#include "iter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An iterator over stdin's lines: values are `const weft_bytes *` owned by
 * the iterator and valid until the next anext, the line without its end of
 * line, followed by a NUL byte (a line may contain NULs). A last line
 * without "\n" is yielded too. It ends at the end of the input (WEFT_EDONE)
 * or fails with WEFT_EIO; each anext may return WEFT_ECANCELED, which loses
 * nothing. One iterator at a time: a second one while the first is open is
 * NULL with WEFT_EBUSY. Returns NULL when there is no stdin (WEFT_ENOSYS) or
 * out of memory (WEFT_ENOMEM): see weft_stdin_error(). */
weft_aiter *weft_stdin_lines(void);

/* The code of the last weft_stdin_lines that returned NULL (0: none). */
int weft_stdin_error(void);

#ifdef __cplusplus
}
#endif
#endif
