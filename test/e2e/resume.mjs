// End-to-end stream rescue (issue 15 §7, fallback.resume_streams): the real `openai` and `@anthropic-ai/sdk`
// clients -> llm-proxy.jar -> a primary that cuts its stream mid-answer and a healthy fallback. The SDKs must
// assemble the complete answer from the spliced stream, and the Anthropic SDK must raise on the in-band
// `event: error` the proxy sends when no rescue is possible (issue 15 §2).
//
// Usage: node resume.mjs [path/to/llm-proxy.jar]     ($JAVA or `java` runs it)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JAR = path.resolve(process.argv[2] || process.env.LLM_PROXY_JAR || path.join(HERE, '..', '..', 'llm-proxy.jar'));
const JAVA = process.env.JAVA || 'java';
const PROXY_KEY = 'sk-proxy-resume-e2e-abcdef012345';

let child = null;
let output = '';
let tmp = null;
let checks = 0;
const servers = [];
process.on('exit', () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

async function check(name, fn) {
  const start = Date.now();
  try {
    const detail = await fn();
    checks++;
    console.log(`ok   ${String(checks).padStart(2)} ${name}${detail ? ` (${detail})` : ''} [${Date.now() - start} ms]`);
  } catch (e) {
    console.log(`FAIL    ${name}`);
    throw e;
  }
}

const freePort = () => new Promise((resolve, reject) => {
  const s = net.createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const oai = (id, delta, finish = null) => `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 1,
  model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const ant = (type, body) => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
const antStart = (id) => ant('message_start', { message: { id, type: 'message', role: 'assistant', content: [],
  model: 'claude', stop_reason: null, stop_sequence: null, usage: { input_tokens: 10, output_tokens: 1 } } })
  + ant('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const antText = (text) => ant('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
const antEnd = (n) => ant('content_block_stop', { index: 0 })
  + ant('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: n } })
  + ant('message_stop', {});

/** A loopback upstream: `primary` cuts its stream after some content, `fallback` continues it (or fails). */
function start(handler) {
  return new Promise((resolve) => {
    const s = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => handler(req, res, JSON.parse(body || '{}')));
    });
    s.listen(0, '127.0.0.1', () => { servers.push(s); resolve(`http://127.0.0.1:${s.address().port}`); });
  });
}

const sse = (res) => res.writeHead(200, { 'content-type': 'text/event-stream' });
const cut = (res, text) => { sse(res); res.write(text); setTimeout(() => res.socket.destroy(), 50); };

async function main() {
  let fallbackFails = false;
  const primary = await start((req, res) => {
    if (req.url.includes('chat/completions')) {
      cut(res, oai('chatcmpl-1', { role: 'assistant', content: '' }) + oai('chatcmpl-1', { content: 'The quick ' })
        + oai('chatcmpl-1', { content: 'brown ' }));
    } else {
      cut(res, antStart('msg_1') + antText('The quick ') + antText('brown '));
    }
  });
  const fallback = await start((req, res, body) => {
    if (fallbackFails) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":{"message":"down"}}');
      return;
    }
    if (req.url.includes('chat/completions')) {
      assert.equal(body.messages.at(-1).role, 'user', 'an OpenAI fallback is asked to continue');
      sse(res);
      res.end(oai('chatcmpl-2', { role: 'assistant' }) + oai('chatcmpl-2', { content: 'fox jumps.' })
        + oai('chatcmpl-2', {}, 'stop') + 'data: [DONE]\n\n');
    } else {
      assert.equal(body.messages.at(-1).role, 'assistant', 'an Anthropic fallback gets a prefill');
      sse(res);
      res.end(antStart('msg_2') + ant('ping', {}) + antText(' fox jumps.') + antEnd(3));
    }
  });

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-proxy-resume-'));
  const config = path.join(tmp, 'config.yaml');
  const backends = (proto) => `  - name: primary-${proto}
    url: "${primary}/v1"
    api_key: "sk-primary-resume-0123456789"
    protocol: ${proto}
  - name: fallback-${proto}
    url: "${fallback}/v1"
    api_key: "sk-fallback-resume-0123456789"
    protocol: ${proto}
`;
  const model = (proto) => `  "${proto}-model":
    routes:
      - { backend: primary-${proto}, model: "p", priority: 1 }
      - { backend: fallback-${proto}, model: "f", priority: 2 }
`;
  fs.writeFileSync(config, `listen: "127.0.0.1:${port}"
proxy_api_key: "${PROXY_KEY}"
backends:
${backends('openai')}${backends('anthropic')}models:
${model('openai')}${model('anthropic')}fallback:
  cooldown_seconds: 1
  resume_streams: true
logging:
  level: error
`);
  child = spawn(JAVA, ['-jar', JAR, '-config', config], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const deadline = Date.now() + 10_000;
  while (true) {
    try {
      if ((await fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })).ok) break;
    } catch { /* not yet */ }
    if (Date.now() > deadline || child.exitCode !== null) throw new Error('proxy did not start');
    await sleep(100);
  }
  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: PROXY_KEY, maxRetries: 0, timeout: 10_000 });
  const anthropic = new Anthropic({ baseURL: base, apiKey: PROXY_KEY, maxRetries: 0, timeout: 10_000 });
  const ask = [{ role: 'user', content: 'Finish the sentence.' }];

  await check('openai stream cut mid-answer: the client assembles the rescued answer', async () => {
    const stream = await openai.chat.completions.create({ model: 'openai-model', messages: ask, stream: true });
    let text = '';
    const finishes = [];
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.choices[0]?.finish_reason) finishes.push(chunk.choices[0].finish_reason);
    }
    assert.equal(text, 'The quick brown fox jumps.');
    assert.deepEqual(finishes, ['stop']);
    return text;
  });

  await check('openai finalChatCompletion() of a rescued stream', async () => {
    await sleep(1100); // the primary's cooldown from the check above has passed
    const done = await openai.chat.completions.stream({ model: 'openai-model', messages: ask }).finalChatCompletion();
    assert.equal(done.choices[0].message.content, 'The quick brown fox jumps.');
    assert.equal(done.id, 'chatcmpl-1', 'the continuation keeps the original id');
  });

  await check('anthropic finalMessage() of a rescued stream', async () => {
    await sleep(1100);
    const msg = await anthropic.messages.stream({ model: 'anthropic-model', max_tokens: 100, messages: ask })
      .finalMessage();
    assert.equal(msg.content.length, 1);
    assert.equal(msg.content[0].text, 'The quick brown fox jumps.');
    assert.equal(msg.id, 'msg_1');
    assert.equal(msg.stop_reason, 'end_turn');
    return `output_tokens=${msg.usage.output_tokens}`;
  });

  fallbackFails = true;
  await check('anthropic SDK raises on the in-band error when no backend can continue', async () => {
    await sleep(1100);
    await assert.rejects(
      anthropic.messages.stream({ model: 'anthropic-model', max_tokens: 100, messages: ask }).finalMessage(),
      (e) => /broke/.test(String(e.message)));
  });

  await check('openai SDK raises on the in-band error when no backend can continue', async () => {
    await sleep(1100);
    await assert.rejects(async () => {
      const stream = await openai.chat.completions.create({ model: 'openai-model', messages: ask, stream: true });
      for await (const chunk of stream) void chunk;
    }, (e) => /broke/.test(String(e.message)));
  });
  console.log(`all ${checks} resume checks passed`);
}

main().then(() => {
  for (const s of servers) s.close();
  if (child) child.kill('SIGTERM');
  process.exit(0);
}, (e) => {
  console.error(e);
  console.error('--- proxy output ---\n' + output);
  process.exit(1);
});
