/* Seeds 000/002, "Asynchronous Comprehensions": a list and a dict built
 * from an async generator.
 *
 *   async def async_range(start, end):
 *       for i in range(start, end):
 *           await asyncio.sleep(0.2)
 *           yield i
 *
 *   async def main():
 *       number_list = [i async for i in async_range(0, 5)]
 *       number_dict = {i: str(i) async for i in async_range(0, 5)}
 *       print(number_list)
 *       print(number_dict)
 *
 * Prints, after 2 s (two generators of five 0.2 s steps, one after the
 * other):
 *
 *   [0, 1, 2, 3, 4]
 *   {0: '0', 1: '1', 2: '2', 3: '3', 4: '4'}
 *
 * What to look at: weft_aiter_collect is the list comprehension; the dict's
 * values come from weft_aiter_map (i -> str(i)) before collecting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

typedef struct bounds {
  int start, end;
} bounds;

static int async_range(void *arg) {
  bounds *b = arg;
  for (int i = b->start; i < b->end; i++) {
    int rc = weft_sleep(200);
    if (rc) return rc;
    if ((rc = weft_gen_yield(i)) != 0) return rc;
  }
  return 0;
}

/* A key and its value, as the dict comprehension's items. */
typedef struct item {
  intptr_t key;
  char value[16];
} item;

/* i -> (i, str(i)): a malloc'd item (freed by the consumer). */
static int to_item(intptr_t i, intptr_t *out, void *ctx) {
  (void)ctx;
  item *it = malloc(sizeof *it);
  if (!it) return WEFT_ENOMEM;
  it->key = i;
  snprintf(it->value, sizeof it->value, "%d", (int)i);
  *out = (intptr_t)it;
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  bounds b = {0, 5};
  intptr_t *number_list, *number_dict;
  size_t nl, nd;
  int rc = weft_aiter_collect(weft_gen_new(NULL, async_range, &b, NULL), &number_list, &nl);
  if (rc) return weft_fail(rc);
  rc = weft_aiter_collect(weft_aiter_map(weft_gen_new(NULL, async_range, &b, NULL), to_item, NULL), &number_dict, &nd);
  if (rc) {
    free(number_list);
    return weft_fail(rc);
  }
  printf("[");
  for (size_t i = 0; i < nl; i++) printf("%s%d", i ? ", " : "", (int)number_list[i]);
  printf("]\n{");
  for (size_t i = 0; i < nd; i++) {
    item *it = (item *)number_dict[i];
    printf("%s%d: '%s'", i ? ", " : "", (int)it->key, it->value);
    free(it);
  }
  printf("}\n");
  free(number_list);
  free(number_dict);
  return 0;
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  if (rc) fprintf(stderr, "async_comp: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
