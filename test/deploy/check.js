// Assertions for test/deploy/replicas.sh, from the load generator's results, the replicas' /metrics
// texts and the moments the replicas were stopped. Prints what it checked; exits 1 on the first failure.
// Usage: node check.js DIR   (DIR holds the files replicas.sh wrote; see there)
'use strict';
const fs = require('fs');
const path = require('path');
const dir = process.argv[2];
const read = (f) => fs.readFileSync(path.join(dir, f), 'utf8');
const results = (f) => read(f).split('\n').filter(Boolean).map((l) => JSON.parse(l));
const addr = (name) => '127.0.0.1:' + read('port-' + name).trim();
const A = addr('a'), B = addr('b'), C = addr('c');           // A: SIGTERM, B: SIGKILL, C: survives
// term-at: SIGTERM sent; closed-at: its listener refused connections; kill-at: SIGKILL sent; dead-at: process reaped.
const [termAt, closedAt, killAt, deadAt] = ['term-at', 'closed-at', 'kill-at', 'dead-at'].map((f) => Number(read(f)));
const SLACK_MS = 20; // clock granularity

function requestsTotal(file) { // sum of every llmproxy_requests_total series in one exposition text
  let sum = 0, series = 0;
  for (const line of read(file).split('\n')) {
    const m = /^llmproxy_requests_total(\{[^}]*\})? ([0-9.eE+-]+)$/.exec(line);
    if (m) { sum += Number(m[2]); series++; }
  }
  if (series === 0) fail(file + ' has no llmproxy_requests_total series');
  return sum;
}
function fail(msg) { console.error('FAIL: ' + msg); process.exit(1); }
function ok(msg) { console.log('ok: ' + msg); }
const count = (list, pred) => list.filter(pred).length;
const show = (list) => list.slice(0, 5).map((r) => JSON.stringify(r)).join('\n  ');

// Round 1: three healthy replicas; every request succeeds, each replica's /metrics matches what it served.
const r1 = results('round1.jsonl');
const bad1 = r1.filter((r) => !r.ok);
if (bad1.length) fail(`round 1: ${bad1.length} failed requests with every replica up:\n  ${show(bad1)}`);
let sum1 = 0;
for (const [name, a] of [['a', A], ['b', B], ['c', C]]) {
  const served = count(r1, (r) => r.upstream === a);
  const counted = requestsTotal('metrics1-' + name);
  if (served === 0) fail(`round 1: replica ${name} (${a}) served nothing; nginx did not spread the load`);
  if (counted !== served) fail(`round 1: replica ${name} /metrics counts ${counted} requests, the load generator got ${served} from it`);
  sum1 += counted;
}
if (sum1 !== r1.length) fail(`round 1: /metrics of the three replicas sum to ${sum1}, the load generator sent ${r1.length}`);
ok(`round 1: ${r1.length} requests (${count(r1, (r) => r.stream)} streams), all succeeded; /metrics per replica and their sum (${sum1}) match`);

// Round 2: A stopped with SIGTERM, then B killed with SIGKILL, both under load.
const r2 = results('round2.jsonl');
const failed = r2.filter((r) => !r.ok);
const fromA = r2.filter((r) => r.upstream === A);
// Closing a listening socket resets the connections still waiting in its accept queue. nginx has sent their
// requests and does not retry a POST, so they fail with a 502 although the replica never saw them (the race
// docs/deploy.md describes; rare). Such a failure must be a 502, over within 0.5 s of the listener being seen
// closed, and matched by nginx logging a reset while waiting for the response header from A. Everything
// else A was sent must complete.
const resetsLogged = read('nginx-error.log').split('\n').filter((l) =>
  l.includes('(104: Connection reset by peer) while reading response header from upstream') &&
  l.includes(`upstream: "http://${A}/`)).length;
const queueResets = fromA.filter((r) => !r.ok && r.status === 502 && r.end >= termAt - SLACK_MS && r.end <= closedAt + 500);
const failedOnA = fromA.filter((r) => !r.ok && !queueResets.includes(r));
if (failedOnA.length) fail(`round 2: the gracefully stopped replica has ${failedOnA.length} failed requests:\n  ${show(failedOnA)}`);
if (queueResets.length > resetsLogged) fail(`round 2: ${queueResets.length} 502s from ${A} as its listener closed, but nginx logged only ${resetsLogged} connection resets from it:\n  ${show(queueResets)}`);
if (queueResets.length) console.log(`note: ${queueResets.length} request(s) reset in ${A}'s accept queue as its listener closed (never seen by the replica; nginx logged the reset)`);
const notB = failed.filter((r) => r.upstream !== B && !queueResets.includes(r));
if (notB.length) fail(`round 2: ${notB.length} failed requests not answered by the killed replica ${B}:\n  ${show(notB)}`);
// In flight: started before the process was gone, ended after the signal (connections still queued on a
// SIGKILLed listener until the process is gone are reset too).
const notInFlight = failed.filter((r) => r.upstream === B).filter((r) => r.start > deadAt + SLACK_MS || r.end < killAt - SLACK_MS);
if (notInFlight.length) fail(`round 2: ${notInFlight.length} failures on ${B} were not in flight between its SIGKILL (${killAt}) and its end (${deadAt}):\n  ${show(notInFlight)}`);
ok(`round 2: ${failed.length - queueResets.length} failed requests, all in flight on the SIGKILLed replica when it died (${deadAt - killAt} ms from signal to gone)`);

const drainedOnA = fromA.filter((r) => r.start <= termAt && r.end >= termAt && !queueResets.includes(r));
if (drainedOnA.length === 0) fail('round 2: no request was in flight on the replica at its SIGTERM; the test proved nothing');
const lateOnA = fromA.filter((r) => r.start > closedAt + SLACK_MS);
if (lateOnA.length) fail(`round 2: ${lateOnA.length} requests reached ${A} after it closed its listener:\n  ${show(lateOnA)}`);
ok(`round 2: SIGTERM replica: ${fromA.length} requests, none it accepted failed; ${drainedOnA.length} in flight at the SIGTERM ` +
   `(${count(drainedOnA, (r) => r.stream)} streams) all completed; nothing new reached it once its listener closed (${closedAt - termAt} ms after the signal)`);

const fromC = r2.filter((r) => r.upstream === C);
if (count(fromC, (r) => !r.ok)) fail('round 2: the surviving replica has failed requests');
const afterKill = r2.filter((r) => r.start > deadAt + SLACK_MS);
if (afterKill.length === 0 || count(afterKill, (r) => r.upstream !== C)) fail('round 2: requests after the kill did not all go to the survivor');
ok(`round 2: surviving replica: ${fromC.length} requests (${count(fromC, (r) => r.stream)} streams), all complete; ` +
   `${afterKill.length} started after the killed replica was gone, all on it`);

const streamsFailed = count(failed, (r) => r.upstream === B && r.stream);
ok(`round 2: killed replica: ${count(r2, (r) => r.upstream === B)} requests, ${count(failed, (r) => r.upstream === B)} lost in flight (${streamsFailed} streams)`);

// The survivor's /metrics covers both rounds exactly.
const servedC = count(r1, (r) => r.upstream === C) + count(fromC, (r) => r.ok);
const countedC = requestsTotal('metrics-end-c');
if (countedC !== servedC) fail(`surviving replica /metrics counts ${countedC} requests, the load generator got ${servedC} from it`);
ok(`surviving replica /metrics: ${countedC} requests over both rounds, as sent`);
