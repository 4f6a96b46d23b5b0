/* Seed 004, "Awaitables - synchronisation": a Waiter lets one task wait
 * until another has done its work.
 *
 *   class Waiter:
 *       def __init__(self): self.done = False
 *       def __await__(self):
 *           while not self.done: yield
 *   async def wait_job(waiter):
 *       print('start'); await waiter; print('finished')
 *   async def count_up_to(waiter, n):
 *       for i in range(n):
 *           print(i); await asyncio.sleep(0)
 *       waiter.done = True
 *   await asyncio.gather(wait_job(waiter), count_up_to(waiter, 10))
 *
 * The seed's outline gives no output; these lines are the ones its author's
 * article prints for this program:
 *
 *   start
 *   0
 *   1
 *   ...
 *   9
 *   finished
 *
 * What to look at: the seed's Waiter polls (the loop resumes the waiting
 * task on every turn); weft_waiter is a real wait: wait_job is not resumed
 * at all until count_up_to notifies the waiter, and still cannot run before
 * then. weft_waiter_new(loop, 1) is Waiter(); Waiter(n) completes after n
 * notifications (see gather_waiter.c).
 */
#include <stdio.h>
#include <weft.h>

static intptr_t wait_job(void *arg) {
  weft_waiter *waiter = arg;
  printf("start\n");
  int rc = weft_waiter_wait(waiter); /* wait for count_up_to to be finished */
  if (rc) return weft_fail(rc);
  printf("finished\n");
  return 0;
}

typedef struct count_args {
  weft_waiter *waiter;
  int n;
} count_args;

static intptr_t count_up_to(void *arg) {
  count_args *a = arg;
  for (int i = 0; i < a->n; i++) {
    printf("%d\n", i);
    int rc = weft_sleep(0);
    if (rc) return weft_fail(rc);
  }
  weft_waiter_notify(a->waiter); /* waiter.done = True */
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_waiter *waiter = weft_waiter_new(NULL, 1);
  if (!waiter) return weft_fail(WEFT_ENOMEM);
  count_args ca = {waiter, 10};
  weft_task *t[2] = {weft_spawn(NULL, wait_job, waiter, NULL), weft_spawn(NULL, count_up_to, &ca, NULL)};
  int rc = weft_gather(t, 2, WEFT_GATHER_FAIL_FAST, NULL, NULL);
  weft_release(t[0]);
  weft_release(t[1]);
  weft_waiter_free(waiter);
  return rc ? weft_fail(rc) : 0;
}

int main(void) { return weft_run(amain, NULL, NULL) ? 1 : 0; }
