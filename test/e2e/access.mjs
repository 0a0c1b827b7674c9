// End-to-end client-key test: the real `openai` and `@anthropic-ai/sdk` clients -> llm-proxy.jar (with
// client_keys) -> mock upstream. Each SDK must raise its own PermissionDeniedError for a model outside the key's
// allow-list and its own RateLimitError (with Retry-After) over the key's rpm, and models.list() must show only
// the key's models. Refused requests must never reach the upstream.
//
// Usage: node access.mjs [path/to/llm-proxy.jar]     ($JAVA or `java` runs it)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';

import { startMock } from './mock-upstream.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JAR = path.resolve(process.argv[2] || process.env.LLM_PROXY_JAR || path.join(HERE, '..', '..', 'llm-proxy.jar'));
const JAVA = process.env.JAVA || 'java';
const KEYS = {
  gptOnly: 'sk-client-gpt-only-e2e-0123456789',
  claudeOnly: 'sk-client-claude-only-e2e-9876543210',
  openaiRpm: 'sk-client-rpm-openai-e2e-55555',
  anthropicRpm: 'sk-client-rpm-anthropic-e2e-66666',
};

let child = null;
let output = '';
let tmp = null;
let mock = null;
let checks = 0;
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
const failure = (promise) => promise.then(() => null, (e) => e);
/** Both SDKs expose error headers as a fetch Headers object; older ones as a plain record. */
const header = (err, name) => (typeof err.headers?.get === 'function' ? err.headers.get(name) : err.headers?.[name]);

async function main() {
  mock = await startMock({ chunkDelayMs: 0 });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-proxy-access-'));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `listen: "127.0.0.1:${port}"
client_keys:
  - name: "gpt-only"
    key: "${KEYS.gptOnly}"
    models: ["e2e-gpt*"]
  - name: "claude-only"
    key: "${KEYS.claudeOnly}"
    models: ["e2e-claude"]
  - name: "rpm-openai"
    key: "${KEYS.openaiRpm}"
    rpm: 1
  - name: "rpm-anthropic"
    key: "${KEYS.anthropicRpm}"
    rpm: 1
backends:
  - name: "mock"
    url: "${mock.url}/v1"
    api_key: "sk-backend-access-e2e"
models:
  "e2e-gpt":
    routes:
      - { backend: mock, model: "upstream-gpt" }
  "e2e-gpt-mini":
    routes:
      - { backend: mock, model: "upstream-gpt-mini" }
  "e2e-claude":
    routes:
      - { backend: mock, model: "upstream-claude" }
logging:
  level: "warn"
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

  const openai = (key) => new OpenAI({ baseURL: `${base}/v1`, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const anthropic = (key) => new Anthropic({ baseURL: base, apiKey: key, maxRetries: 0, timeout: 10_000 });
  const chat = (client, model) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'ping' }] });
  const message = (client, model) => client.messages.create({ model, max_tokens: 8, messages: [{ role: 'user', content: 'ping' }] });
  const listed = async (client) => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    return ids;
  };

  await check('openai: models.list() shows only the key\'s models', async () => {
    const ids = await listed(openai(KEYS.gptOnly));
    assert.deepEqual(ids, ['e2e-gpt', 'e2e-gpt-mini']);
    return ids.join(', ');
  });

  await check('openai: a model outside the key\'s allow-list -> PermissionDeniedError (403), nothing sent upstream', async () => {
    const client = openai(KEYS.gptOnly);
    assert.equal((await chat(client, 'e2e-gpt')).choices[0].message.content, 'pong');
    const n = mock.requests.length;
    const err = await failure(chat(client, 'e2e-claude'));
    assert.ok(err instanceof OpenAI.PermissionDeniedError, `expected PermissionDeniedError, got ${err}`);
    assert.equal(err.status, 403);
    assert.equal(err.code, 'permission_denied');
    assert.equal(mock.requests.length, n, 'a refused request must not reach the upstream');
    return `${err.status} ${err.code}: ${err.error?.message}`;
  });

  await check('openai: over the key\'s rpm -> RateLimitError (429) with Retry-After, nothing sent upstream', async () => {
    const client = openai(KEYS.openaiRpm);
    assert.equal((await chat(client, 'e2e-gpt')).choices[0].message.content, 'pong');
    const n = mock.requests.length;
    const err = await failure(chat(client, 'e2e-gpt'));
    assert.ok(err instanceof OpenAI.RateLimitError, `expected RateLimitError, got ${err}`);
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    const retryAfter = header(err, 'retry-after');
    assert.match(String(retryAfter), /^[1-9][0-9]*$/, `Retry-After: ${retryAfter}`);
    assert.ok(Number(retryAfter) <= 60, `Retry-After ${retryAfter} s for rpm 1`);
    assert.equal(mock.requests.length, n);
    return `Retry-After: ${retryAfter}`;
  });

  await check('anthropic: models.list() shows only the key\'s models', async () => {
    const ids = await listed(anthropic(KEYS.claudeOnly));
    assert.deepEqual(ids, ['e2e-claude']);
    return ids.join(', ');
  });

  await check('anthropic: a model outside the key\'s allow-list -> PermissionDeniedError (403) in Anthropic\'s envelope', async () => {
    const client = anthropic(KEYS.claudeOnly);
    assert.equal((await message(client, 'e2e-claude')).content[0].text, 'pong from claude');
    const n = mock.requests.length;
    const err = await failure(message(client, 'e2e-gpt'));
    assert.ok(err instanceof Anthropic.PermissionDeniedError, `expected PermissionDeniedError, got ${err}`);
    assert.equal(err.status, 403);
    assert.equal(err.error?.type, 'error', JSON.stringify(err.error));
    assert.equal(err.error?.error?.type, 'permission_error', JSON.stringify(err.error));
    assert.equal(mock.requests.length, n);
    return JSON.stringify(err.error);
  });

  await check('anthropic: over the key\'s rpm -> RateLimitError (429) with Retry-After in Anthropic\'s envelope', async () => {
    const client = anthropic(KEYS.anthropicRpm);
    assert.equal((await message(client, 'e2e-claude')).content[0].text, 'pong from claude');
    const n = mock.requests.length;
    const err = await failure(message(client, 'e2e-claude'));
    assert.ok(err instanceof Anthropic.RateLimitError, `expected RateLimitError, got ${err}`);
    assert.equal(err.status, 429);
    assert.equal(err.error?.error?.type, 'rate_limit_error', JSON.stringify(err.error));
    const retryAfter = header(err, 'retry-after');
    assert.match(String(retryAfter), /^[1-9][0-9]*$/, `Retry-After: ${retryAfter}`);
    assert.equal(mock.requests.length, n);
    return `Retry-After: ${retryAfter}`;
  });

  await check('a rate-limited key does not limit another key', async () => {
    assert.equal((await chat(openai(KEYS.gptOnly), 'e2e-gpt-mini')).choices[0].message.content, 'pong');
  });
}

const watchdog = setTimeout(() => {
  console.log(`FAIL    overall timeout\n--- proxy output ---\n${output}`);
  process.exit(1);
}, 30_000);
watchdog.unref();

let failed = false;
try {
  await main();
  console.log(`PASS: ${checks} checks`);
} catch (e) {
  failed = true;
  console.log(`\n${e.stack || e}`);
  if (output) console.log(`--- proxy output ---\n${output}--- end proxy output ---`);
} finally {
  if (child) child.kill('SIGKILL');
  if (mock) await mock.close();
}
process.exit(failed ? 1 : 0);
