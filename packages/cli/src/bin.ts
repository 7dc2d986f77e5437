#!/usr/bin/env node
import module from 'node:module';

// Keep compiled code between runs (in the OS temp dir; NODE_DISABLE_COMPILE_CACHE=1 turns it
// off): a short command like `cp` of one file starts ~15% faster. Enabled before anything else loads.
module.enableCompileCache?.();
const { main } = await import('./main.js');

// Node prints warnings as a multi-line banner between our one-line messages. Keep them to one
// line, and drop google-auth-library's MetadataLookupWarning (it only says no GCP metadata server
// answered, which is normal off GCP) unless DEEPSTORE_DEBUG is set.
process.removeAllListeners('warning');
process.on('warning', (w) => {
  if (w.name === 'MetadataLookupWarning' && !process.env.DEEPSTORE_DEBUG) return;
  process.stderr.write(`deepstore: warning: ${w.name}: ${w.message.replace(/\s+/g, ' ').trim()}\n`);
});

// A reader that goes away (`deepstore ls ... | head`) must not crash the process with EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') process.exitCode = 1;
});

let settled = false;
process.on('exit', (code) => {
  // The event loop ran dry while an operation was still pending: an adapter lost track of
  // its own work. Say so instead of exiting silently with success.
  if (!settled && code === 0) {
    process.stderr.write('deepstore: internal error: the operation stopped before finishing (set DEEPSTORE_DEBUG=1 and report it)\n');
    process.exitCode = 1;
  }
});

void main(process.argv).then((code) => {
  settled = true;
  process.exitCode = code;
  // Let stdout drain and exit naturally; if a plugin left a handle open, do not hang forever.
  setTimeout(() => process.exit(code), 2000).unref();
});
