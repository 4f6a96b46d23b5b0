// A pool worker in a browser (a module Web Worker): see worker_core.mjs.
import { serve } from './worker_core.mjs';
import { loadFactory } from './browser.mjs';

serve({
  post: (msg, transfer) => self.postMessage(msg, transfer),
  onMessage: (fn) => { self.onmessage = (e) => fn(e.data); },
  loadFactory,
});
