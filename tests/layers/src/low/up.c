/* Calls a function of the layer above it: an upward reference. */
int high_fn(void);
int low_up(void) { return high_fn() + 1; }
