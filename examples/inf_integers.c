/* Seeds 000/002, "The Built-in anext() Function": an endless async
 * generator consumed with anext in a while loop until a stop value.
 *
 *   async def async_inf_integers(start=0):
 *       current = start
 *       while True:
 *           yield current
 *           current += 1
 *           await asyncio.sleep(0.5)
 *
 *   async def main(stop=5):
 *       generator = async_inf_integers()
 *       while True:
 *           number = await anext(generator)
 *           print(number)
 *           if number == stop - 1:
 *               break
 *
 *   asyncio.run(main(20))
 *
 * Prints 0 to 19, the first at once, then one every 0.5 s (9.5 s in all).
 * What to look at: weft_anext pulls one value at a time; the generator runs
 * only when asked, so it never runs ahead. Python leaves the generator
 * suspended and asyncio closes it at shutdown; here it is closed explicitly
 * with weft_aiter_free (its pending yield returns WEFT_ECLOSING).
 */
#include <stdio.h>
#include <weft.h>

static int async_inf_integers(void *arg) {
  intptr_t current = (intptr_t)arg;
  for (;;) {
    int rc = weft_gen_yield(current);
    if (rc) return rc;
    current += 1;
    if ((rc = weft_sleep(500)) != 0) return rc;
  }
}

static intptr_t amain(void *arg) {
  intptr_t stop = (intptr_t)arg;
  weft_aiter *generator = weft_gen_new(NULL, async_inf_integers, (void *)0, NULL);
  if (!generator) return weft_fail(WEFT_ENOMEM);
  int rc;
  for (;;) {
    intptr_t number;
    if ((rc = weft_anext(generator, &number)) != 0) break;
    printf("%d\n", (int)number);
    if (number == stop - 1) break;
  }
  int rc2 = weft_aiter_free(generator); /* closes it */
  if (!rc) rc = rc2;
  return rc ? weft_fail(rc) : 0;
}

int main(void) {
  int rc = weft_run(amain, (void *)20, NULL);
  if (rc) fprintf(stderr, "inf_integers: %s\n", weft_strerror(rc));
  return rc ? 1 : 0;
}
