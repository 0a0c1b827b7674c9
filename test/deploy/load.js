// Load generator for test/deploy/replicas.sh: CONC workers POST chat completions to URL (nginx) until
// SECONDS have passed or MAX requests were started; every STREAM_EVERY-th request streams.
// Writes one JSON line per request to OUT: start/end (ms since the epoch, the clock `date +%s%3N` reads),
// stream, status, upstream (the replica that answered, from nginx's X-Upstream header: the last address
// tried), ok, and what went wrong when not ok.
// Usage: node load.js URL KEY CONC SECONDS MAX STREAM_EVERY OUT
'use strict';
const http = require('http');
const fs = require('fs');
const [url, key, conc, seconds, max, streamEvery, out] = process.argv.slice(2);
const CHUNKS = 10; // what mock-upstream.js sends per stream

const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conc) });
const deadline = Date.now() + Number(seconds) * 1000;
const results = [];
let started = 0;

function lastAddress(header) {
  const list = String(header || '').split(',').map((s) => s.trim()).filter(Boolean);
  return list.length ? list[list.length - 1] : '';
}

function one(i) {
  const stream = Math.random() * Number(streamEvery) < 1; // not i % n: that would lock streams to one replica of a round robin
  const body = JSON.stringify({ model: 'deploy-model', stream, messages: [{ role: 'user', content: 'request ' + i }] });
  const r = { i, stream, start: Date.now(), end: 0, status: 0, upstream: '', ok: false, error: '' };
  return new Promise((resolve) => {
    const done = (ok, error) => {
      if (r.end) return;
      r.end = Date.now(); r.ok = ok; r.error = error; results.push(r); resolve();
    };
    const req = http.request(url, { method: 'POST', agent, timeout: 20000, headers: {
      'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Authorization: 'Bearer ' + key } }, (res) => {
      r.status = res.statusCode;
      r.upstream = lastAddress(res.headers['x-upstream']);
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('error', (e) => done(false, 'response: ' + e.message));
      res.on('close', () => {
        if (!res.complete) return done(false, 'response cut short after ' + text.length + ' bytes');
        if (res.statusCode !== 200) return done(false, 'status ' + res.statusCode + ': ' + text.slice(0, 200));
        if (stream) {
          const events = (text.match(/^data: \{/gm) || []).length;
          const finished = /^data: \[DONE\]$/m.test(text);
          return done(events === CHUNKS && finished, events === CHUNKS && finished ? '' : 'stream incomplete: ' + events + ' events, [DONE] ' + finished);
        }
        try { JSON.parse(text).choices[0].message.content; done(true, ''); } catch (e) { done(false, 'bad body: ' + text.slice(0, 200)); }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => done(false, 'request: ' + e.message));
    req.end(body);
  });
}

async function worker() {
  while (Date.now() < deadline && started < Number(max)) {
    await one(started++);
  }
}

Promise.all(Array.from({ length: Number(conc) }, worker)).then(() => {
  fs.writeFileSync(out, results.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const failed = results.filter((r) => !r.ok).length;
  console.log(`load: ${results.length} requests (${results.filter((r) => r.stream).length} streams), ${failed} failed`);
  agent.destroy();
});
