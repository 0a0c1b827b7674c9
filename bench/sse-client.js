// Streaming client for bench/run.sh: opens N streams to the direct SSE mock and N through the proxy,
// interleaved (direct, proxy, direct, proxy...), `lanes` at a time, and measures per stream the time to
// first chunk (request written -> first body byte) and per event the inter-chunk gap and the delivery
// delay (receive time - the mock's send time, both CLOCK_MONOTONIC). Prints one "BENCH {json}" line.
// The send time is an event's "t" field or, in a translated stream, "t=NS" inside its text.
// Usage: node sse-client.js DIRECT_URL PROXY_URL BODY_FILE KEY STREAMS LANES [PROXY_MODEL]
'use strict';
const http = require('http');
const fs = require('fs');
const [directUrl, proxyUrl, bodyFile, key, nStr, lanesStr, proxyModel] = process.argv.slice(2);
const N = Number(nStr), LANES = Number(lanesStr || 1);
const baseBody = JSON.parse(fs.readFileSync(bodyFile, 'utf8'));

function body(model) {
  return Buffer.from(JSON.stringify({ ...baseBody, model, stream: true }));
}
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function stream(url, payload) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const t0 = process.hrtime.bigint();
    let first = 0n, prev = 0n, buf = '';
    const gaps = [], delays = [];
    let events = 0;
    const req = http.request({
      host: u.hostname, port: u.port, path: u.pathname, method: 'POST', agent,
      headers: { 'Content-Type': 'application/json', 'Content-Length': payload.length,
                 'Authorization': 'Bearer ' + key, 'Accept': 'text/event-stream' },
    }, (res) => {
      if (res.statusCode !== 200) { res.resume(); reject(new Error(url + ': status ' + res.statusCode)); return; }
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        const now = process.hrtime.bigint();
        if (first === 0n) first = now;
        buf += chunk;
        let k;
        while ((k = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, k); buf = buf.slice(k + 2);
          const m = /"t":(\d+)\}/.exec(ev) || /\bt=(\d+)/.exec(ev);
          if (!m) continue; // [DONE], or a translated stream's events without text
          events++;
          delays.push(Number(now - BigInt(m[1])) / 1e3);
          if (prev !== 0n) gaps.push(Number(now - prev) / 1e3);
          prev = now;
        }
      });
      res.on('end', () => resolve({ ttfc: Number(first - t0) / 1e3, gaps, delays, events }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setNoDelay(true);
    req.end(payload);
  });
}

function pct(a, p) {
  if (a.length === 0) return NaN;
  const s = Float64Array.from(a).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p / 100 * s.length) - 1))];
}

(async () => {
  const sides = {
    direct: { url: directUrl, payload: body('bench-upstream-model'), ttfc: [], gaps: [], delays: [], events: 0, errors: 0 },
    proxy: { url: proxyUrl, payload: body(proxyModel || 'bench-stream'), ttfc: [], gaps: [], delays: [], events: 0, errors: 0 },
  };
  const order = [];
  for (let i = 0; i < N; i++) order.push('direct', 'proxy');
  let next = 0;
  const lane = async () => {
    while (next < order.length) {
      const s = sides[order[next++]];
      try {
        const r = await stream(s.url, s.payload);
        s.ttfc.push(r.ttfc); s.gaps.push(...r.gaps); s.delays.push(...r.delays); s.events += r.events;
      } catch (e) { s.errors++; console.error(e.message); }
    }
  };
  // A few unmeasured streams first, to open connections.
  await Promise.all([stream(directUrl, sides.direct.payload), stream(proxyUrl, sides.proxy.payload)]);
  await Promise.all(Array.from({ length: LANES }, lane));
  const out = { streams: N, lanes: LANES };
  for (const [name, s] of Object.entries(sides)) {
    out[name] = {
      streams: s.ttfc.length, errors: s.errors, events: s.events,
      ttfc_p50_us: pct(s.ttfc, 50), ttfc_p99_us: pct(s.ttfc, 99),
      gap_p50_us: pct(s.gaps, 50), gap_p99_us: pct(s.gaps, 99),
      delay_p50_us: pct(s.delays, 50), delay_p99_us: pct(s.delays, 99), delay_max_us: Math.max(...s.delays),
    };
  }
  console.log('BENCH ' + JSON.stringify(out));
  agent.destroy();
})().catch((e) => { console.error(e); process.exit(1); });
