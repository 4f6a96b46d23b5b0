/* ping.c and pong.c call each other: a circle within one layer. */
int low_pong(int);
int low_ping(int n) { return n ? low_pong(n - 1) : 0; }
