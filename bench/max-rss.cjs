// Preloaded into a benchmarked Node process (--require): writes its peak RSS in bytes on exit.
const { writeFileSync } = require('node:fs');
const out = process.env.DEEPSTORE_BENCH_RSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
