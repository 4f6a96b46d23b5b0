/* The differential oracle (docs/fidelity.md): random programs over every
 * layer of weft, each run on weft and, as Python, on CPython's asyncio, the
 * two event logs compared line by line. The reference is CPython 3.14 (the
 * `pyodide` npm package under Node); the machine's python3 (3.11) runs every
 * program too, and where it differs from 3.14 that is counted, not failed.
 *
 *   test_oracle [count] [seed[:index]] [options]
 *     count, seed      defaults 10000 programs, seed 1 (WEFT_ORACLE_COUNT,
 *                      WEFT_ORACLE_SEED); program i of a run depends on
 *                      (seed, i) alone, so `test_oracle 1 <seed>:<i>` replays it
 *     --show           print each program (C-op form, Python, serialised) and
 *                      the logs of weft and of both Pythons
 *     --program TEXT   run the serialised program TEXT (a report prints it for
 *                      each shrunk program) instead of generated ones
 *     --emit           print every program and its weft log, run no Python (the
 *                      wasm build always does; tests/node compares its output
 *                      with the native build's)
 *     --summary        one line per difference instead of full reports
 *     --no-py311       skip python3 (3.11)
 *     --ignore-known   every difference fails, the known ones too
 *                      (WEFT_ORACLE_IGNORE_KNOWN=1)
 *     --no-shrink      report differences without shrinking them
 *     --reports N      report (and shrink) the first N failing programs in full
 *                      (default 3, at most 64)
 *     --find-repro NAME   search the programs for one that the switch NAME alone
 *                      explains, shrink it, and print its known.txt line (with
 *                      --program: shrink that program so); NAME+* : one that
 *                      needs NAME beside the other switches it still needs
 *     --known-report   also print each known difference's program and logs
 *                      (scripts/reliability.mjs puts them in docs/fidelity.md)
 *
 * Known differences (tests/prop/known.txt): each has a switch in
 * tests/prop/weftlike.py that makes CPython do what weft does. A program
 * whose logs differ is run again with every switch on; if CPython then logs
 * what weft logged, the difference is explained, else the run fails. Each
 * known difference also has a minimal program in known.txt that must still
 * differ without its switch and agree with it: when weft is fixed, the run
 * fails until the entry (and the switch) are removed, so the list can only
 * shrink. Prints "FIGURE oracle.* = N" lines for scripts/reliability.mjs. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../prop/oracle.h"

#ifndef WEFT_SOURCE_DIR
#define WEFT_SOURCE_DIR "."
#endif

#define SRC_CAP (48 * 1024)
#define LOG_CAP (48 * 1024)
#define MAXKNOWN 32

static long count = 10000, first_index = 0;
static uint64_t seed = 1;
static int opt_show, opt_emit, opt_summary, opt_no_py311, opt_ignore_known, opt_no_shrink, opt_known_report;
static const char *opt_program, *opt_find;
static const char *root;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- text helpers ----------------------------------------------------------------- */

/* The 0-based number of the first line where a and b differ, -1 if equal. */
static int first_diff(const char *a, const char *b) {
  for (int ln = 0;; ln++) {
    const char *ea = strchr(a, '\n'), *eb = strchr(b, '\n');
    size_t la = ea ? (size_t)(ea - a) : strlen(a), lb = eb ? (size_t)(eb - b) : strlen(b);
    if (la != lb || memcmp(a, b, la) != 0) return ln;
    if (!ea || !eb) return ea || eb ? ln + 1 : -1;
    a = ea + 1;
    b = eb + 1;
    if (!*a && !*b) return -1;
  }
}

static const char *nth_line(const char *s, int n) {
  while (n-- > 0 && s) {
    s = strchr(s, '\n');
    if (s) s++;
  }
  return s && *s ? s : NULL;
}

static int line_len(const char *s) { return s ? (int)strcspn(s, "\n") : 0; }

static void side_by_side(const char *lname, const char *a, const char *rname, const char *b, int from, int max) {
  int start = from > 3 ? from - 3 : 0;
  printf("    %-4s %-50s | %s\n", "", lname, rname);
  for (int ln = start; ln < from + max; ln++) {
    const char *pa = nth_line(a, ln), *pb = nth_line(b, ln);
    if (!pa && !pb) break;
    int na = line_len(pa), nb = line_len(pb);
    int same = na == nb && (!na || memcmp(pa, pb, (size_t)na) == 0);
    printf("    %s%-3d %-50.*s | %.*s\n", same ? " " : "*", ln + 1, na > 50 ? 50 : na, pa ? pa : "", nb,
           pb ? pb : "");
  }
}

static void print_indented(const char *prefix, const char *text) {
  for (const char *s = text; s && *s;) {
    int n = line_len(s);
    printf("%s%.*s\n", prefix, n, s);
    s = s[n] ? s + n + 1 : NULL;
  }
}

/* Takes the VIOLATION lines out of a weft log (into `viol`). */
static void split_violations(char *log, char *viol, size_t cap) {
  char *w = log;
  size_t vl = 0;
  viol[0] = 0;
  for (char *s = log; *s;) {
    int n = line_len(s);
    int last = s[n] == 0;
    if (strncmp(s, "VIOLATION ", 10) == 0) {
      if (vl + (size_t)n + 2 < cap) {
        memcpy(viol + vl, s, (size_t)n);
        vl += (size_t)n;
        viol[vl++] = '\n';
        viol[vl] = 0;
      }
    } else {
      memmove(w, s, (size_t)n + !last);
      w += n + !last;
    }
    s += n + !last;
  }
  *w = 0;
}

/* --- workers ------------------------------------------------------------------ */

typedef struct worker {
  const char *name;
  pid_t pid;
  int to, from;
  char *rbuf;
  size_t rlen, rcap;
  int outstanding;
  long served;
} worker;

extern char **environ;
#include <spawn.h>
#include <sys/wait.h>

static int worker_start(worker *w, const char *name, char *const argv[]) {
  int in[2], outp[2];
  memset(w, 0, sizeof *w);
  w->name = name;
  if (pipe(in) || pipe(outp)) return -1;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addclose(&fa, outp[0]);
  int rc = posix_spawnp(&w->pid, argv[0], &fa, NULL, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  close(in[0]);
  close(outp[1]);
  if (rc) {
    close(in[1]);
    close(outp[0]);
    w->pid = 0;
    return -1;
  }
  fcntl(in[1], F_SETFD, FD_CLOEXEC);
  fcntl(outp[0], F_SETFD, FD_CLOEXEC);
  w->to = in[1];
  w->from = outp[0];
  w->rcap = 1 << 16;
  w->rbuf = malloc(w->rcap);
  return w->rbuf ? 0 : -1;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n) {
    ssize_t k = write(fd, p, n);
    if (k < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += k;
    n -= (size_t)k;
  }
  return 0;
}

static int worker_send(worker *w, long id, const char *src, size_t len, unsigned mask) {
  char head[96];
  int n = snprintf(head, sizeof head, "P %ld %zu %u\n", id, len, mask);
  w->outstanding++;
  return write_all(w->to, head, (size_t)n) || write_all(w->to, src, len) ? -1 : 0;
}

/* A complete frame in the worker's buffer: copies its body into out and
 * returns its id; -1: none yet. */
static long worker_frame(worker *w, char *out, size_t cap) {
  char *nl = memchr(w->rbuf, '\n', w->rlen);
  if (!nl) return -1;
  long id;
  size_t n;
  if (sscanf(w->rbuf, "L %ld %zu", &id, &n) != 2) return -2;
  size_t head = (size_t)(nl - w->rbuf) + 1;
  if (w->rlen < head + n) return -1;
  size_t keep = n < cap - 1 ? n : cap - 1;
  memcpy(out, w->rbuf + head, keep);
  out[keep] = 0;
  memmove(w->rbuf, w->rbuf + head + n, w->rlen - head - n);
  w->rlen -= head + n;
  w->outstanding--;
  w->served++;
  return id;
}

/* Reads what the worker has written; 0, or -1 at its end. */
static int worker_fill(worker *w) {
  if (w->rcap - w->rlen < 4096) {
    char *nb = realloc(w->rbuf, w->rcap * 2);
    if (!nb) return -1;
    w->rbuf = nb;
    w->rcap *= 2;
  }
  ssize_t k = read(w->from, w->rbuf + w->rlen, w->rcap - w->rlen);
  if (k < 0 && errno == EINTR) return 0;
  if (k <= 0) return -1;
  w->rlen += (size_t)k;
  return 0;
}

/* Waits for the next frame of one worker (synchronous calls). */
static long worker_recv(worker *w, char *out, size_t cap) {
  for (;;) {
    long id = worker_frame(w, out, cap);
    if (id != -1) return id;
    if (worker_fill(w) < 0) return -2;
  }
}

static void worker_stop(worker *w) {
  if (!w->pid) return;
  close(w->to);
  close(w->from);
  waitpid(w->pid, NULL, 0);
  free(w->rbuf);
  w->pid = 0;
}

static worker py311, py314;
static int have311, have314;

/* --- known differences ------------------------------------------------------------ */

typedef struct known {
  char name[96];
  int bit;         /* its weftlike switch */
  unsigned need;   /* the switches its program needs (its own among them) */
  char *program;   /* serialised minimal program */
  int repro_state; /* 0: still differs and its switch explains it */
} known;

static known K[MAXKNOWN];
static int nknown;

/* Known violations: a runtime invariant weft breaks (a leak at
 * weft_loop_free, a task that survives the end of the run), named
 * "violation:<what>" in known.txt with a minimal program that must still
 * break it. A program whose VIOLATION lines read like an entry's (digits
 * aside) is explained by it; its log is still compared with CPython. */
typedef struct kviol {
  char name[96];
  char *program;
  char key[512];
  long seen;
  int gone;
} kviol;
static kviol V[MAXKNOWN];
static int nviol;

/* Differences found and not yet described by a switch: "unexplained
 * <seed>:<index> <what>" in known.txt names a program of the npm test's run
 * that must still differ in a way no switch explains (docs/fidelity.md
 * describes each). It does not fail the run; when it stops differing so,
 * the run fails until the line is removed. */
#define MAXPENDING 256
typedef struct kpending {
  unsigned long long seed;
  long index;
  char what[64];
  int seen;
} kpending;
static kpending PD[MAXPENDING];
static int npending;
static long n_pending_seen;

static kpending *pending_for(long index) {
  for (int i = 0; i < npending; i++)
    if (PD[i].seed == seed && PD[i].index == index) return &PD[i];
  return NULL;
}

/* The VIOLATION lines with every digit replaced by N, so that "left 2
 * objects" and "left 4 objects" are one kind. */
static void viol_key(const char *viol, char *key, size_t cap) {
  size_t n = 0;
  for (const char *c = viol; *c && n + 1 < cap; c++) key[n++] = (*c >= '0' && *c <= '9') ? 'N' : *c;
  key[n] = 0;
  /* runs of N are one N */
  char *w = key;
  for (char *r = key; *r; r++)
    if (!(*r == 'N' && w > key && w[-1] == 'N')) *w++ = *r;
  *w = 0;
}

static kviol *known_violation(const char *viol) {
  char key[512];
  viol_key(viol, key, sizeof key);
  for (int i = 0; i < nviol; i++)
    if (V[i].key[0] && !strcmp(V[i].key, key)) return &V[i];
  return NULL;
}
static unsigned mask_all;
static char switch_names[MAXKNOWN][32];
static int nswitches;
static long switch_needed[MAXKNOWN]; /* in the attribution sample: programs that needed it */

static int load_switches(void) {
  static char buf[4096];
  worker *w = &py314;
  if (write_all(w->to, "N 0 0 0\n", 8)) return -1;
  w->outstanding++;
  if (worker_recv(w, buf, sizeof buf) < 0) return -1;
  for (char *s = strtok(buf, " \n"); s && nswitches < MAXKNOWN; s = strtok(NULL, " \n"))
    snprintf(switch_names[nswitches++], 32, "%s", s);
  return 0;
}

static int parse_need(const char *name, unsigned *all, unsigned *first);

static int load_known(void) {
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/prop/known.txt", root);
  FILE *f = fopen(path, "r");
  if (!f) {
    printf("  cannot read %s\n", path);
    return -1;
  }
  static char line[1 << 16];
  int bad = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || line[0] == '\n') continue;
    line[strcspn(line, "\n")] = 0;
    char *sp = strchr(line, ' ');
    if (!sp || nknown == MAXKNOWN) continue;
    *sp = 0;
    if (!strcmp(line, "unexplained")) {
      kpending *pd = &PD[npending];
      int at = 0;
      if (npending == MAXPENDING || sscanf(sp + 1, "%llu:%ld %n", &pd->seed, &pd->index, &at) < 2) continue;
      snprintf(pd->what, sizeof pd->what, "%s", sp + 1 + at);
      npending++;
      continue;
    }
    if (!strncmp(line, "violation:", 10)) {
      if (nviol == MAXKNOWN) continue;
      snprintf(V[nviol].name, sizeof V[nviol].name, "%s", line);
      V[nviol++].program = strdup(sp + 1);
      continue;
    }
    known *k = &K[nknown];
    snprintf(k->name, sizeof k->name, "%s", line);
    k->program = strdup(sp + 1);
    unsigned first;
    if (parse_need(k->name, &k->need, &first)) {
      printf("  known.txt: '%s' names a switch that weftlike.py does not have\n", k->name);
      bad = 1;
      continue;
    }
    k->bit = __builtin_ctz(first);
    mask_all |= 1u << k->bit;
    nknown++;
  }
  fclose(f);
  for (int i = 0; i < nswitches; i++)
    if (!(mask_all & (1u << i))) {
      /* still used to explain programs (the attribution shows whether any
       * needs it), but the run fails until it has a program or is gone */
      printf("  weftlike.py: switch '%s' has no program in known.txt\n", switch_names[i]);
      mask_all |= 1u << i;
      bad = 1;
    }
  return bad ? -1 : 0;
}

/* --- one program ---------------------------------------------------------------- */

enum { S_FREE, S_BUSY };

typedef struct slot {
  int state;
  long index, seq;
  o_program p;
  char src[SRC_CAP];
  size_t srclen;
  char weft[LOG_CAP], viol[4096];
  char l314[LOG_CAP], l311[LOG_CAP];
  int got314, got311, want311;
  int needs314;   /* uses what python3.11 lacks (Queue.shutdown) */
  int retrying;   /* the all-switches run is out */
  int attrib;     /* leave-one-out runs still out */
  unsigned needed;
} slot;

static int needs_314(const o_program *p) {
  for (int i = 0; i < p->nbodies; i++)
    for (int k = 0; k < p->b[i].nops; k++)
      if (p->b[i].ops[k].kind == OP_Q_SHUTDOWN) return 1;
  return 0;
}

static long n_violation_programs, n_known_violations;

static void prepare(slot *s, const o_program *p, long index) {
  s->index = index;
  s->p = *p;
  s->srclen = o_python(p, s->src, sizeof s->src);
  o_run(p, s->weft, sizeof s->weft);
  split_violations(s->weft, s->viol, sizeof s->viol);
  s->needs314 = needs_314(p);
}

static void print_program(const o_program *p, const char *src) {
  static char text[SRC_CAP];
  o_print(p, text, sizeof text);
  printf("  program (C ops):\n");
  print_indented("    ", text);
  o_serialize(p, text, sizeof text);
  printf("  replay: test_oracle --program '%s'\n", text);
  if (src) {
    printf("  program (Python):\n");
    print_indented("    | ", src);
  }
}

/* Runs p on weft and on CPython 3.14 with `mask`, synchronously. Returns 1
 * when the logs differ (or weft reports a violation), 0 when they agree, -1
 * when the Python program itself failed. */
static slot sync_slot;
static int sync_differs(const o_program *p, unsigned mask) {
  slot *s = &sync_slot;
  prepare(s, p, -1);
  if (worker_send(&py314, 999999999, s->src, s->srclen, mask) || worker_recv(&py314, s->l314, sizeof s->l314) < -1) return -1;
  if (strstr(s->l314, "PYERROR")) return -1;
  return s->viol[0] || first_diff(s->weft, s->l314) >= 0;
}

static int shrink_fails(const o_program *p, void *ctx) {
  unsigned mask = *(unsigned *)ctx;
  return sync_differs(p, 0) == 1 && (mask == 0 || sync_differs(p, mask) == 1);
}

/* Prints a difference: the program, both logs from the first difference,
 * and a shrunk version. `mask`: shrink while the switches in it do not
 * explain it either (0: while it differs at all). */
static void report(slot *s, const char *what, unsigned mask) {
  int ln = first_diff(s->weft, s->l314);
  printf("  program %llu:%ld %s (replay: test_oracle 1 %llu:%ld)\n", (unsigned long long)seed, s->index, what,
         (unsigned long long)seed, s->index);
  if (s->viol[0]) print_indented("    weft: ", s->viol);
  print_program(&s->p, s->src);
  if (ln >= 0) {
    printf("  logs from the first difference (line %d):\n", ln + 1);
    side_by_side("weft", s->weft, "CPython 3.14", s->l314, ln, 30);
  }
  if (opt_no_shrink) return;
  static o_program q;
  q = s->p;
  int steps = o_shrink(&q, shrink_fails, &mask);
  sync_differs(&q, 0);
  printf("  shrunk (%d steps):\n", steps);
  if (sync_slot.viol[0]) print_indented("    weft: ", sync_slot.viol);
  print_program(&q, sync_slot.src);
  ln = first_diff(sync_slot.weft, sync_slot.l314);
  if (ln >= 0) {
    printf("  shrunk logs from the first difference (line %d):\n", ln + 1);
    side_by_side("weft", sync_slot.weft, "CPython 3.14", sync_slot.l314, ln, 30);
  }
  if (mask) {
    sync_differs(&q, mask);
    ln = first_diff(sync_slot.weft, sync_slot.l314);
    printf("  the same with every known difference's switch on (line %d):\n", ln + 1);
    side_by_side("weft", sync_slot.weft, "CPython 3.14 + switches", sync_slot.l314, ln, 30);
  }
}

/* Reports wait for the end of the pipelined run (shrinking talks to the
 * worker synchronously). */
typedef struct deferred {
  o_program p;
  long index;
  const char *what;
  unsigned mask;
} deferred;
#define MAXLATER 64
static deferred later[MAXLATER];
static int nlater, max_reports = 3;

static void report_later(slot *s, const char *what, unsigned mask) {
  if (nlater == max_reports) return;
  later[nlater++] = (deferred){s->p, s->index, what, mask};
}

/* --- the run ---------------------------------------------------------------------- */

#define POOL 16
#define WINDOW 4 /* programs in flight per worker */
#define ATTRIB_SAMPLE 300

static slot pool[POOL];
static long n_programs, n_differ, n_explained, n_unexplained, n_311_differs, n_pyerror, n_only314, n_attrib;
static long op_counts[OP_NKINDS];
static int failed;

/* Requests to the 3.14 worker, in order: which slot, which kind. */
enum { R_PLAIN, R_ALL, R_LOO };
typedef struct req { int slot; int kind; int bit; } req;
static req q314[POOL * (MAXKNOWN + 2)];
static size_t q314_head, q314_len;
static int q311[POOL * 2];
static size_t q311_head, q311_len;

static void push314(int si, int kind, int bit, unsigned mask) {
  slot *s = &pool[si];
  q314[(q314_head + q314_len++) % (sizeof q314 / sizeof *q314)] = (req){si, kind, bit};
  worker_send(&py314, s->seq, s->src, s->srclen, mask);
}

static void finish(int si) {
  slot *s = &pool[si];
  if (s->got311 && s->got314 && !s->needs314 && first_diff(s->l314, s->l311) >= 0) {
    n_311_differs++;
    if (opt_show) printf("  3.11 and 3.14 differ on program %ld\n", s->index);
  }
  s->state = S_FREE;
}

static int done(int si) {
  slot *s = &pool[si];
  return s->got314 && (!s->want311 || s->got311) && !s->retrying && !s->attrib;
}

static void on_plain(int si) {
  slot *s = &pool[si];
  n_programs++;
  o_count_ops(&s->p, op_counts);
  if (opt_show) {
    print_program(&s->p, s->src);
    printf("  weft:\n");
    print_indented("    ", s->weft);
    print_indented("    ", s->viol);
    printf("  CPython 3.14:\n");
    print_indented("    ", s->l314);
  }
  if (strstr(s->l314, "PYERROR")) {
    n_pyerror++;
    failed = 1;
    printf("  program %llu:%ld: the Python program failed:\n", (unsigned long long)seed, s->index);
    print_indented("    ", s->l314);
    print_program(&s->p, s->src);
    return;
  }
  int differs = first_diff(s->weft, s->l314) >= 0;
  kviol *kv = s->viol[0] && !opt_ignore_known ? known_violation(s->viol) : NULL;
  if (kv) {
    kv->seen++;
    n_known_violations++;
  } else if (s->viol[0]) {
    /* weft broke one of its own invariants (a leak, a task left alive):
     * never explained by a switch */
    n_violation_programs++;
    failed = 1;
    report_later(s, "breaks a runtime invariant", 0);
    return;
  }
  if (!differs) return;
  n_differ++;
  if (opt_summary) {
    int ln = first_diff(s->weft, s->l314);
    const char *a = nth_line(s->weft, ln), *b = nth_line(s->l314, ln);
    printf("DIFF %ld line %d | weft: %.*s | py: %.*s\n", s->index, ln + 1, line_len(a), a ? a : "", line_len(b),
           b ? b : "");
  }
  if (opt_ignore_known || !mask_all) {
    failed = 1;
    if (!opt_summary) report_later(s, "differs", 0);
    return;
  }
  s->retrying = 1;
  push314(si, R_ALL, -1, mask_all);
}

static void on_all(int si, const char *log) {
  slot *s = &pool[si];
  s->retrying = 0;
  if (first_diff(s->weft, log) < 0) {
    n_explained++;
    if (n_attrib < ATTRIB_SAMPLE) {
      n_attrib++;
      for (int b = 0; b < nswitches; b++)
        if (mask_all & (1u << b)) {
          s->attrib++;
          push314(si, R_LOO, b, mask_all & ~(1u << b));
        }
    }
    return;
  }
  kpending *pd = opt_ignore_known ? NULL : pending_for(s->index);
  if (pd) {
    pd->seen = 1;
    n_pending_seen++;
    return;
  }
  n_unexplained++;
  failed = 1;
  if (opt_summary) {
    int ln = first_diff(s->weft, log);
    const char *a = nth_line(s->weft, ln), *b = nth_line(log, ln);
    printf("UNEXPLAINED %ld line %d | weft: %.*s | py+switches: %.*s\n", s->index, ln + 1, line_len(a), a ? a : "",
           line_len(b), b ? b : "");
  } else
    report_later(s, "differs, and no known difference explains it (CPython with every switch of "
                    "tests/prop/weftlike.py on still logs differently)", mask_all);
}

static void on_loo(int si, int k, const char *log) {
  slot *s = &pool[si];
  s->attrib--;
  if (first_diff(s->weft, log) >= 0) switch_needed[k]++;
}

static void handle314(const char *log) {
  req r = q314[q314_head];
  q314_head = (q314_head + 1) % (sizeof q314 / sizeof *q314);
  q314_len--;
  slot *s = &pool[r.slot];
  if (r.kind == R_PLAIN) {
    snprintf(s->l314, sizeof s->l314, "%s", log);
    s->got314 = 1;
    on_plain(r.slot);
  } else if (r.kind == R_ALL)
    on_all(r.slot, log);
  else
    on_loo(r.slot, r.bit, log);
  if (done(r.slot)) finish(r.slot);
}

static void handle311(const char *log) {
  int si = q311[q311_head];
  q311_head = (q311_head + 1) % (sizeof q311 / sizeof *q311);
  q311_len--;
  slot *s = &pool[si];
  snprintf(s->l311, sizeof s->l311, "%s", log);
  s->got311 = 1;
  if (done(si)) finish(si);
}

static int free_slot(void) {
  for (int i = 0; i < POOL; i++)
    if (pool[i].state == S_FREE) return i;
  return -1;
}

/* Each known difference's program must still differ without its switch and
 * agree with it on. */
static void check_known(void) {
  static o_program p;
  for (int k = 0; k < nviol; k++) {
    kviol *kv = &V[k];
    if (o_parse(&p, kv->program)) {
      printf("  known.txt: the program of '%s' does not parse\n", kv->name);
      failed = 1;
      continue;
    }
    prepare(&sync_slot, &p, -1);
    viol_key(sync_slot.viol, kv->key, sizeof kv->key);
    if (opt_known_report) {
      static char text[SRC_CAP];
      o_print(&p, text, sizeof text);
      printf("KNOWN %s\n  program (C ops):\n", kv->name);
      print_indented("    ", text);
      printf("  weft log:\n");
      print_indented("    ", sync_slot.weft);
      print_indented("    ", sync_slot.viol);
      printf("END %s\n", kv->name);
    }
    if (!sync_slot.viol[0]) {
      printf("  known violation '%s' no longer occurs: its program ends cleanly. Remove it from "
             "tests/prop/known.txt.\n", kv->name);
      kv->gone = 1;
      failed = 1;
    }
  }
  for (int k = 0; k < nknown; k++) {
    known *kn = &K[k];
    if (o_parse(&p, kn->program)) {
      printf("  known.txt: the program of '%s' does not parse\n", kn->name);
      failed = 1;
      continue;
    }
    if (opt_known_report) {
      static char text[SRC_CAP];
      sync_differs(&p, 0);
      o_print(&p, text, sizeof text);
      printf("KNOWN %s\n  program (C ops):\n", kn->name);
      print_indented("    ", text);
      printf("  program (Python):\n");
      print_indented("    | ", sync_slot.src);
      int ln = first_diff(sync_slot.weft, sync_slot.l314);
      printf("  logs from the first difference (line %d):\n", ln + 1);
      side_by_side("weft", sync_slot.weft, "CPython 3.14", sync_slot.l314, ln, 40);
      printf("END %s\n", kn->name);
    }
    int plain = sync_differs(&p, 0), with = sync_differs(&p, kn->need);
    int without = kn->need == (1u << kn->bit) ? 1 : sync_differs(&p, kn->need & ~(1u << kn->bit));
    if (plain == 0) {
      printf("  known difference '%s' no longer occurs: its program agrees with CPython. Remove it from "
             "tests/prop/known.txt and its switch from tests/prop/weftlike.py.\n", kn->name);
      kn->repro_state = 1;
      failed = 1;
    } else if (with != 0 || without != 1) {
      printf("  known difference '%s': %s (weft changed?):\n", kn->name,
             with ? "its switch no longer explains its program" : "its program no longer needs its switch");
      kn->repro_state = 2;
      failed = 1;
      sync_differs(&p, kn->need);
      int ln = first_diff(sync_slot.weft, sync_slot.l314);
      side_by_side("weft", sync_slot.weft, "CPython 3.14 + switch", sync_slot.l314, ln, 20);
    }
  }
}

/* A known.txt name: "switch" or "switch+other+...": the switches the
 * program needs, the first being the one it is about. Returns the mask of
 * all of them and, in *first, the first's bit; -1 for an unknown name. */
static int parse_need(const char *name, unsigned *all, unsigned *first) {
  char buf[256];
  snprintf(buf, sizeof buf, "%s", name);
  *all = *first = 0;
  for (char *tok = strtok(buf, "+"); tok; tok = strtok(NULL, "+")) {
    int bit = -1;
    for (int i = 0; i < nswitches; i++)
      if (!strcmp(switch_names[i], tok)) bit = i;
    if (bit < 0) return -1;
    if (!*all) *first = 1u << bit;
    *all |= 1u << bit;
  }
  return 0;
}

static unsigned repro_all, repro_first;
static int repro_fails(const o_program *p, void *ctx) {
  (void)ctx;
  return sync_differs(p, 0) == 1 && sync_differs(p, repro_all) == 0 &&
         (repro_all == repro_first || sync_differs(p, repro_all & ~repro_first) == 1);
}

/* --find-repro: the first program these switches explain (and not without
 * the first of them), shrunk. */
static int find_repro(void) {
  char name[256];
  snprintf(name, sizeof name, "%s", opt_find);
  size_t nl = strlen(name);
  /* NAME+*: a program that needs NAME beside any of the other switches;
   * after shrinking, the others it does not need are dropped */
  int any = nl > 2 && !strcmp(name + nl - 2, "+*");
  if (any) name[nl - 2] = 0;
  if (parse_need(name, &repro_all, &repro_first)) {
    printf("unknown switch in %s\n", opt_find);
    return 2;
  }
  if (any) repro_all = (nswitches >= 32 ? ~0u : (1u << nswitches) - 1);
  static o_program p;
  for (long i = first_index; i < first_index + count; i++) {
    if (opt_program) {
      if (o_parse(&p, opt_program)) return 2;
    } else
      o_program_for(&p, seed, i);
    if (!repro_fails(&p, NULL)) continue;
    int steps = o_shrink(&p, repro_fails, NULL);
    if (any) {
      for (int b = 0; b < nswitches; b++) {
        unsigned bit = 1u << b;
        if (bit == repro_first || !(repro_all & bit)) continue;
        repro_all &= ~bit;
        if (!repro_fails(&p, NULL)) repro_all |= bit;
      }
      snprintf(name, sizeof name, "%s", switch_names[__builtin_ctz(repro_first)]);
      for (int b = 0; b < nswitches; b++)
        if ((repro_all & (1u << b)) && (1u << b) != repro_first)
          snprintf(name + strlen(name), sizeof name - strlen(name), "+%s", switch_names[b]);
    }
    static char text[SRC_CAP];
    o_print(&p, text, sizeof text);
    printf("program %llu:%ld, shrunk in %d steps:\n", (unsigned long long)seed, i, steps);
    print_indented("  ", text);
    sync_differs(&p, 0);
    int ln = first_diff(sync_slot.weft, sync_slot.l314);
    side_by_side("weft", sync_slot.weft, "CPython 3.14", sync_slot.l314, ln, 20);
    o_serialize(&p, text, sizeof text);
    printf("%s %s\n", name, text);
    return 0;
  }
  printf("none of the programs is explained by %s\n", opt_find);
  return 1;
}

static int parse_args(int argc, char **argv) {
  const char *c = getenv("WEFT_ORACLE_COUNT"), *sd = getenv("WEFT_ORACLE_SEED");
  opt_ignore_known = getenv("WEFT_ORACLE_IGNORE_KNOWN") && *getenv("WEFT_ORACLE_IGNORE_KNOWN") == '1';
  int npos = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--show")) opt_show = 1;
    else if (!strcmp(argv[i], "--emit")) opt_emit = 1;
    else if (!strcmp(argv[i], "--emit-python")) opt_emit = 2;
    else if (!strcmp(argv[i], "--summary")) opt_summary = 1;
    else if (!strcmp(argv[i], "--no-py311")) opt_no_py311 = 1;
    else if (!strcmp(argv[i], "--ignore-known")) opt_ignore_known = 1;
    else if (!strcmp(argv[i], "--no-shrink")) opt_no_shrink = 1;
    else if (!strcmp(argv[i], "--known-report")) opt_known_report = 1;
    else if (!strcmp(argv[i], "--program") && i + 1 < argc) opt_program = argv[++i];
    else if (!strcmp(argv[i], "--reports") && i + 1 < argc) {
      max_reports = atoi(argv[++i]);
      if (max_reports < 0 || max_reports > MAXLATER) max_reports = MAXLATER;
    }
    else if (!strcmp(argv[i], "--find-repro") && i + 1 < argc) opt_find = argv[++i];
    else if (argv[i][0] == '-') {
      printf("unknown option %s\n", argv[i]);
      return -1;
    } else if (npos == 0) c = argv[i], npos++;
    else sd = argv[i], npos++;
  }
  if (c) count = atol(c);
  if (sd) {
    seed = strtoull(sd, NULL, 10);
    const char *colon = strchr(sd, ':');
    if (colon) first_index = atol(colon + 1);
  }
  return 0;
}

static int emit_all(void) {
  static o_program p;
  static char text[SRC_CAP];
  long violations = 0;
  for (long i = first_index; i < first_index + count; i++) {
    if (opt_program) {
      if (o_parse(&p, opt_program)) return 2;
    } else
      o_program_for(&p, seed, i);
    prepare(&pool[0], &p, i);
    o_print(&p, text, sizeof text);
    if (opt_emit == 2)
      printf("=== program %llu:%ld\n%s=== end\n", (unsigned long long)seed, i, pool[0].src);
    else
      printf("=== program %llu:%ld\n%s=== weft\n%s%s=== end\n", (unsigned long long)seed, i, text, pool[0].weft,
             pool[0].viol);
    n_programs++;
    violations += pool[0].viol[0] != 0;
  }
  printf("FIGURE oracle.programs = %ld\nFIGURE oracle.violations = %ld\n", n_programs, violations);
  /* The logs are compared by whoever reads them; the programs' own checks
   * (a leak, a task left alive) are told apart by their VIOLATION lines. */
  printf("%ld passed, 0 failed\n", n_programs);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  signal(SIGPIPE, SIG_IGN);
  root = getenv("WEFT_ROOT") ? getenv("WEFT_ROOT") : WEFT_SOURCE_DIR;
  if (parse_args(argc, argv)) return 2;
  static o_program p;
  if (opt_program) {
    if (o_parse(&p, opt_program)) {
      printf("cannot parse the program\n");
      return 2;
    }
    count = 1;
  }
#if defined(__EMSCRIPTEN__)
  /* No Python here: the wasm build prints a sample of programs and their
   * weft logs, which tests/node/oracle_wasm.test.mjs compares with the
   * native build's (whose logs the native run compares with CPython). */
  opt_emit = 1;
  if (!getenv("WEFT_ORACLE_COUNT") && argc < 2) count = 50; /* c_tests_wasm runs it so */
#endif
  if (opt_emit) return emit_all();

  double t0 = now_s();
  char path[4096];
  snprintf(path, sizeof path, "%s/tests/prop/pyodide_worker.mjs", root);
  char *argv314[] = {"node", path, NULL};
  have314 = worker_start(&py314, "CPython 3.14 (Pyodide)", argv314) == 0;
  if (!have314 || load_switches()) {
    printf("  cannot start the Pyodide worker (node %s)\n0 passed, 1 failed\n", path);
    return 1;
  }
  if (!opt_no_py311) {
    char path2[4096];
    snprintf(path2, sizeof path2, "%s/tests/prop/worker.py", root);
    char *argv311[] = {"python3", path2, NULL};
    have311 = worker_start(&py311, "CPython 3.11", argv311) == 0;
    if (!have311) printf("  cannot start python3 %s: 3.11 is not compared\n", path2);
  }
  double t_start = now_s() - t0;
  if (opt_find) {
    int rc = find_repro();
    worker_stop(&py314);
    worker_stop(&py311);
    return rc;
  }
  if (load_known()) failed = 1;
  if (!opt_program) check_known();
  double t_known = now_s() - t0 - t_start;

  long next = first_index, seq = 0;
  double weft_time = 0;
  for (;;) {
    int si;
    if (next < first_index + count && (si = free_slot()) >= 0 && py314.outstanding < WINDOW &&
        (!have311 || py311.outstanding < WINDOW)) {
      slot *s = &pool[si];
      s->state = S_BUSY;
      s->got314 = s->got311 = s->want311 = s->retrying = s->attrib = 0;
      s->seq = seq++;
      if (!opt_program) o_program_for(&p, seed, next);
      double a = now_s();
      prepare(s, &p, next);
      weft_time += now_s() - a;
      push314(si, R_PLAIN, -1, 0);
      if (have311 && !s->needs314) {
        s->want311 = 1;
        q311[(q311_head + q311_len++) % (sizeof q311 / sizeof *q311)] = si;
        worker_send(&py311, s->seq, s->src, s->srclen, 0);
      } else
        n_only314++;
      next++;
      continue;
    }
    static char log[LOG_CAP];
    int handled = 0;
    long id;
    while (q314_len && (id = worker_frame(&py314, log, sizeof log)) != -1) {
      if (id == -2) goto died;
      handle314(log);
      handled = 1;
    }
    while (q311_len && (id = worker_frame(&py311, log, sizeof log)) != -1) {
      if (id == -2) goto died;
      handle311(log);
      handled = 1;
    }
    if (handled) continue;
    if (!q314_len && !q311_len) break;
    struct pollfd fds[2];
    int nf = 0;
    if (q314_len) fds[nf++] = (struct pollfd){py314.from, POLLIN, 0};
    if (q311_len) fds[nf++] = (struct pollfd){py311.from, POLLIN, 0};
    if (poll(fds, (nfds_t)nf, -1) < 0 && errno != EINTR) goto died;
    for (int i = 0; i < nf; i++)
      if (fds[i].revents) {
        worker *w = fds[i].fd == py314.from ? &py314 : &py311;
        if (worker_fill(w) < 0) goto died;
      }
  }
  goto end;
died:
  printf("  a Python worker died\n");
  failed = 1;
end:
  for (int i = 0; i < nlater; i++) {
    static slot r;
    prepare(&r, &later[i].p, later[i].index);
    worker_send(&py314, 999999999, r.src, r.srclen, 0);
    worker_recv(&py314, r.l314, sizeof r.l314);
    report(&r, later[i].what, later[i].mask);
  }
  for (int i = 0; i < npending; i++)
    if (PD[i].seed == seed && PD[i].index >= first_index && PD[i].index < first_index + count && !PD[i].seen &&
        !opt_program && !opt_ignore_known) {
      printf("  unexplained %llu:%ld (%s) no longer differs in a way no switch explains: remove its line from "
             "tests/prop/known.txt (and its paragraph from docs/fidelity.md)\n", PD[i].seed, PD[i].index,
             PD[i].what);
      failed = 1;
    }
  double total = now_s() - t0;
  worker_stop(&py311);
  worker_stop(&py314);
  printf("oracle: %ld programs (seed %llu), %ld differ from CPython 3.14: %ld explained by known differences, "
         "%ld listed as unexplained, %ld not; %ld break a runtime invariant (%ld more a known one); 3.11 and 3.14 "
         "differ on %ld; %.1f s\n",
         n_programs, (unsigned long long)seed, n_differ, n_explained, n_pending_seen, n_unexplained,
         n_violation_programs, n_known_violations, n_311_differs, total);
  for (int k = 0; k < nknown; k++)
    printf("  known %-18s needed by %ld of %ld sampled explained programs%s\n", K[k].name, switch_needed[K[k].bit],
           n_attrib,
           K[k].repro_state ? " (its program: see above)" : "");
  printf("FIGURE oracle.seed = %llu\n", (unsigned long long)seed);
  printf("FIGURE oracle.programs = %ld\n", n_programs);
  printf("FIGURE oracle.differences = %ld\n", n_differ);
  printf("FIGURE oracle.explained = %ld\n", n_explained);
  printf("FIGURE oracle.unexplained = %ld\n", n_unexplained);
  printf("FIGURE oracle.violations = %ld\n", n_violation_programs);
  printf("FIGURE oracle.pyerrors = %ld\n", n_pyerror);
  printf("FIGURE oracle.py311_differs = %ld\n", n_311_differs);
  printf("FIGURE oracle.only_314 = %ld\n", n_only314);
  printf("FIGURE oracle.known = %d\n", nknown + nviol);
  printf("FIGURE oracle.attrib_sample = %ld\n", n_attrib);
  for (int b = 0; b < nswitches; b++)
    if (mask_all & (1u << b)) printf("FIGURE oracle.needed.%s = %ld\n", switch_names[b], switch_needed[b]);
  for (int k = 0; k < nviol; k++) {
    printf("  known %-18s (%.*s) seen in %ld programs%s\n", V[k].name, (int)strcspn(V[k].key, "\n"), V[k].key, V[k].seen,
           V[k].gone ? " (no longer occurs: see above)" : "");
    printf("FIGURE oracle.seen.%s = %ld\n", V[k].name + 10, V[k].seen);
  }
  printf("FIGURE oracle.known_violations = %ld\n", n_known_violations);
  printf("FIGURE oracle.pending = %ld\n", n_pending_seen);
  printf("FIGURE oracle.seconds = %.1f\n", total);
  printf("FIGURE oracle.startup_seconds = %.1f\n", t_start);
  printf("FIGURE oracle.known_seconds = %.1f\n", t_known);
  printf("FIGURE oracle.weft_seconds = %.2f\n", weft_time);
  printf("FIGURE oracle.runs_314 = %ld\n", py314.served);
  printf("FIGURE oracle.runs_311 = %ld\n", py311.served);
  for (int k = 0; k < OP_NKINDS; k++) printf("FIGURE oracle.op.%s = %ld\n", o_op_name[k], op_counts[k]);
  printf("%d passed, %d failed\n", failed ? 0 : 1, failed ? 1 : 0);
  return failed;
}
