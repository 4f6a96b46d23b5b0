#include "weft/errors.h"

static const struct {
  int code;
  const char *name, *text;
} table[] = {
    {WEFT_OK, "WEFT_OK", "success"},
    {WEFT_ECANCELED, "WEFT_ECANCELED", "operation was cancelled"},
    {WEFT_ETIMEDOUT, "WEFT_ETIMEDOUT", "operation timed out"},
    {WEFT_EINVAL, "WEFT_EINVAL", "invalid argument"},
    {WEFT_ENOMEM, "WEFT_ENOMEM", "out of memory"},
    {WEFT_ENOTTASK, "WEFT_ENOTTASK", "suspending call made outside a task"},
    {WEFT_EDEADLK, "WEFT_EDEADLK", "await would never finish (a task awaiting itself or an await cycle)"},
    {WEFT_ECLOSED, "WEFT_ECLOSED", "loop is closed or shutting down"},
    {WEFT_ESTATE, "WEFT_ESTATE", "future is already done"},
    {WEFT_EPENDING, "WEFT_EPENDING", "future is not done yet"},
    {WEFT_EBADHANDLE, "WEFT_EBADHANDLE", "handle was already released or is not a weft object"},
    {WEFT_EBUSY, "WEFT_EBUSY", "loop is busy (running, or still has live tasks)"},
    {WEFT_ESTACK, "WEFT_ESTACK", "task overflowed its C stack or Asyncify save buffer"},
    {WEFT_EFAILED, "WEFT_EFAILED", "task failed"},
    {WEFT_EDONE, "WEFT_EDONE", "iteration is over"},
    {WEFT_EURL, "WEFT_EURL", "invalid URL"},
    {WEFT_ECONNREFUSED, "WEFT_ECONNREFUSED", "connection refused"},
    {WEFT_ENETWORK, "WEFT_ENETWORK", "network error (DNS failure, unreachable host or broken connection)"},
    {WEFT_ECORS, "WEFT_ECORS", "cross-origin request refused (CORS)"},
    {WEFT_ENOSYS, "WEFT_ENOSYS", "not available on this platform"},
    {WEFT_EJS, "WEFT_EJS", "JavaScript promise rejected"},
    {WEFT_ECLOSING, "WEFT_ECLOSING", "closing: the task group takes no new tasks, or the generator is asked to finish (aclose)"},
    {WEFT_EQUEUEFULL, "WEFT_EQUEUEFULL", "queue is full"},
    {WEFT_EQUEUEEMPTY, "WEFT_EQUEUEEMPTY", "queue is empty"},
    {WEFT_ESHUTDOWN, "WEFT_ESHUTDOWN", "queue is shut down"},
    {WEFT_EFREED, "WEFT_EFREED", "synchronisation object was freed while waiting on it"},
    {WEFT_ENOTACQUIRED, "WEFT_ENOTACQUIRED", "released more times than acquired"},
    {WEFT_EINPROGRESS, "WEFT_EINPROGRESS", "another anext or aclose is already in progress on this iterator"},
    {WEFT_EYIELD, "WEFT_EYIELD", "generator yielded after aclose asked it to finish"},
};

static int find(int code) {
  for (unsigned i = 0; i < sizeof table / sizeof table[0]; i++)
    if (table[i].code == code) return (int)i;
  return -1;
}

const char *weft_strerror(int code) {
  int i = find(code);
  return i < 0 ? "unknown weft error" : table[i].text;
}

const char *weft_strerror_name(int code) {
  int i = find(code);
  return i < 0 ? "WEFT_E?" : table[i].name;
}
