/* The main task awaits a future nothing will ever complete. weft_run must
 * say so and fail (natively WEFT_EDEADLK from weft_loop_run_until; on wasm
 * the host would otherwise run out of events and end the program silently),
 * cancelling the other task, whose cleanup runs. */
#include <stdio.h>
#include <weft.h>

static intptr_t bystander(void *arg) {
  weft_future *never = arg;
  int rc = weft_await(never, NULL);
  printf("bystander woke: %s\n", weft_strerror_name(rc));
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  weft_future *never = weft_future_new(weft_running_loop());
  weft_spawn_detached(NULL, bystander, never, &(weft_task_options){.name = "bystander"});
  int rc = weft_await(never, NULL);
  printf("main woke: %s\n", weft_strerror_name(rc));
  weft_release(never);
  return 0;
}

int main(void) {
  int rc = weft_run(amain, NULL, NULL);
  printf("weft_run: %s\n", weft_strerror_name(rc));
  return rc ? 1 : 0;
}
