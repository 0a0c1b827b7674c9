// Start-up time for bench/run.sh: launches the given command, polls GET URL every ~1 ms and prints
// "BENCH {"ms":...}" with the milliseconds from spawn to the first 200; then stops the child (its PID,
// SIGTERM, SIGKILL after 5 s) and waits for it to exit.
// Usage: node startup.js URL TIMEOUT_MS CMD ARGS...
'use strict';
const http = require('http');
const { spawn } = require('child_process');
const [url, timeoutMs, cmd, ...args] = process.argv.slice(2);
const t0 = process.hrtime.bigint();
const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
let exited = false;
child.on('exit', () => { exited = true; });
const agent = new http.Agent({ keepAlive: false });
const finish = (result) => {
  console.log('BENCH ' + JSON.stringify(result));
  if (exited) return;
  const k = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 5000);
  child.on('exit', () => clearTimeout(k));
  child.kill('SIGTERM');
};
const poll = () => {
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e6;
  if (exited) { finish({ ms: null, error: 'process exited' }); return; }
  if (elapsed > Number(timeoutMs)) { finish({ ms: null, error: 'timeout' }); return; }
  const req = http.get(url, { agent }, (res) => {
    res.resume();
    if (res.statusCode === 200) finish({ ms: Number(process.hrtime.bigint() - t0) / 1e6 });
    else setTimeout(poll, 1);
  });
  req.on('error', () => setTimeout(poll, 1));
};
poll();
