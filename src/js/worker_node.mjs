// A pool worker under Node (a worker_threads thread): see worker_core.mjs.
import { parentPort } from 'node:worker_threads';
import { serve } from './worker_core.mjs';
import { loadFactory } from './node.mjs';

serve({
  post: (msg, transfer) => parentPort.postMessage(msg, transfer),
  onMessage: (fn) => parentPort.on('message', fn),
  loadFactory,
});
