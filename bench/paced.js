// Paced latency for bench/run.sh: one request at a time, direct then through the proxy, then a pause of
// GAP ms, repeated; per gap the p50/p90 latency (request written -> response complete) of each side.
// Shows how much of the added latency at low request rates comes from threads and CPUs gone idle.
// Usage: node paced.js DIRECT_URL PROXY_URL DIRECT_BODY_FILE PROXY_BODY_FILE KEY GAP:COUNT[,GAP:COUNT...]
'use strict';
const http = require('http');
const fs = require('fs');
const [directUrl, proxyUrl, directBody, proxyBody, key, plan] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

function once(url, payload) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const t0 = process.hrtime.bigint();
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length, 'Authorization': 'Bearer ' + key },
    }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e3)
        : reject(new Error(url + ': status ' + res.statusCode))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setNoDelay(true);
    req.end(payload);
  });
}
const pause = (ms) => new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));
function pct(a, p) {
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))];
}

(async () => {
  const bodies = { direct: fs.readFileSync(directBody), proxy: fs.readFileSync(proxyBody) };
  const urls = { direct: directUrl, proxy: proxyUrl };
  const out = [];
  for (const step of plan.split(',')) {
    const [gap, count] = step.split(':').map(Number);
    const lat = { direct: [], proxy: [] };
    for (let i = 0; i < count + 5; i++) {
      for (const side of ['direct', 'proxy']) {
        const us = await once(urls[side], bodies[side]);
        if (i >= 5) lat[side].push(us); // the first few after a change of pace are not counted
      }
      await pause(gap);
    }
    const r = { gap_ms: gap, count };
    for (const side of ['direct', 'proxy']) {
      r[side + '_p50_us'] = pct(lat[side], 50); r[side + '_p90_us'] = pct(lat[side], 90);
    }
    out.push(r);
  }
  console.log('BENCH ' + JSON.stringify(out));
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
