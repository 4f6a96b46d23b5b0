/* ping.c and pong.c call each other: a circle within one layer. */
int low_ping(int);
int low_pong(int n) { return n ? low_ping(n - 1) : 1; }
