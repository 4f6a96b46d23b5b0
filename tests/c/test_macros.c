/* The block macros and the await-site macros, as a C programmer writes them.
 *
 * - WEFT_TASK_GROUP and WEFT_TIMEOUT are blocks built on a hidden one-pass
 *   `for`: `break` and `continue` inside them leave the block (with the same
 *   cleanup as reaching its end: the group is waited for, the scope left),
 *   and never reach a loop written around the block. These cases pin that
 *   down: the statement after the block still runs, and the outer loop goes
 *   on to its next turn.
 * - WEFT_AFOR is a loop: `break` leaves it (closing the iterator) and
 *   `continue` goes to the next value, as in any C loop.
 * - The site macros of sites.h are variadic, so an argument with commas of
 *   its own (a compound literal) passes through. */
#include <stdint.h>
#include <stdio.h>

#include "harness.h"

static intptr_t child(void *arg) {
  int ms = (int)(intptr_t)arg;
  weft_sleep(ms);
  LOG("child%d@%lld", ms, now_ms());
  return ms;
}

static intptr_t group_break_main(void *arg) {
  (void)arg;
  for (int turn = 0; turn < 2; turn++) {
    weft_group g;
    WEFT_TASK_GROUP(g) {
      CHECK_EQ(weft_group_spawn(&g, child, (void *)(intptr_t)(10 + turn), NULL, NULL), 0);
      if (turn == 0) break;    /* leaves the block: the child is waited for */
      if (turn == 1) continue; /* the same: the block's loop is one pass */
      LOG("not reached");
    }
    LOG("after%d@%lld", turn, now_ms());
  }
  LOG("end");
  return 0;
}

static void break_and_continue_leave_a_task_group_block(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = spawn_named(loop, "main", group_break_main, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("child10@10 after0@10 child11@21 after1@21 end");
  weft_release(t);
  FREE_LOOP(loop);
}

static intptr_t timeout_break_main(void *arg) {
  (void)arg;
  for (int turn = 0; turn < 2; turn++) {
    weft_scope s;
    WEFT_TIMEOUT(s, 50) {
      if (turn == 0) break;
      if (turn == 1) continue;
      LOG("not reached");
    }
    LOG("after%d result=%s", turn, weft_strerror_name(weft_scope_result(&s)));
  }
  /* The scopes were left: their deadlines cancel nothing later. */
  int rc = weft_sleep(100);
  LOG("sleep=%s@%lld", weft_strerror_name(rc), now_ms());
  return 0;
}

static void break_and_continue_leave_a_timeout_block(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = spawn_named(loop, "main", timeout_break_main, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("after0 result=WEFT_OK after1 result=WEFT_OK sleep=WEFT_OK@100");
  weft_release(t);
  FREE_LOOP(loop);
}

typedef struct {
  int n;
} counter;

static int counting(void *arg) {
  counter *c = arg;
  for (int i = 0; i < c->n; i++)
    if (weft_gen_yield(i) != 0) break;
  LOG("gen-end");
  return 0;
}

static intptr_t afor_main(void *arg) {
  (void)arg;
  counter c = {5};
  int status = -1;
  WEFT_AFOR(int, i, weft_gen_new(NULL, counting, &c, NULL), &status) {
    if (i == 1) continue; /* the next value */
    if (i == 3) break;    /* out of the loop; the generator is closed */
    LOG("v%d", i);
  }
  LOG("status=%s", weft_strerror_name(status));
  return 0;
}

static void break_and_continue_in_afor_are_a_loops(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = spawn_named(loop, "main", afor_main, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("v0 v2 gen-end status=WEFT_OK");
  weft_release(t);
  FREE_LOOP(loop);
}

static intptr_t gather_main(void *arg) {
  (void)arg;
  weft_loop *loop = weft_running_loop();
  weft_task *a = weft_spawn(loop, child, (void *)(intptr_t)5, NULL);
  weft_task *b = weft_spawn(loop, child, (void *)(intptr_t)7, NULL);
  intptr_t results[2] = {0, 0};
  int rc = weft_gather((weft_future *[]){a, b}, 2, 0, results, NULL);
  LOG("gather=%s %d %d", weft_strerror_name(rc), (int)results[0], (int)results[1]);
  weft_release(a);
  weft_release(b);
  return 0;
}

static void a_compound_literal_passes_through_a_site_macro(void) {
  weft_loop *loop = new_vloop();
  weft_task *t = spawn_named(loop, "main", gather_main, NULL);
  CHECK_EQ(weft_loop_run(loop), 0);
  CHECK_LOG("child5@5 child7@7 gather=WEFT_OK 5 7");
  weft_release(t);
  FREE_LOOP(loop);
}

int main(void) {
  RUN(break_and_continue_leave_a_task_group_block);
  RUN(break_and_continue_leave_a_timeout_block);
  RUN(break_and_continue_in_afor_are_a_loops);
  RUN(a_compound_literal_passes_through_a_site_macro);
  return DONE();
}
