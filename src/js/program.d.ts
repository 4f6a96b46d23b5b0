// Types of a weft_program() .mjs, and of 'weft/runtime' (dist/weft.mjs, the
// prebuilt runtime as one): the factory (default export) and where its
// .wasm is. Pass either to createWeft({ module }). For your own program:
//   declare module '*/myprog.mjs' { export * from 'weft/runtime'; export { default } from 'weft/runtime'; }
import type { WeftProgramFactory } from './index.js';

/** new URL('<prog>.wasm', import.meta.url): bundlers rewrite it to the asset. */
export const wasm: URL;
declare const factory: WeftProgramFactory;
export default factory;
