// A typed consumer of the package, checked by `tsc --noEmit` in strict mode
// with bundler and nodenext resolution (tests/node/types.test.mjs, and the
// consumer test over the installed tarball). Every `@ts-expect-error` line
// must fail to type-check: tsc reports a directive that is not needed.
import { createWeft, WeftError, type Weft, type WeftModule, type WeftOptions } from 'weft';
import { createWeft as createCore } from 'weft/core';
import runtime, { wasm as runtimeWasm } from 'weft/runtime';
import { drain, taskTable, toChromeTrace, type TraceRecord } from 'weft/trace';
import { TimelineModel } from 'weft/timeline';

export async function main(): Promise<void> {
  const weft: Weft = await createWeft();
  // The most common call: a number, without options.
  const a: number = await weft.run('sleep_then', 100);
  const b: number = await weft.run('sleep_then', 100, { result: 'number' });
  const s: string | null = await weft.run('echo', 'hé', { result: 'string' });
  const ac = new AbortController();
  const c: number = await weft.run('sleep_then', 60000, { signal: ac.signal });
  const d: number = await weft.run('gen_stats');
  // @ts-expect-error a string result is not a number
  const e: number = await weft.run('echo', 'x', { result: 'string' });
  // @ts-expect-error nor is a number a string
  const f: string = await weft.run('sleep_then', 1);
  // @ts-expect-error the argument is a number or a string
  await weft.run('sleep_then', { ms: 1 });
  // @ts-expect-error result is 'number' or 'string'
  await weft.run('sleep_then', 1, { result: 'json' });

  for await (const x of weft.iterate('count', 3)) { const n: number = x; void n; }
  for await (const w of weft.iterate('words', 'a b', { result: 'string' })) { const t: string | null = w; void t; }
  const h: number = weft.handle(Promise.resolve(1));
  const ih: number = weft.iterHandle([1, 2, 3]);
  const now: number = weft.loopNow();
  const { name, message }: { name: string; message: string } = weft.strerror(-1);

  // The Emscripten module, typed.
  const M: WeftModule = weft.module;
  const heap: Uint8Array = M.HEAPU8;
  const p: number = M._malloc(16);
  M._free(p);
  const clock: string | undefined = M.ENV.WEFT_CLOCK;
  const loops: number[] = M.weftLoops();
  // @ts-expect-error not something weft exposes
  M._no_such_export();

  // A real class: instanceof narrows.
  try { await weft.run('nope'); } catch (err) {
    if (err instanceof WeftError) { const code: number = err.code; const cn: string = err.codeName; void code; void cn; }
  }
  const made = new WeftError('x', { code: -3, codeName: 'WEFT_EINVAL' });
  const isError: Error = made;

  // The trace and the timeline, together as the README says.
  const records: TraceRecord[] = drain(weft.module);
  const model = new TimelineModel().add(drain(weft.module));
  const rows = taskTable(records);
  const chrome = toChromeTrace(records);

  // Options of a program of one's own.
  const opts: WeftOptions = {
    module: runtime, wasm: runtimeWasm, clock: 'virtual', env: { WEFT_BUDGET_US: 2000, MINE: 'x' }, args: ['--n', '3'],
    onExit: (status: number) => { void status; }, print: (line: string) => { void line; }, printErr: () => {},
    onError: (msg: string) => { void msg; }, budgetUs: 1000,
  };
  const own: Weft = await createCore({ module: runtime });
  const own2: Weft = await createWeft({ module: new URL('./prog.mjs', 'file:///x/') });
  // @ts-expect-error clock is 'virtual' or 'real'
  await createWeft({ clock: 'fake' });
  // @ts-expect-error no such option
  await createWeft({ clok: 'virtual' });
  // @ts-expect-error args are strings
  await createWeft({ args: [1, 2] });
  // @ts-expect-error weft/core needs a module
  await createCore();
  // @ts-expect-error weft/core needs a module
  await createCore({ clock: 'virtual' });

  void [a, b, s, c, d, e, f, h, ih, now, name, message, heap, clock, loops, isError, model, rows, chrome, opts, own, own2];
}
