// Types for 'weft/core': createWeft() without the built-in runtime.
import type { Weft, WeftOptions, WeftProgramFactory, WeftProgramModule } from './index.js';

export type * from './index.js';
export { WeftError } from './index.js';

/** Loads your own weft program and returns its API (`module` is required). */
export function createWeft(options: WeftOptions & { module: WeftProgramFactory | WeftProgramModule | string | URL }): Promise<Weft>;
export default createWeft;
