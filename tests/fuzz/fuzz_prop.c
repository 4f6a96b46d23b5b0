/* libFuzzer target: the fuzzer's bytes choose a task program (every choice
 * the property tests' generator makes: which op, which children, delays,
 * modes, results), which then runs on weft and is checked against the model
 * exactly as in tests/c/test_prop.c. Any violation or difference aborts,
 * and the fuzzer saves the input; `fuzz_prop <file>` replays it and prints
 * the program. Built and run by scripts/fuzz.mjs (clang -fsanitize=fuzzer,
 * address,undefined). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../prop/prop.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static p_program p;
  static p_result want, got;
  p_from_bytes(&p, data, size);
  if (!p_model(&p, &want)) return 0; /* ambiguous: asyncio leaves the order open */
  int bad = p_run(&p, 1, 1, &got);
  bad += p_compare(&want, &got, &p, 1, 0);
  if (bad) {
    printf("fuzz_prop: the runtime and the model disagree on:\n");
    p_print(&p);
    fflush(stdout);
    abort();
  }
  return 0;
}
