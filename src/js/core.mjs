// 'weft/core' for browsers, workers and bundlers: createWeft() without the
// built-in runtime, for loading your own weft program (`module` required).
// A bundle importing this holds nothing of dist/. Node: core.node.mjs.
import { WeftError, load } from './browser.mjs';

export { WeftError };

/** Loads your own weft program (`options.module`) and returns its JS API. */
export function createWeft(options) {
  return load(options, null);
}

export default createWeft;
