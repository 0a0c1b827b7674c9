// Summarises bench/run.sh measurements: prints the tables, writes the same figures as JSON lines and a
// small SVG chart. Usage: node report.js RAW.jsonl RESULTS.jsonl CHART.svg
'use strict';
const fs = require('fs');
const [rawFile, resultsFile, chartFile] = process.argv.slice(2);
const raw = fs.readFileSync(rawFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
const meta = raw.find((r) => r.kind === 'meta') || {};
const results = [];
const emit = (o) => results.push(o);

const median = (a) => {
  const s = a.filter((x) => x !== null && !Number.isNaN(x)).sort((x, y) => x - y);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const r1 = (x, d = 1) => (x === null || x === undefined || Number.isNaN(x) ? null : Number(x.toFixed(d)));
const fmt = (x, d = 2, sign = false) => (x === null || x === undefined || Number.isNaN(x) ? '-' :
  (sign && x >= 0 ? '+' : '') + x.toFixed(d));
const pad = (s, n) => String(s).padStart(n);
const table = (head, rows) => {
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => r.map((c, i) => (i === 0 ? String(c).padEnd(w[i]) : pad(c, w[i]))).join('  ');
  console.log(line(head));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  rows.forEach((r) => console.log(line(r)));
};

// Aggregates the wrk runs of one scenario/side/concurrency: medians over rounds, CPU summed.
function agg(scenario, side, conc) {
  const runs = raw.filter((r) => r.kind === 'wrk' && r.scenario === scenario && r.side === side && r.conc === conc);
  if (runs.length === 0) return null;
  const w = runs.map((r) => r.wrk);
  const reqs = w.reduce((s, x) => s + x.requests, 0);
  const cpu = runs.every((r) => r.cpu_s !== null) ? runs.reduce((s, r) => s + r.cpu_s, 0) : null;
  return {
    rounds: runs.length, requests: reqs,
    rps: median(w.map((x) => x.rps)),
    p50: median(w.map((x) => x.p50_us / 1000)), p90: median(w.map((x) => x.p90_us / 1000)),
    p99: median(w.map((x) => x.p99_us / 1000)),
    errors: w.reduce((s, x) => s + x.err_connect + x.err_read + x.err_write + x.err_status + x.err_timeout, 0),
    cpu_us: cpu === null ? null : cpu / reqs * 1e6,
    hwm_mb: runs.every((r) => r.hwm_kb) ? Math.max(...runs.map((r) => r.hwm_kb)) / 1024 : null,
  };
}

const title = (t) => console.log('\n== ' + t + ' ==');
console.log(`llm-proxy benchmark ${meta.date || ''}${meta.quick ? ' (QUICK)' : ''}: ${meta.nproc} x ${meta.cpu}, ` +
  `${meta.mem_mb} MB, Linux ${meta.kernel}; ${meta.java}; nginx ${meta.nginx}; ${meta.wrk}; node ${meta.node}`);
console.log(`JVM options: ${meta.jvm_opts}`);
console.log(`jar: ${meta.jar}; client keys configured: ${meta.client_keys || 0}`);
const loadEnd = raw.find((r) => r.kind === 'loadavg_end');
meta.loadavg_end = loadEnd ? loadEnd.loadavg : null;
console.log(`load average (1/5/15 min) at start ${meta.loadavg_start}, at end ${meta.loadavg_end}`);
console.log(`JVMs warmed up with ${meta.warmup_s} s of c=16 load (+ c=64 and fallback) before measuring; ` +
  `medians of ${meta.rounds} interleaved round(s) of ${meta.duration_s} s`);
emit({ section: 'meta', ...meta });

// ---------------------------------------------------------------- 1. non-streaming
title('1. Non-streaming: ~1 KB POST, ~400-byte chat.completion from nginx (latency in ms)');
const ns = {};
const nsRows = [];
for (const conc of [1, 16, 64]) {
  const d = agg('nonstream', 'direct', conc);
  ns[conc] = { direct: d };
  for (const side of ['direct', 'proxy', 'naive']) {
    const a = side === 'direct' ? d : agg('nonstream', side, conc);
    if (!a) continue;
    ns[conc][side] = a;
    const isD = side === 'direct';
    const row = {
      section: 'nonstream', conc, side, rounds: a.rounds, requests: a.requests, rps: r1(a.rps),
      ratio: isD ? 1 : r1(a.rps / d.rps, 3),
      p50_ms: r1(a.p50, 3), p90_ms: r1(a.p90, 3), p99_ms: r1(a.p99, 3),
      added_p50_ms: isD ? 0 : r1(a.p50 - d.p50, 3), added_p90_ms: isD ? 0 : r1(a.p90 - d.p90, 3),
      added_p99_ms: isD ? 0 : r1(a.p99 - d.p99, 3),
      cpu_us_per_req: r1(a.cpu_us), errors: a.errors,
    };
    emit(row);
    nsRows.push([conc, side, fmt(a.rps, 0), fmt(row.ratio, 3), fmt(a.p50, 3), fmt(a.p90, 3), fmt(a.p99, 3),
      isD ? '' : fmt(row.added_p50_ms, 3, true), isD ? '' : fmt(row.added_p90_ms, 3, true),
      isD ? '' : fmt(row.added_p99_ms, 3, true), isD ? '' : fmt(a.cpu_us, 0), a.errors]);
  }
}
table(['conc', 'side', 'req/s', 'x direct', 'p50', 'p90', 'p99', '+p50', '+p90', '+p99', 'CPU us/req', 'errors'], nsRows);
if (ns[1].naive) console.log('naive = bench/NaivePassthrough.java (JDK HttpServer + HttpClient, same JVM options): the ceiling');

// ---------------------------------------------------------------- 2. streaming
title('2. Streaming: 20 SSE chunks 10 ms apart (node mock); times in ms');
const sseRec = raw.find((r) => r.kind === 'sse');
let sse = null;
if (sseRec) {
  const s = sseRec.result;
  const ms = (x) => x / 1000;
  sse = {
    section: 'streaming', streams: s.streams, lanes: s.lanes,
    direct: s.direct, proxy: s.proxy,
    added_ttfc_p50_ms: r1(ms(s.proxy.ttfc_p50_us - s.direct.ttfc_p50_us), 3),
    added_ttfc_p99_ms: r1(ms(s.proxy.ttfc_p99_us - s.direct.ttfc_p99_us), 3),
    added_gap_p50_ms: r1(ms(s.proxy.gap_p50_us - s.direct.gap_p50_us), 3),
    added_gap_p99_ms: r1(ms(s.proxy.gap_p99_us - s.direct.gap_p99_us), 3),
    added_delay_p50_ms: r1(ms(s.proxy.delay_p50_us - s.direct.delay_p50_us), 3),
    added_delay_p99_ms: r1(ms(s.proxy.delay_p99_us - s.direct.delay_p99_us), 3),
  };
  emit(sse);
  const row = (name, x) => [name, x.streams, fmt(ms(x.ttfc_p50_us), 3), fmt(ms(x.ttfc_p99_us), 3),
    fmt(ms(x.gap_p50_us), 3), fmt(ms(x.gap_p99_us), 3), fmt(ms(x.delay_p50_us), 3), fmt(ms(x.delay_p99_us), 3),
    fmt(ms(x.delay_max_us), 3), x.errors];
  table(['side', 'streams', 'TTFC p50', 'TTFC p99', 'gap p50', 'gap p99', 'delay p50', 'delay p99', 'delay max', 'errors'], [
    row('direct', s.direct), row('proxy', s.proxy),
    ['added', '', fmt(sse.added_ttfc_p50_ms, 3, true), fmt(sse.added_ttfc_p99_ms, 3, true),
      fmt(sse.added_gap_p50_ms, 3, true), fmt(sse.added_gap_p99_ms, 3, true),
      fmt(sse.added_delay_p50_ms, 3, true), fmt(sse.added_delay_p99_ms, 3, true), '', ''],
  ]);
  console.log(`TTFC: request written -> first body byte. gap: between consecutive events. delay: event received - ` +
    `sent by the mock (same monotonic clock). ${s.lanes} streams at a time, direct and proxy interleaved.`);
}

// ---------------------------------------------------------------- 1b. translated
const xl = {};
const xlRows = [];
for (const conc of [1, 16]) {
  const d = agg('xlate', 'direct', conc);
  const p = agg('xlate', 'proxy', conc);
  const t = agg('xlate', 'translated', conc);
  if (!d || !p || !t) continue;
  if (Object.keys(xl).length === 0) {
    title('1b. Translated: OpenAI client -> Anthropic-protocol backend (nginx, fixed Messages JSON), next to passthrough');
  }
  for (const [name, a] of [['direct', d], ['passthrough', p], ['translated', t]]) {
    const isD = name === 'direct';
    xlRows.push([conc, name, fmt(a.rps, 0), isD ? '1.000' : fmt(a.rps / d.rps, 3), fmt(a.p50, 3), fmt(a.p99, 3),
      isD ? '' : fmt(a.p50 - d.p50, 3, true), isD ? '' : fmt(a.cpu_us, 0), a.errors]);
  }
  xl[conc] = {
    section: 'translated', conc, direct_rps: r1(d.rps), passthrough_rps: r1(p.rps), translated_rps: r1(t.rps),
    passthrough_ratio: r1(p.rps / d.rps, 3), translated_ratio: r1(t.rps / d.rps, 3),
    passthrough_added_p50_ms: r1(p.p50 - d.p50, 3), translated_added_p50_ms: r1(t.p50 - d.p50, 3),
    passthrough_cpu_us: r1(p.cpu_us), translated_cpu_us: r1(t.cpu_us), added_cpu_us: r1(t.cpu_us - p.cpu_us),
    errors: p.errors + t.errors,
  };
  emit(xl[conc]);
}
if (xlRows.length) {
  table(['conc', 'path', 'req/s', 'x direct', 'p50', 'p99', '+p50', 'CPU us/req', 'errors'], xlRows);
  for (const conc of Object.keys(xl)) {
    const r = xl[conc];
    console.log(`c=${conc}: translation costs ${fmt(r.added_cpu_us, 0, true)} CPU-us per request over passthrough; ` +
      `x direct ${fmt(r.translated_ratio, 3)} vs ${fmt(r.passthrough_ratio, 3)}`);
  }
}

// ---------------------------------------------------------------- 2b. translated streaming, 2c. paced
const sx = raw.find((r) => r.kind === 'sse_xlate');
if (sx) {
  title('2b. Translated streaming: Anthropic SSE mock direct vs translated to OpenAI chunks by the proxy (ms)');
  const s = sx.result;
  const ms = (x) => x / 1000;
  const row = (name, x) => [name, x.streams, x.events, fmt(ms(x.ttfc_p50_us), 3), fmt(ms(x.ttfc_p99_us), 3),
    fmt(ms(x.gap_p99_us), 3), fmt(ms(x.delay_p50_us), 3), fmt(ms(x.delay_p99_us), 3), x.errors];
  table(['side', 'streams', 'events', 'TTFC p50', 'TTFC p99', 'gap p99', 'delay p50', 'delay p99', 'errors'],
    [row('direct', s.direct), row('translated', s.proxy)]);
  emit({ section: 'streaming_translated', direct: s.direct, translated: s.proxy,
    added_ttfc_p50_ms: r1(ms(s.proxy.ttfc_p50_us - s.direct.ttfc_p50_us), 3),
    added_ttfc_p99_ms: r1(ms(s.proxy.ttfc_p99_us - s.direct.ttfc_p99_us), 3),
    added_delay_p50_ms: r1(ms(s.proxy.delay_p50_us - s.direct.delay_p50_us), 3) });
}
const pc = raw.find((r) => r.kind === 'paced');
if (pc) {
  title('2c. Paced: one request at a time, direct then proxy, then a pause (ms)');
  table(['pause ms', 'pairs', 'direct p50', 'proxy p50', '+p50', 'direct p90', 'proxy p90', '+p90'], pc.result.map((r) =>
    [r.gap_ms, r.count, fmt(r.direct_p50_us / 1000, 3), fmt(r.proxy_p50_us / 1000, 3),
      fmt((r.proxy_p50_us - r.direct_p50_us) / 1000, 3, true), fmt(r.direct_p90_us / 1000, 3),
      fmt(r.proxy_p90_us / 1000, 3), fmt((r.proxy_p90_us - r.direct_p90_us) / 1000, 3, true)]));
  pc.result.forEach((r) => emit({ section: 'paced', gap_ms: r.gap_ms, count: r.count,
    direct_p50_ms: r1(r.direct_p50_us / 1000, 3), proxy_p50_ms: r1(r.proxy_p50_us / 1000, 3),
    added_p50_ms: r1((r.proxy_p50_us - r.direct_p50_us) / 1000, 3),
    added_p90_ms: r1((r.proxy_p90_us - r.direct_p90_us) / 1000, 3) }));
}

// ---------------------------------------------------------------- 3. fallback
title('3. Fallback: route 1 answers 503 at once, route 2 serves (cooldown_seconds: 0)');
const fbRows = [];
const fb = {};
for (const conc of [1, 16]) {
  const p = agg('fallback', 'proxy', conc);
  const f = agg('fallback', 'fallback', conc);
  if (!p || !f) continue;
  fb[conc] = { p, f };
  for (const [name, a] of [['proxied', p], ['fallback', f]]) {
    fbRows.push([conc, name, fmt(a.rps, 0), fmt(a.p50, 3), fmt(a.p90, 3), fmt(a.p99, 3), fmt(a.cpu_us, 0), a.errors]);
  }
  const row = {
    section: 'fallback', conc, proxied_rps: r1(p.rps), fallback_rps: r1(f.rps), rps_ratio: r1(f.rps / p.rps, 3),
    proxied_p50_ms: r1(p.p50, 3), fallback_p50_ms: r1(f.p50, 3), added_p50_ms: r1(f.p50 - p.p50, 3),
    added_p99_ms: r1(f.p99 - p.p99, 3), proxied_cpu_us: r1(p.cpu_us), fallback_cpu_us: r1(f.cpu_us),
    added_cpu_us: r1(f.cpu_us - p.cpu_us), errors: p.errors + f.errors,
  };
  fb[conc].row = row;
  emit(row);
}
table(['conc', 'path', 'req/s', 'p50', 'p90', 'p99', 'CPU us/req', 'errors'], fbRows);
for (const conc of Object.keys(fb)) {
  const r = fb[conc].row;
  console.log(`c=${conc}: one failed attempt costs ${fmt(r.added_p50_ms, 3, true)} ms p50, ${fmt(r.added_p99_ms, 3, true)} ms p99, ` +
    `${fmt(r.added_cpu_us, 0, true)} CPU-us per request; throughput x${fmt(r.rps_ratio, 3)}`);
}

// ---------------------------------------------------------------- 4. resources
title('4. Resources');
const mem = (jvm, phase) => raw.find((r) => r.kind === 'mem' && r.jvm === jvm && r.phase === phase);
const starts = (jvm) => raw.filter((r) => r.kind === 'startup' && r.jvm === jvm).map((r) => r.result.ms);
const resRows = [];
const res = {};
for (const jvm of ['recommended', 'plain', 'naive']) {
  const idle = mem(jvm, 'idle-after-start');
  const scen = jvm === 'plain' ? 'plain' : 'nonstream';
  const side = jvm === 'naive' ? 'naive' : 'proxy';
  const a16 = agg(scen, side, 16);
  const a64 = agg(scen, side, 64);
  const d16 = agg(scen, 'direct', 16);
  if (!a16) continue;
  // Peak RSS under load: VmHWM after the non-streaming runs (recommended, naive) or after c=64 (plain).
  const peak = jvm === 'plain' ? mem('plain', 'end') : mem(jvm, 'after-nonstream');
  const st = starts(jvm);
  const row = {
    section: 'resources', jvm, jvm_opts: jvm === 'plain' ? '' : meta.jvm_opts,
    idle_rss_mb: idle ? r1(idle.rss_kb / 1024) : null,
    peak_rss_mb: peak ? r1(peak.hwm_kb / 1024) : null,
    rss_after_load_mb: peak ? r1(peak.rss_kb / 1024) : null,
    rps_c16: r1(a16.rps), ratio_c16: r1(a16.rps / d16.rps, 3), rps_c64: a64 ? r1(a64.rps) : null,
    cpu_s_per_10k_c16: a16.cpu_us === null ? null : r1(a16.cpu_us / 100, 2),
    cpu_s_per_10k_c64: a64 && a64.cpu_us !== null ? r1(a64.cpu_us / 100, 2) : null,
    startup_ms_median: st.length ? r1(median(st), 0) : null,
    startup_ms_max: st.length ? r1(Math.max(...st), 0) : null,
  };
  res[jvm] = row;
  emit(row);
  resRows.push([jvm, fmt(row.idle_rss_mb, 1), fmt(row.peak_rss_mb, 1), fmt(row.rss_after_load_mb, 1),
    fmt(row.rps_c16, 0), fmt(row.ratio_c16, 3), fmt(row.rps_c64, 0), fmt(row.cpu_s_per_10k_c16, 2),
    fmt(row.cpu_s_per_10k_c64, 2), st.length ? `${fmt(row.startup_ms_median, 0)} (${fmt(row.startup_ms_max, 0)})` : '-']);
}
table(['JVM', 'idle RSS MB', 'peak RSS MB', 'RSS after MB', 'req/s c16', 'x direct', 'req/s c64',
  'CPU-s/10k c16', 'CPU-s/10k c64', 'start-up ms med (max)'], resRows);
console.log(`recommended = ${meta.jvm_opts}; plain = java -jar with no options; peak = VmHWM incl. warm-up and c=64`);

// ---------------------------------------------------------------- targets
title('Targets');
const targets = [];
const T = (name, value, op, limit, unit) => {
  const met = value === null || value === undefined || Number.isNaN(value) ? null
    : op === '<=' ? value <= limit : value >= limit;
  targets.push({ section: 'target', name, value: r1(value, 3), op, limit, unit, met });
};
if (ns[1].proxy) {
  T('added latency c=1 p50', ns[1].proxy.p50 - ns[1].direct.p50, '<=', 0.2, 'ms');
  T('added latency c=1 p99', ns[1].proxy.p99 - ns[1].direct.p99, '<=', 1, 'ms');
}
if (ns[16].proxy) {
  T('throughput c=16 / direct', ns[16].proxy.rps / ns[16].direct.rps, '>=', 0.12, 'x');
  T('CPU per proxied request c=16', ns[16].proxy.cpu_us, '<=', 150, 'us');
}
if (ns[64].proxy) {
  T('errors at c=64', ns[64].proxy.errors, '<=', 0, '');
  T('throughput c=64 / c=16 (no cliff)', ns[64].proxy.rps / ns[16].proxy.rps, '>=', 1, 'x');
}
if (sse) {
  T('streaming added TTFC p50', sse.added_ttfc_p50_ms, '<=', 0.5, 'ms');
  T('streaming added TTFC p99', sse.added_ttfc_p99_ms, '<=', 1, 'ms');
  T('streaming added inter-chunk p99', sse.added_gap_p99_ms, '<=', 1, 'ms');
}
if (res.recommended) {
  T('peak RSS (recommended options, c=64)', res.recommended.peak_rss_mb, '<=', 150, 'MB');
  T('idle RSS (recommended options)', res.recommended.idle_rss_mb, '<=', 80, 'MB');
  T('start-up to first /health 200 (median)', res.recommended.startup_ms_median, '<=', 500, 'ms');
}
targets.forEach(emit);
table(['target', 'value', 'limit', 'met'], targets.map((t) => [t.name, `${fmt(t.value, t.unit === 'x' ? 3 : 2)} ${t.unit}`,
  `${t.op} ${t.limit} ${t.unit}`, t.met === null ? '?' : t.met ? 'yes' : 'NO']));

fs.writeFileSync(resultsFile, results.map((r) => JSON.stringify(r)).join('\n') + '\n');

// ---------------------------------------------------------------- chart
const sides = ['direct', 'proxy', 'naive'].filter((s) => ns[16][s]);
const colors = { direct: '#9aa5b1', proxy: '#1f77b4', naive: '#ff7f0e' };
const W = 520, H = 260, left = 60, bottom = 40, top = 30;
const maxRps = Math.max(...[1, 16, 64].flatMap((c) => sides.map((s) => (ns[c][s] ? ns[c][s].rps : 0))));
const scaleMax = Math.pow(10, Math.ceil(Math.log10(maxRps)));
const y = (v) => H - bottom - (Math.log10(Math.max(v, 10)) - 1) / (Math.log10(scaleMax) - 1) * (H - bottom - top);
let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">\n`;
svg += `<text x="${left}" y="16" font-size="13">Requests/s (log scale), non-streaming, by concurrency</text>\n`;
for (let v = 100; v <= scaleMax; v *= 10) {
  svg += `<line x1="${left}" x2="${W - 10}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>` +
    `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v >= 1000 ? v / 1000 + 'k' : v}</text>\n`;
}
const groupW = (W - left - 10) / 3, barW = Math.min(36, (groupW - 20) / sides.length);
[1, 16, 64].forEach((c, gi) => {
  const gx = left + gi * groupW + (groupW - barW * sides.length) / 2;
  sides.forEach((s, si) => {
    const a = ns[c][s];
    if (!a) return;
    const x = gx + si * barW, yy = y(a.rps);
    svg += `<rect x="${x.toFixed(1)}" y="${yy.toFixed(1)}" width="${(barW - 3).toFixed(1)}" height="${(H - bottom - yy).toFixed(1)}" fill="${colors[s]}"/>` +
      `<text x="${(x + barW / 2 - 1.5).toFixed(1)}" y="${(yy - 3).toFixed(1)}" text-anchor="middle" font-size="9">${(a.rps / 1000).toFixed(1)}k</text>\n`;
  });
  svg += `<text x="${(left + gi * groupW + groupW / 2).toFixed(1)}" y="${H - bottom + 15}" text-anchor="middle">c=${c}</text>\n`;
});
sides.forEach((s, i) => {
  svg += `<rect x="${left + i * 150}" y="${H - 14}" width="10" height="10" fill="${colors[s]}"/>` +
    `<text x="${left + i * 150 + 14}" y="${H - 5}">${s === 'naive' ? 'naive JDK pass-through' : s === 'proxy' ? 'through llm-proxy' : 'direct to nginx'}</text>\n`;
});
svg += '</svg>\n';
fs.writeFileSync(chartFile, svg);
