/* Task groups on the virtual clock: every child awaited, the first failure
 * cancels the rest, every failure reported, cancellation of the waiting
 * task, closing, misuse, and nothing leaked (each loop must free clean). */
#include <stdint.h>

#include "harness.h"

static int spawn_job(weft_group *g, job *j) {
  weft_task_options o = {0};
  o.name = j->name;
  return weft_group_spawn(g, run_job, j, &o, NULL);
}

/* --- success ------------------------------------------------------------- */

static intptr_t all_body(void *arg) {
  (void)arg;
  job j[3] = {{"a", 30, 100, 0, 0}, {"b", 10, 101, 0, 0}, {"c", 20, 102, 0, 0}};
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  for (int i = 0; i < 3; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_size(&g), 3);
  for (size_t i = 0; i < 3; i++) {
    weft_group_outcome o;
    CHECK_EQ(weft_group_outcome_at(&g, i, &o), 0);
    CHECK_EQ(o.status, 0);
    CHECK_EQ(o.result, 100 + (intptr_t)i);
    CHECK_STR(weft_task_name(o.task), j[i].name);
  }
  CHECK_EQ(weft_group_failures(&g, NULL, 0), 0);
  CHECK_EQ(weft_group_wait(&g), 0); /* again: same result at once */
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_waits_for_all(void) {
  run_task(all_body, NULL, -1, WEFT_RESOLVED, 30);
  CHECK_LOG("b-done@10 c-done@20 a-done@30 wait=0@30");
}

static intptr_t empty_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_empty(void) {
  run_task(empty_body, NULL, -1, WEFT_RESOLVED, 0);
  CHECK_LOG("wait=0@0");
}

/* --- failures ------------------------------------------------------------ */

static intptr_t failure_body(void *arg) {
  (void)arg;
  job j[4] = {{"a", 50, 1, 0, 0}, {"b", 10, 0, WEFT_EBUSY, 0}, {"c", 100, 3, 0, 5}, {"d", 10, 0, WEFT_EINVAL, 0}};
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  for (int i = 0; i < 4; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  int expect[4] = {WEFT_ECANCELED, WEFT_EBUSY, WEFT_ECANCELED, WEFT_EINVAL};
  for (size_t i = 0; i < 4; i++) {
    weft_group_outcome o;
    CHECK_EQ(weft_group_outcome_at(&g, i, &o), 0);
    CHECK_EQ(o.status, expect[i]);
    CHECK(weft_future_done(o.task)); /* no child outlives the wait */
  }
  weft_group_outcome f[4];
  CHECK_EQ(weft_group_failures(&g, f, 4), 2); /* both, in the order they failed */
  CHECK_STR(weft_task_name(f[0].task), "b");
  CHECK_EQ(f[0].status, WEFT_EBUSY);
  CHECK_STR(weft_task_name(f[1].task), "d");
  CHECK_EQ(f[1].status, WEFT_EINVAL);
  CHECK_EQ(weft_group_failures(&g, f, 1), 2); /* cap respected, total returned */
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_first_failure_cancels_siblings(void) {
  run_task(failure_body, NULL, -1, WEFT_RESOLVED, 15);
  /* b and d fail at 10; b first: a and c are cancelled, c's cleanup awaits
   * 5 ms and the wait returns only after it, with b's error. */
  CHECK_LOG("b-done@10 d-done@10 a-cancelled@10 c-cancelled@10 c-cleaned@15 wait=-11@15");
}

static weft_group *shared_group;
static int spawn_rc_in_cleanup;

static intptr_t late_spawner(void *arg) {
  (void)arg;
  int rc = weft_sleep(100);
  LOG("spawner-sleep=%d@%lld", rc, now_ms());
  static job late = {"late", 1, 0, 0, 0};
  spawn_rc_in_cleanup = spawn_job(shared_group, &late);
  return 0;
}

static intptr_t sibling_spawner(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(5), 0);
  static job sib = {"sibling", 20, 7, 0, 0};
  CHECK_EQ(spawn_job(shared_group, &sib), 0); /* open: allowed while the parent waits */
  LOG("spawned@%lld", now_ms());
  return 0;
}

static intptr_t closing_body(void *arg) {
  (void)arg;
  weft_group g;
  shared_group = &g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job boom = {"boom", 40, 0, WEFT_EFAILED, 0};
  CHECK_EQ(weft_group_spawn(&g, sibling_spawner, NULL, NULL, NULL), 0);
  CHECK_EQ(weft_group_spawn(&g, late_spawner, NULL, NULL, NULL), 0);
  CHECK_EQ(spawn_job(&g, &boom), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(spawn_rc_in_cleanup, WEFT_ECLOSING);
  CHECK_EQ(weft_group_size(&g), 4); /* sibling_spawner, late_spawner, boom, sibling */
  weft_group_outcome o;
  CHECK_EQ(weft_group_outcome_at(&g, 3, &o), 0);
  CHECK_EQ(o.status, 0);
  CHECK_EQ(o.result, 7);
  job j = {"after", 1, 0, 0, 0};
  CHECK_EQ(spawn_job(&g, &j), WEFT_ECLOSING); /* closed once the wait returned */
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_closing_refuses_spawn(void) {
  run_task(closing_body, NULL, -1, WEFT_RESOLVED, 40);
  CHECK_LOG("spawned@5 sibling-done@25 boom-done@40 spawner-sleep=-1@40 wait=-13@40");
}

/* --- the owner ----------------------------------------------------------- */

static intptr_t owner_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job j[2] = {{"fails", 10, 0, WEFT_EBUSY, 0}, {"slow", 100, 0, 0, 0}};
  for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  /* The owner does other work before waiting: the failure interrupts it. */
  { int r_ = weft_sleep(1000); LOG("owner-sleep=%d@%lld", r_, now_ms()); }
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  LOG("cancelling=%d", weft_cancelling(weft_current()));
  { int r_ = weft_sleep(5); LOG("after=%d@%lld", r_, now_ms()); } /* the group's cancellation was absorbed */
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_failure_interrupts_owner(void) {
  run_task(owner_body, NULL, -1, WEFT_RESOLVED, 15);
  CHECK_LOG("fails-done@10 slow-cancelled@10 owner-sleep=-1@10 wait=-11@10 cancelling=0 after=0@15");
}

/* --- cancellation of the waiting task ------------------------------------ */

static intptr_t cancelled_wait_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job j[3] = {{"a", 100, 0, 0, 0}, {"b", 100, 0, 0, 5}, {"c", 100, 0, 0, 0}};
  for (int i = 0; i < 3; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  for (size_t i = 0; i < 3; i++) {
    weft_group_outcome o;
    CHECK_EQ(weft_group_outcome_at(&g, i, &o), 0);
    CHECK_EQ(o.status, WEFT_ECANCELED);
  }
  CHECK_EQ(weft_group_failures(&g, NULL, 0), 0); /* cancelled children are not failures */
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_cancel_while_waiting(void) {
  /* The children's 100 ms timers are gone: the loop ends at 15. */
  run_task(cancelled_wait_body, NULL, 10, WEFT_CANCELLED, 15);
  CHECK_LOG("cancel@10 a-cancelled@10 b-cancelled@10 c-cancelled@10 b-cleaned@15 wait=-1@15");
}

static intptr_t cancel_beats_failure_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job j[2] = {{"fails", 10, 0, WEFT_EBUSY, 0}, {"slow", 100, 0, 0, 20}};
  for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_failures(&g, NULL, 0), 1); /* the failure is still listed */
  CHECK_EQ(weft_group_destroy(&g), 0);
  LOG("next=%d", weft_sleep(0)); /* the cancellation again */
  return 0;
}

static void group_real_cancel_not_swallowed(void) {
  /* A failure at 10, then the parent is cancelled at 15 while slow cleans
   * up: the wait returns the failure (asyncio raises the ExceptionGroup),
   * and the parent, which returns with the request still counted, ends
   * cancelled. */
  run_task(cancel_beats_failure_body, NULL, 15, WEFT_CANCELLED, 30);
  CHECK_LOG("fails-done@10 slow-cancelled@10 cancel@15 slow-cleaned@30 wait=-11@30 next=-1");
}

static intptr_t scoped_group_body(void *arg) {
  (void)arg;
  weft_scope s;
  weft_group g;
  CHECK_EQ(weft_scope_enter(&s, 25), 0);
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job j[2] = {{"a", 10, 1, 0, 0}, {"b", 100, 0, 0, 5}};
  for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_destroy(&g), 0);
  LOG("leave=%d", weft_scope_leave(&s));
  return 0;
}

static void group_under_timeout_scope(void) {
  run_task(scoped_group_body, NULL, -1, WEFT_RESOLVED, 30);
  CHECK_LOG("a-done@10 b-cancelled@25 b-cleaned@30 wait=-1@30 leave=-2");
}

/* --- the macro, cancel, misuse ------------------------------------------- */

static int macro_early_return(void) {
  weft_group g;
  job j[2] = {{"m1", 10, 0, 0, 0}, {"m2", 20, 0, 0, 0}};
  WEFT_TASK_GROUP(g) {
    for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
    LOG("return@%lld", now_ms());
    return 5; /* the children use `j` on this stack: the cleanup waits for them */
  }
  return 0;
}

static intptr_t macro_body(void *arg) {
  (void)arg;
  { int r_ = macro_early_return(); LOG("ret=%d@%lld", r_, now_ms()); }
  weft_group g;
  job k = {"k", 5, 0, WEFT_EBUSY, 0};
  WEFT_TASK_GROUP(g) {
    CHECK_EQ(spawn_job(&g, &k), 0);
    { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  }
  CHECK_EQ(weft_group_destroy(&g), WEFT_EINVAL); /* the block destroyed it */
  return 0;
}

static void group_macro(void) {
  run_task(macro_body, NULL, -1, WEFT_RESOLVED, 25);
  CHECK_LOG("return@0 m1-done@10 m2-done@20 ret=5@20 k-done@25 wait=-11@25");
}

static intptr_t cancel_group_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  job j[2] = {{"a", 10, 0, 0, 0}, {"b", 10, 0, 0, 0}};
  for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  CHECK_EQ(weft_sleep(5), 0);
  CHECK_EQ(weft_group_cancel(&g), 0);
  CHECK_EQ(spawn_job(&g, &j[0]), WEFT_ECLOSING);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_cancel(void) {
  run_task(cancel_group_body, NULL, -1, WEFT_RESOLVED, 5);
  CHECK_LOG("a-cancelled@5 b-cancelled@5 wait=0@5");
}

static weft_group *misuse_group;

static intptr_t child_waits_own_group(void *arg) {
  (void)arg;
  LOG("child-wait=%d", weft_group_wait(misuse_group));
  return 0;
}

static intptr_t second_waiter(void *arg) {
  (void)arg;
  LOG("second-wait=%d", weft_group_wait(misuse_group));
  return 0;
}

static intptr_t misuse_body(void *arg) {
  (void)arg;
  weft_group g;
  misuse_group = &g;
  CHECK_EQ(weft_group_init(NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  CHECK_EQ(weft_group_spawn(&g, NULL, NULL, NULL, NULL), WEFT_EINVAL);
  CHECK_EQ(weft_group_spawn(NULL, run_job, NULL, NULL, NULL), WEFT_EINVAL);
  weft_task *kid = NULL;
  CHECK_EQ(weft_group_spawn(&g, child_waits_own_group, NULL, NULL, &kid), 0);
  CHECK(kid != NULL);
  job j = {"j", 10, 0, 0, 0};
  CHECK_EQ(spawn_job(&g, &j), 0);
  CHECK_EQ(weft_spawn_detached(NULL, second_waiter, NULL, NULL), 0);
  CHECK_EQ(weft_yield(), 0); /* the kid and the second waiter run */
  CHECK_EQ(weft_group_wait(&g), WEFT_EBUSY);                 /* second_waiter waits */
  CHECK_EQ(weft_sleep(20), 0);
  CHECK_EQ(weft_group_destroy(&g), 0);
  CHECK_EQ(weft_group_destroy(&g), WEFT_EINVAL); /* twice */
  CHECK_EQ(weft_group_wait(&g), WEFT_EINVAL);
  CHECK_EQ(weft_group_size(&g), 0);

  /* Destroying with children running cancels them and refuses. */
  job k = {"k", 100, 0, 0, 0};
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  CHECK_EQ(spawn_job(&g, &k), 0);
  CHECK_EQ(weft_yield(), 0);
  CHECK_EQ(weft_group_destroy(&g), WEFT_EBUSY);
  { int r_ = weft_group_wait(&g); LOG("wait=%d@%lld", r_, now_ms()); }
  CHECK_EQ(weft_group_destroy(&g), 0);
  weft_group_outcome o;
  CHECK_EQ(weft_group_outcome_at(&g, 0, &o), WEFT_EINVAL);
  return 0;
}

static void group_misuse(void) {
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), WEFT_EINVAL); /* no running loop */
  CHECK_EQ(weft_group_wait(&g), WEFT_ENOTTASK);
  run_task(misuse_body, NULL, -1, WEFT_RESOLVED, 20);
  CHECK_LOG("child-wait=-6 j-done@10 second-wait=0 k-cancelled@20 wait=0@20");
}

static job orphan = {"orphan", 100, 0, 0, 5};

static intptr_t forgetful_owner(void *arg) {
  (void)arg;
  weft_group g; /* on this task's stack */
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  CHECK_EQ(weft_group_init(&g, NULL), WEFT_EBUSY); /* live */
  CHECK_EQ(spawn_job(&g, &orphan), 0);
  CHECK_EQ(weft_sleep(10), 0);
  LOG("owner-returns@%lld", now_ms());
  return 0; /* without waiting or destroying: a bug, handled */
}

static void group_abandoned_by_owner(void) {
  /* When the owner finishes, the child is cancelled and the group detached
   * before the owner's stack goes: nothing writes to it when the child ends
   * (ASan would say), nothing leaks, the loop ends after the cleanup. */
  run_task(forgetful_owner, NULL, -1, WEFT_RESOLVED, 15);
  CHECK_LOG("owner-returns@10 orphan-cancelled@10 orphan-cleaned@15");
}

static weft_group static_group; /* storage that outlives its owner */
static job long_job = {"long", 50, 9, 0, 0};

static intptr_t static_waiter(void *arg) {
  (void)arg;
  { int r_ = weft_group_wait(&static_group); LOG("waiter-wait=%d@%lld", r_, now_ms()); }
  weft_group_outcome o;
  CHECK_EQ(weft_group_outcome_at(&static_group, 0, &o), 0);
  CHECK_EQ(o.result, 9);
  CHECK_EQ(weft_group_destroy(&static_group), 0);
  return 0;
}

static intptr_t owner_leaves_waiter(void *arg) {
  (void)arg;
  CHECK_EQ(weft_group_init(&static_group, NULL), 0);
  CHECK_EQ(spawn_job(&static_group, &long_job), 0);
  CHECK_EQ(weft_spawn_detached(NULL, static_waiter, NULL, NULL), 0);
  CHECK_EQ(weft_sleep(10), 0);
  LOG("owner-returns@%lld", now_ms());
  return 0;
}

static void group_outlives_owner_while_waited(void) {
  /* Another task waits on the group when its owner finishes: the group is
   * not torn down, the waiter carries on with it. */
  run_task(owner_leaves_waiter, NULL, -1, WEFT_RESOLVED, 50);
  CHECK_LOG("owner-returns@10 long-done@50 waiter-wait=0@50");
}

/* Many children, several failures, under LeakSanitizer. */
static job many[200];
static char many_names[200][8];

static intptr_t many_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  for (int i = 0; i < 200; i++) {
    snprintf(many_names[i], sizeof many_names[i], "m%d", i);
    /* m7, m57, m107, m157 fail at 30: the first one cancels the rest. */
    many[i] = (job){many_names[i], i % 50 == 7 ? 30 : 40 + i, i, i % 50 == 7 ? WEFT_EBUSY : 0, 0};
    CHECK_EQ(spawn_job(&g, &many[i]), 0);
  }
  int rc = weft_group_wait(&g);
  CHECK_EQ(rc, WEFT_EBUSY);
  CHECK_EQ(now_ms(), 30);
  weft_group_outcome f[8];
  CHECK_EQ(weft_group_failures(&g, f, 8), 4);
  CHECK_STR(weft_task_name(f[0].task), "m7");
  CHECK_STR(weft_task_name(f[3].task), "m157");
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_many_children(void) { run_task(many_body, NULL, -1, WEFT_RESOLVED, 30); }

/* --- a child failing in its cleanup --------------------------------------- */

/* b fails at 10 and the group cancels a and c; c's cleanup then fails with
 * its own error. asyncio's TaskGroup lists both in its ExceptionGroup: so
 * does weft_group_failures, in the order they happened. */
static intptr_t cleanup_fails(void *arg) {
  (void)arg;
  int rc = weft_sleep(100);
  LOG("c-rc=%d@%lld", rc, now_ms());
  CHECK_EQ(weft_sleep(3), 0);
  return weft_fail(WEFT_EIO);
}

static intptr_t cleanup_failure_body(void *arg) {
  (void)arg;
  job j[2] = {{"a", 100, 1, 0, 0}, {"b", 10, 0, WEFT_EBUSY, 0}};
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  for (int i = 0; i < 2; i++) CHECK_EQ(spawn_job(&g, &j[i]), 0);
  weft_task_options o = {.name = "c"};
  CHECK_EQ(weft_group_spawn(&g, cleanup_fails, NULL, &o, NULL), 0);
  int rc = weft_group_wait(&g);
  LOG("wait=%s@%lld", weft_strerror_name(rc), now_ms());
  weft_group_outcome f[4];
  size_t n = weft_group_failures(&g, f, 4);
  CHECK_EQ(n, 2);
  CHECK_EQ(f[0].status, WEFT_EBUSY);
  CHECK_STR(weft_task_name(f[0].task), "b");
  CHECK_EQ(f[1].status, WEFT_EIO);
  CHECK_STR(weft_task_name(f[1].task), "c");
  weft_group_outcome a;
  CHECK_EQ(weft_group_outcome_at(&g, 0, &a), 0);
  CHECK_EQ(a.status, WEFT_ECANCELED);
  CHECK_EQ(weft_group_destroy(&g), 0);
  return 0;
}

static void group_lists_failure_in_cleanup(void) {
  run_task(cleanup_failure_body, NULL, -1, WEFT_RESOLVED, 13);
  CHECK_LOG("b-done@10 a-cancelled@10 c-rc=-1@10 wait=WEFT_EBUSY@13");
}

/* --- the waiting owner is woken by the first failure ----------------------- */

/* asyncio's TaskGroup cancels its parent on the first failure even while the
 * parent waits in __aexit__: the parent wakes one iteration later, and if the
 * children have all finished by then it is done, ahead of tasks made ready
 * after that. Here a cancels b and fails at 10; b ends in the next iteration;
 * w, gathering v (done at 10 too), is made ready in that same iteration:
 * asyncio prints "wait" before "w". */
static weft_task *order_b;

static intptr_t order_a(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(10), 0);
  CHECK_EQ(weft_cancel(order_b), 0);
  return weft_fail(WEFT_EBUSY);
}

static intptr_t order_bf(void *arg) {
  (void)arg;
  return weft_fail(weft_sleep(100));
}

static intptr_t order_v(void *arg) {
  (void)arg;
  CHECK_EQ(weft_sleep(10), 0);
  return 7;
}

static intptr_t order_w(void *arg) {
  weft_task *v = arg;
  intptr_t r[1];
  int st[1];
  CHECK_EQ(weft_gather(&v, 1, WEFT_GATHER_FAIL_FAST, r, st), 0);
  LOG("w@%lld", now_ms());
  return 0;
}

static intptr_t owner_woken_body(void *arg) {
  (void)arg;
  weft_group g;
  CHECK_EQ(weft_group_init(&g, NULL), 0);
  CHECK_EQ(weft_group_spawn(&g, order_a, NULL, NULL, NULL), 0);
  CHECK_EQ(weft_group_spawn(&g, order_bf, NULL, NULL, &order_b), 0);
  weft_task *v = weft_spawn(NULL, order_v, NULL, NULL);
  weft_task *w = weft_spawn(NULL, order_w, v, NULL);
  int rc = weft_group_wait(&g);
  LOG("wait=%s@%lld", weft_strerror_name(rc), now_ms());
  CHECK_EQ(weft_group_destroy(&g), 0);
  CHECK_EQ(weft_await(w, NULL), 0);
  CHECK_EQ(weft_release(w), 0);
  CHECK_EQ(weft_release(v), 0);
  return 0;
}

static void group_failure_wakes_waiting_owner(void) {
  run_task(owner_woken_body, NULL, -1, WEFT_RESOLVED, 10);
  CHECK_LOG("wait=WEFT_EBUSY@10 w@10");
}

int main(void) {
  RUN(group_waits_for_all);
  RUN(group_lists_failure_in_cleanup);
  RUN(group_failure_wakes_waiting_owner);
  RUN(group_empty);
  RUN(group_first_failure_cancels_siblings);
  RUN(group_closing_refuses_spawn);
  RUN(group_failure_interrupts_owner);
  RUN(group_cancel_while_waiting);
  RUN(group_real_cancel_not_swallowed);
  RUN(group_under_timeout_scope);
  RUN(group_macro);
  RUN(group_cancel);
  RUN(group_misuse);
  RUN(group_abandoned_by_owner);
  RUN(group_outlives_owner_while_waited);
  RUN(group_many_children);
  return DONE();
}
