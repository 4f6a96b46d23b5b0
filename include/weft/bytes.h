/* weft — byte streams as async iterators: the value they yield.
 *
 * An async iterator of bytes (a file's chunks, weft_file_chunks; a ZIP
 * archive, weft_zip_new; a generator of your own) yields `const weft_bytes *`
 * values:
 *
 *   int rc;
 *   WEFT_AFOR(const weft_bytes *, b, weft_path_chunks("data.bin", 65536), &rc)
 *     consume(b->data, b->len);
 *
 * The chunk belongs to the iterator and stays valid until the next anext
 * (or aclose / free) on it: copy what must outlive that. `len` may be 0 only
 * where an iterator says so (none of weft's do).
 */
#ifndef WEFT_BYTES_H
#define WEFT_BYTES_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct weft_bytes {
  const uint8_t *data;
  size_t len;
} weft_bytes;

#ifdef __cplusplus
}
#endif
#endif
