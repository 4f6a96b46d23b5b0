/* The allocator: the one file allowed to call malloc. */
#include <stdlib.h>
void *low_alloc(size_t n) { return malloc(n); }
