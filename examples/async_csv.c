/* Seeds 000/002, "The Built-in anext() Function": AsyncCSVIterator, whose
 * header row is skipped with anext before an `async for` over the rest.
 *
 *   class AsyncCSVIterator:
 *       def __aiter__(self): return self
 *       async def __anext__(self):
 *           if self.reader is None:
 *               async with aiofiles.open(self.path, mode="r") as file:
 *                   lines = await file.readlines()
 *                   self.reader = csv.reader(lines)
 *           try: return next(self.reader)
 *           except StopIteration: raise StopAsyncIteration
 *
 *   async def main():
 *       csv_iter = AsyncCSVIterator("data.csv")
 *       await anext(csv_iter)          # Skip the headers
 *       async for row in csv_iter:     # Process the rest of the rows
 *           print(row)
 *
 * The program first writes data.csv (in $TMPDIR or /tmp natively, named
 * after the process so that runs side by side do not share it; in
 * Emscripten's in-memory file system on wasm), then prints each row the way
 * Python prints a list:
 *
 *   ['Guido', 'Python', '1991']
 *   ['Dennis', 'C', '1972']
 *   ['Brendan', 'JavaScript', '1995']
 *
 * C has no asynchronous file reads: the read happens in one go, after a
 * weft_yield() standing for `await file.readlines()`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <weft.h>

#define MAX_ROWS 16
#define MAX_FIELDS 8

typedef struct row {
  int nfields;
  char *fields[MAX_FIELDS];
} row;

typedef struct async_csv_iterator {
  weft_aiter base;
  const char *path;
  char *text;  /* the file, split in place */
  row rows[MAX_ROWS];
  int nrows, next;
  int loaded;
} async_csv_iterator;

/* `await file.readlines()` then csv.reader(lines) (no quoting: enough here). */
static int load(async_csv_iterator *self) {
  int rc = weft_yield();
  if (rc) return rc;
  FILE *f = fopen(self->path, "rb");
  if (!f) return WEFT_EINVAL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  self->text = malloc((size_t)n + 1);
  if (!self->text) {
    fclose(f);
    return WEFT_ENOMEM;
  }
  size_t got = fread(self->text, 1, (size_t)n, f);
  fclose(f);
  self->text[got] = 0;
  for (char *line = strtok(self->text, "\n"); line && self->nrows < MAX_ROWS; line = strtok(NULL, "\n")) {
    row *r = &self->rows[self->nrows++];
    for (char *field = line; field && r->nfields < MAX_FIELDS;) {
      r->fields[r->nfields++] = field;
      field = strchr(field, ',');
      if (field) *field++ = 0;
    }
  }
  self->loaded = 1;
  return 0;
}

static int csv_anext(weft_aiter *it, intptr_t *value) {
  async_csv_iterator *self = (async_csv_iterator *)it;
  if (!self->loaded) {
    int rc = load(self);
    if (rc) return rc;
  }
  if (self->next == self->nrows) return WEFT_EDONE; /* StopIteration -> StopAsyncIteration */
  *value = (intptr_t)&self->rows[self->next++];
  return 0;
}

static const weft_aiter_vt csv_vt = {.anext = csv_anext};

static void print_row(const row *r) {
  printf("[");
  for (int i = 0; i < r->nfields; i++) printf("%s'%s'", i ? ", " : "", r->fields[i]);
  printf("]\n");
}

static intptr_t amain(void *arg) {
  (void)arg;
  async_csv_iterator self = {.path = arg};
  weft_aiter *csv_iter = weft_aiter_init(&self.base, &csv_vt);
  intptr_t header;
  int rc = weft_anext(csv_iter, &header); /* skip the headers */
  if (rc == 0) {
    WEFT_AFOR(const row *, r, csv_iter, &rc) print_row(r);
  }
  free(self.text);
  return rc ? weft_fail(rc) : 0;
}

int main(void) {
  char path[256];
  const char *dir = getenv("TMPDIR");
  snprintf(path, sizeof path, "%s/weft-data-%d.csv", dir && *dir ? dir : "/tmp", (int)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) {
    perror(path);
    return 1;
  }
  fputs("name,language,year\nGuido,Python,1991\nDennis,C,1972\nBrendan,JavaScript,1995\n", f);
  fclose(f);
  int rc = weft_run(amain, path, NULL);
  remove(path);
  if (rc) fprintf(stderr, "async_csv: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
