// 'weft/core' under Node: createWeft() without the built-in runtime, for
// loading your own weft program (`module` required). Browsers: core.mjs.
import { WeftError, load } from './node.mjs';

export { WeftError };

/** Loads your own weft program (`options.module`) and returns its JS API. */
export function createWeft(options) {
  return load(options, null);
}

export default createWeft;
