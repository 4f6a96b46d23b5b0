/* weft — a streaming ZIP writer: an archive as an async iterator of chunks.
 *
 * Seed 002's compress.py (aiozipstream's AioZipStream(files).stream()):
 *
 *   weft_zip_entry e[] = {{"a.txt", weft_path_chunks("a.txt", 0)},
 *                         {"b.bin", my_generator, WEFT_ZIP_DEFLATE}};
 *   weft_file *out;  weft_file_open("output.zip", "wb", &out);
 *   WEFT_AFOR(const weft_bytes *, chunk, weft_zip_new(e, 2, NULL), &rc)
 *     if ((rc2 = weft_file_write(out, chunk->data, chunk->len))) break;
 *
 * The archive is written as it is read, in chunks of at most `chunk_size`
 * bytes (every chunk full but the last), so memory stays bounded by the
 * chunk size and the entries' own chunks whatever the archive's size; only
 * the central directory's records (about 50 bytes + the name per entry)
 * are kept until the end. The format is PKWARE's APPNOTE.TXT: each entry a
 * local header with bit 3 (sizes unknown up front: a data descriptor with
 * the CRC-32 and sizes follows the data) and bit 11 (UTF-8 name), then the
 * central directory and its end record; ZIP64 (APPNOTE 4.5.3) where an
 * entry or an offset reaches 4 GiB or there are 65 535 entries or more:
 * 8-byte sizes in that entry's data descriptor and its central record's
 * ZIP64 extra field, and the ZIP64 end record and locator. `unzip`,
 * Python's zipfile and the other readers take the central directory's
 * word.
 *
 * Methods: WEFT_ZIP_STORE, or WEFT_ZIP_DEFLATE: on wasm through the host's
 * CompressionStream('deflate-raw') (Node >= 18, current browsers), natively
 * through zlib when the build found it; elsewhere WEFT_ENOSYS from the
 * first anext that needs it.
 */
#ifndef WEFT_ZIP_H
#define WEFT_ZIP_H

#include <stddef.h>
#include <stdint.h>
#include "bytes.h"
#include "iter.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { WEFT_ZIP_STORE = 0, WEFT_ZIP_DEFLATE = 8 };

typedef struct weft_zip_entry {
  const char *name;  /* UTF-8, '/'-separated, 1 to 65 535 bytes; copied by weft_zip_new */
  weft_aiter *data;  /* its bytes: an async iterator of const weft_bytes * (a file's
                        chunks, a fetch body, a generator); owned by the archive from
                        weft_zip_new on (freed once read, or with the archive), even
                        when weft_zip_new fails */
  int method;        /* WEFT_ZIP_STORE (0, the default) or WEFT_ZIP_DEFLATE */
  double mtime;      /* modification time, seconds since 1970 UTC (0: 1980-01-01, ZIP's epoch) */
} weft_zip_entry;

typedef struct weft_zip_options {
  size_t chunk_size; /* the largest chunk yielded (0: 64 KiB; at least 64) */
} weft_zip_options;

/* The archive of the `n` entries (n may be 0: an empty archive of 22
 * bytes), as an async iterator of `const weft_bytes *` (weft/bytes.h), each
 * valid until the next anext. Entries are read in order, each from its first
 * anext to its end, when the archive reaches it. anext returns the entries'
 * errors as they come (the archive is then unfinished: the iteration is
 * over), WEFT_ENOSYS (deflate where nothing provides it), WEFT_ENOMEM;
 * WEFT_EDONE after the end record. Returns the iterator (the caller frees
 * it, or hands it to WEFT_AFOR), or NULL: NULL entries with n > 0, a NULL
 * name or data, a name of 0 or more than 65 535 bytes, a bad method, out of
 * memory (the entries' iterators are freed in every case). */
weft_aiter *weft_zip_new(const weft_zip_entry *entries, size_t n, const weft_zip_options *opts);

/* The CRC-32 of ZIP (and gzip, PNG: the reflected polynomial 0xEDB88320) of
 * `n` bytes, continuing from `crc` (0 to start). */
uint32_t weft_crc32(uint32_t crc, const void *data, size_t n);

#ifdef __cplusplus
}
#endif
#endif
