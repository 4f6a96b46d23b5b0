/* Seed 004, "Boucles événementielles - utilitaires": gather rebuilt from a
 * Waiter(n), a countdown that completes after n notifications.
 *
 *   class Waiter:
 *       def __init__(self, n=1): self.i = n
 *       def set(self): self.i -= 1
 *       def __await__(self):
 *           while self.i > 0: yield
 *   async def gather(*tasks):
 *       waiter = Waiter(len(tasks))
 *       async def task_wrapper(task):
 *           await task
 *           waiter.set()
 *       for t in tasks:
 *           Loop.current.add_task(task_wrapper(t))
 *       await waiter
 *   async def print_messages(*messages, sleep_time=1):
 *       for msg in messages:
 *           print(msg); await sleep(sleep_time)
 *   loop.run_task(gather(print_messages('foo', 'bar', 'baz'),
 *                        print_messages('aaa', 'bbb', 'ccc', sleep_time=0.7)))
 *
 * and, with --workflow, gather used like any other awaitable:
 *
 *   async def workflow():
 *       await gather(print_messages('a', 'b'), print_messages('c', 'd', 'e'))
 *       await print_messages('f', 'g')
 *
 * The seed's outline gives no output; these lines are the ones its author's
 * article prints:
 *
 *   foo / aaa / bbb / bar / ccc / baz        (0, 0, 0.7, 1, 1.4, 2 s; done at 3 s)
 *   --workflow: a / c / b / d / e / f / g    (0, 0, 1, 1, 2, 3, 4 s; done at 5 s)
 *
 * What to look at: gather() here is twenty lines on top of weft_waiter and
 * weft_spawn, as in the seed (weft_gather is the real one: it also cancels
 * and collects results). Loop.current.add_task is weft_spawn(NULL, ...):
 * NULL is the running loop.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <weft.h>

/* A coroutine not started yet: its function and argument. */
typedef struct job {
  weft_task_fn fn;
  void *arg;
} job;

typedef struct wrapper_args {
  job j;
  weft_waiter *waiter;
} wrapper_args;

static intptr_t task_wrapper(void *arg) {
  wrapper_args *w = arg;
  w->j.fn(w->j.arg); /* await task */
  weft_waiter_notify(w->waiter);
  return 0;
}

/* gather(*tasks): runs the jobs concurrently, returns when all are done. */
static int gather(job *jobs, size_t n) {
  weft_waiter *waiter = weft_waiter_new(NULL, n);
  wrapper_args *ws = calloc(n, sizeof *ws);
  if (!waiter || !ws) {
    free(ws);
    weft_waiter_free(waiter);
    return WEFT_ENOMEM;
  }
  for (size_t i = 0; i < n; i++) {
    ws[i] = (wrapper_args){jobs[i], waiter};
    weft_spawn_detached(NULL, task_wrapper, &ws[i], NULL); /* Loop.current.add_task */
  }
  int rc = weft_waiter_wait(waiter);
  /* Like the seed's, this gather does not cancel its tasks. If the caller
   * was cancelled, the wrappers still use `ws` and the waiter: let them
   * finish first. */
  while (!weft_waiter_done(waiter) && weft_waiter_wait(waiter) != WEFT_EFREED) {
  }
  weft_waiter_free(waiter);
  free(ws); /* every wrapper has notified, so none uses its slot any more */
  return rc;
}

typedef struct messages {
  const char *msgs[4]; /* NULL-terminated */
  int64_t sleep_ms;
} messages;

static intptr_t print_messages(void *arg) {
  messages *m = arg;
  for (int i = 0; m->msgs[i]; i++) {
    printf("%s\n", m->msgs[i]);
    int rc = weft_sleep(m->sleep_ms);
    if (rc) return weft_fail(rc);
  }
  return 0;
}

static intptr_t demo(void *arg) {
  (void)arg;
  messages m1 = {{"foo", "bar", "baz", NULL}, 1000}, m2 = {{"aaa", "bbb", "ccc", NULL}, 700};
  job jobs[2] = {{print_messages, &m1}, {print_messages, &m2}};
  int rc = gather(jobs, 2);
  return rc ? weft_fail(rc) : 0;
}

static intptr_t workflow(void *arg) {
  (void)arg;
  messages m1 = {{"a", "b", NULL}, 1000}, m2 = {{"c", "d", "e", NULL}, 1000}, m3 = {{"f", "g", NULL}, 1000};
  job jobs[2] = {{print_messages, &m1}, {print_messages, &m2}};
  int rc = gather(jobs, 2);
  if (rc) return weft_fail(rc);
  print_messages(&m3); /* await print_messages('f', 'g') */
  return 0;
}

int main(int argc, char **argv) {
  int wf = argc > 1 && strcmp(argv[1], "--workflow") == 0;
  return weft_run(wf ? workflow : demo, NULL, NULL) ? 1 : 0;
}
