// The pure-JS peer of the zip benchmark (bench/zip.mjs): fflate's streaming
// Zip over Node's streams, the files read in 64 KiB chunks and the archive
// written as it comes, waiting for the write stream to drain (the same
// back-pressure weft's writer has).
//   node bench/zip-fflate.mjs <out.zip> <store|deflate> <file>...
import { createReadStream, createWriteStream } from 'node:fs';
import { basename } from 'node:path';
import { once } from 'node:events';
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate';

const [out, method, ...files] = process.argv.slice(2);
const sink = createWriteStream(out);
let failed = null;
let pending = Promise.resolve();
const zip = new Zip((err, chunk, final) => {
  if (err) { failed = err; return; }
  if (!sink.write(chunk)) pending = once(sink, 'drain');
  if (final) sink.end();
});
for (const f of files) {
  const entry = method === 'deflate' ? new ZipDeflate(basename(f), { level: 6 }) : new ZipPassThrough(basename(f));
  zip.add(entry);
  for await (const chunk of createReadStream(f, { highWaterMark: 64 << 10 })) {
    entry.push(chunk);
    await pending;
  }
  entry.push(new Uint8Array(0), true);
  await pending;
}
zip.end();
await once(sink, 'finish');
if (failed) throw failed;
