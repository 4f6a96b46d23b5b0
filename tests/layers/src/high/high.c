/* A higher layer's function, and a downward use (allowed). */
#include <stddef.h>
void *low_alloc(size_t n);
int high_fn(void) { return low_alloc(1) != NULL; }
