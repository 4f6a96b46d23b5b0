/* animate: a C task drives a canvas animation with weft_next_frame() while
 * another reacts to clicks on it (weft_dom_events), in one loop (wasm; in a
 * page the frames are requestAnimationFrame's, in Node a 16 ms timer and no
 * clicks; natively weft/dom.h reports WEFT_ENOSYS).
 *
 *   animate [frames]          (120 by default)
 *   listening for clicks      (a page: each click prints where, and changes the colour)
 *   click 1 at 40,12
 *   animated 120 frames
 *   clicks: 1
 *
 * The animation task cancels the click task when it is done: the cancelled
 * wait removes its listener (WEFT_AFOR closes the iterator).
 */
#include <stdio.h>
#include <stdlib.h>
#include <weft.h>

#if defined(__EMSCRIPTEN__)
#include <emscripten.h>

/* The canvas, made once (no DOM: nothing). */
EM_JS(void, ensure_canvas, (void), {
  if (typeof document !== 'object' || !document || document.getElementById('weft-animate')) return;
  var c = document.createElement('canvas');
  c.id = 'weft-animate';
  c.width = 320;
  c.height = 80;
  (document.body || document.documentElement).appendChild(c);
});

/* One frame: a disc at x, its colour flipping with each click. */
EM_JS(void, draw, (double x, int clicks), {
  var c = typeof document === 'object' && document ? document.getElementById('weft-animate') : null;
  if (!c) return;
  var g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  g.fillStyle = clicks % 2 ? '#d62728' : '#1f77b4';
  g.beginPath();
  g.arc(x, 40, 16, 0, 2 * Math.PI);
  g.fill();
});
#else
static void ensure_canvas(void) {}
static void draw(double x, int clicks) { (void)x, (void)clicks; }
#endif

static int frames = 120;
static int clicks;

static intptr_t clicker(void *arg) {
  (void)arg;
  weft_aiter *it = weft_dom_events("#weft-animate", "click", 16);
  if (!it) {
    printf("clicks: no DOM here (%s)\n", weft_strerror_name(weft_dom_error()));
    return 0;
  }
  printf("listening for clicks\n");
  int rc;
  WEFT_AFOR(const weft_dom_event *, e, it, &rc) {
    clicks++;
    printf("click %d at %g,%g\n", clicks, e->x, e->y);
  }
  return 0; /* cancelled by the animation's end */
}

static intptr_t animator(void *arg) {
  weft_task *clicks_task = arg;
  int n = 0, rc = 0;
  double t0 = 0, t;
  for (; n < frames && (rc = weft_next_frame(&t)) == 0; n++) {
    if (n == 0) t0 = t;
    /* 120 px a second, whatever the frame rate */
    double x = 16 + ((long)((t - t0) * 0.12) % 288);
    draw(x, clicks);
  }
  weft_cancel(clicks_task);
  if (rc) {
    printf("frames: %s\n", weft_strerror_name(rc));
    return weft_fail(rc);
  }
  printf("animated %d frames\n", n);
  return 0;
}

static intptr_t amain(void *arg) {
  (void)arg;
  ensure_canvas();
  weft_task *c = weft_spawn(NULL, clicker, NULL, &(weft_task_options){.name = "clicks"});
  weft_task *a = weft_spawn(NULL, animator, c, &(weft_task_options){.name = "animation"});
  int rc = weft_await(a, NULL);
  weft_await(c, NULL);
  weft_release(a);
  weft_release(c);
  printf("clicks: %d\n", clicks);
  return rc ? weft_fail(rc) : 0;
}

int main(int argc, char **argv) {
  if (argc > 1) frames = atoi(argv[1]);
  if (frames < 1) frames = 1;
  return weft_run(amain, NULL, NULL) ? 1 : 0;
}
