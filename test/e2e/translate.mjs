// End-to-end translation test: the real `openai` and `@anthropic-ai/sdk` clients -> llm-proxy.jar -> strict mock
// backends of the OTHER protocol (strict-mocks.mjs), streaming and not, with a tool call round trip, the SDKs'
// own stream helpers (finalChatCompletion(), finalMessage()), errors, refused parameters and fallback across
// protocols.
//
// Usage: node translate.mjs [path/to/llm-proxy.jar]     ($JAVA or `java` runs it)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import AnthropicV1 from 'anthropic-sdk-v1';

import { startAnthropic, startOpenAi, WEATHER_ARGS, FINAL_TEXT, REASONING } from './strict-mocks.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const JAR = path.resolve(process.argv[2] || process.env.LLM_PROXY_JAR || path.join(HERE, '..', '..', 'llm-proxy.jar'));
const JAVA = process.env.JAVA || 'java';
const ANT_KEY = 'sk-ant-backend-xlate-0011223344';
const OAI_KEY = 'sk-openai-backend-xlate-5566778899';
const PROXY_KEY = 'sk-proxy-xlate-e2e-abcdef';

let child = null;
let output = '';
let tmp = null;
let checks = 0;
const mocks = [];
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

const OPENAI_TOOLS = [{ type: 'function', function: { name: 'get_weather', description: 'Weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } }];
const ANTHROPIC_TOOLS = [{ name: 'get_weather', description: 'Weather for a city',
  input_schema: OPENAI_TOOLS[0].function.parameters }];
const ASK = 'What is the weather in Paris and Rome?';

async function main() {
  const claude = await startAnthropic(ANT_KEY);
  const gpt = await startOpenAi(OAI_KEY);
  mocks.push(claude, gpt);
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'llm-proxy-xlate-'));
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, `listen: "127.0.0.1:${port}"
proxy_api_key: "${PROXY_KEY}"
backends:
  - name: claude
    url: "${claude.url}/v1"
    api_key: "${ANT_KEY}"
    protocol: anthropic
  - name: gpt
    url: "${gpt.url}/v1"
    api_key: "${OAI_KEY}"
    protocol: openai
models:
  "x-claude":
    routes:
      - { backend: claude, model: "claude-sonnet-4-5" }
  "x-gpt":
    routes:
      - { backend: gpt, model: "gpt-4o" }
  "claude-down-then-gpt":
    routes:
      - { backend: claude, model: "claude-fail-529", priority: 1 }
      - { backend: gpt, model: "gpt-4o", priority: 2 }
  "gpt-down-then-claude":
    routes:
      - { backend: gpt, model: "gpt-fail-500", priority: 1 }
      - { backend: claude, model: "claude-sonnet-4-5", priority: 2 }
  "claude-rate-limited":
    routes:
      - { backend: claude, model: "claude-fail-429" }
  "gpt-bad-request":
    routes:
      - { backend: gpt, model: "gpt-fail-400" }
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

  const openai = new OpenAI({ baseURL: `${base}/v1`, apiKey: PROXY_KEY, maxRetries: 0, timeout: 10_000 });
  const anthropic = new Anthropic({ baseURL: base, apiKey: PROXY_KEY, maxRetries: 0, timeout: 10_000 });

  // ------------------------------------------------------------ openai client, Anthropic backend
  const openaiRoundTrip = async (model, stream) => {
    const first = [{ role: 'user', content: ASK }];
    const call = (messages, extra = {}) => stream
      ? openai.chat.completions.stream({ model, messages, tools: OPENAI_TOOLS, stream_options: { include_usage: true }, ...extra }).finalChatCompletion()
      : openai.chat.completions.create({ model, messages, tools: OPENAI_TOOLS, ...extra });
    const r1 = await call(first);
    const m1 = r1.choices[0].message;
    assert.equal(r1.choices[0].finish_reason, 'tool_calls');
    assert.equal(m1.content, 'Let me check.');
    assert.deepEqual(m1.tool_calls.map((t) => JSON.parse(t.function.arguments)), WEATHER_ARGS);
    assert.deepEqual(m1.tool_calls.map((t) => t.id), ['toolu_01', 'toolu_02']);
    assert.deepEqual(r1.usage.prompt_tokens, 145, 'input + cache read + cache creation');
    assert.equal(r1.usage.prompt_tokens_details.cached_tokens, 100);
    assert.equal(r1.usage.completion_tokens, 30);
    const second = [...first, { role: 'assistant', content: m1.content, tool_calls: m1.tool_calls },
      ...m1.tool_calls.map((t, i) => ({ role: 'tool', tool_call_id: t.id, content: i === 0 ? '18C sunny' : '21C cloudy' }))];
    const r2 = await call(second);
    assert.equal(r2.choices[0].message.content, FINAL_TEXT);
    assert.equal(r2.choices[0].message.reasoning_content, REASONING);
    assert.equal(r2.choices[0].finish_reason, 'stop');
    const serial = await call(first, { parallel_tool_calls: false });
    assert.equal(serial.choices[0].message.tool_calls.length, 1);
    return `${m1.tool_calls.length} tool calls, then "${r2.choices[0].message.content.slice(0, 20)}..."`;
  };
  await check('openai client -> Anthropic backend: tool round trip (create)', () => openaiRoundTrip('x-claude', false));
  await check('openai client -> Anthropic backend: tool round trip (stream + finalChatCompletion)', () => openaiRoundTrip('x-claude', true));

  await check('openai client -> Anthropic backend: raw stream has one index per tool call and [DONE]', async () => {
    const stream = await openai.chat.completions.create({ model: 'x-claude', messages: [{ role: 'user', content: ASK }], tools: OPENAI_TOOLS, stream: true });
    const starts = [];
    for await (const c of stream) for (const tc of c.choices[0]?.delta?.tool_calls ?? []) if (tc.id) starts.push(tc.index);
    assert.deepEqual(starts, [0, 1]);
    return `tool call indexes ${starts.join(',')}`;
  });

  await check('openai client: Anthropic 429 -> RateLimitError with its message', async () => {
    const err = await openai.chat.completions.create({ model: 'claude-rate-limited', messages: [{ role: 'user', content: 'x' }] }).then(() => null, (e) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.error?.message, 'mock rate_limit_error');
    return `${err.status} ${err.error?.type}`;
  });

  await check('openai client: n=2 toward Anthropic -> 400 unsupported_parameter naming n, nothing sent', async () => {
    const before = claude.requests.length;
    const err = await openai.chat.completions.create({ model: 'x-claude', n: 2, messages: [{ role: 'user', content: 'x' }] }).then(() => null, (e) => e);
    assert.ok(err instanceof OpenAI.BadRequestError, String(err));
    assert.equal(err.code, 'unsupported_parameter');
    assert.equal(err.param, 'n');
    assert.equal(claude.requests.length, before);
    return err.message;
  });

  await check('openai client: OpenAI backend fails (500) -> falls back to the Anthropic backend', async () => {
    const r = await openai.chat.completions.stream({ model: 'gpt-down-then-claude', messages: [{ role: 'user', content: ASK }], tools: OPENAI_TOOLS }).finalChatCompletion();
    assert.deepEqual(r.choices[0].message.tool_calls.map((t) => JSON.parse(t.function.arguments)), WEATHER_ARGS);
    return r.choices[0].finish_reason;
  });

  // ------------------------------------------------------------ anthropic client, OpenAI backend
  const anthropicRoundTrip = async (client, model, stream) => {
    const first = [{ role: 'user', content: ASK }];
    const call = (messages, extra = {}) => {
      const params = { model, max_tokens: 300, messages, tools: ANTHROPIC_TOOLS, ...extra };
      return stream ? client.messages.stream(params).finalMessage() : client.messages.create(params);
    };
    const r1 = await call(first);
    assert.equal(r1.stop_reason, 'tool_use');
    const uses = r1.content.filter((b) => b.type === 'tool_use');
    assert.deepEqual(uses.map((b) => b.input), WEATHER_ARGS);
    assert.deepEqual(uses.map((b) => b.id), ['call_01', 'call_02']);
    assert.equal(r1.content[0].type, 'text');
    assert.equal(r1.content[0].text, 'Let me check.');
    assert.equal(r1.usage.input_tokens, 40, 'prompt - cached');
    assert.equal(r1.usage.cache_read_input_tokens, 100);
    assert.equal(r1.usage.output_tokens, 30);
    const second = [...first, { role: 'assistant', content: r1.content },
      { role: 'user', content: uses.map((u, i) => ({ type: 'tool_result', tool_use_id: u.id, content: i === 0 ? '18C sunny' : '21C cloudy' })) }];
    const r2 = await call(second);
    assert.equal(r2.stop_reason, 'end_turn');
    assert.deepEqual(r2.content.map((b) => b.type), ['thinking', 'text']);
    assert.equal(r2.content[0].thinking, REASONING);
    assert.equal(r2.content[1].text, FINAL_TEXT);
    const serial = await call(first, { tool_choice: { type: 'auto', disable_parallel_tool_use: true } });
    assert.equal(serial.content.filter((b) => b.type === 'tool_use').length, 1);
    return `${uses.length} tool_use blocks, then "${r2.content[1].text.slice(0, 20)}..."`;
  };
  await check('anthropic client -> OpenAI backend: tool round trip (create)', () => anthropicRoundTrip(anthropic, 'x-gpt', false));
  await check('anthropic client -> OpenAI backend: tool round trip (stream + finalMessage)', () => anthropicRoundTrip(anthropic, 'x-gpt', true));
  const v1 = new AnthropicV1({ baseURL: base, apiKey: PROXY_KEY, maxRetries: 0, timeout: 10_000 });
  await check('anthropic SDK 1.x client -> OpenAI backend: tool round trip (stream + finalMessage)', () => anthropicRoundTrip(v1, 'x-gpt', true));

  await check('anthropic client: Anthropic backend overloaded (529) -> falls back to the OpenAI backend', async () => {
    const r = await anthropic.messages.stream({ model: 'claude-down-then-gpt', max_tokens: 100, messages: [{ role: 'user', content: ASK }], tools: ANTHROPIC_TOOLS }).finalMessage();
    assert.deepEqual(r.content.filter((b) => b.type === 'tool_use').map((b) => b.input), WEATHER_ARGS);
    return r.stop_reason;
  });

  await check('anthropic client: OpenAI 400 -> BadRequestError in the Anthropic envelope', async () => {
    const err = await anthropic.messages.create({ model: 'gpt-bad-request', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }).then(() => null, (e) => e);
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    assert.equal(err.error?.type, 'error');
    assert.equal(err.error?.error?.type, 'invalid_request_error');
    assert.equal(err.error?.error?.message, 'mock error 400');
    return JSON.stringify(err.error);
  });

  await check('anthropic client: top_k toward OpenAI -> 400 naming top_k, nothing sent', async () => {
    const before = gpt.requests.length;
    const err = await anthropic.messages.create({ model: 'x-gpt', max_tokens: 5, top_k: 5, messages: [{ role: 'user', content: 'x' }] }).then(() => null, (e) => e);
    assert.ok(err instanceof Anthropic.BadRequestError, String(err));
    assert.match(err.error?.error?.message, /top_k/);
    assert.equal(gpt.requests.length, before);
    return err.error?.error?.message;
  });

  await check('proxy key never reached a backend', async () => {
    for (const r of [...claude.requests, ...gpt.requests]) {
      assert.ok(!JSON.stringify(r.headers).includes(PROXY_KEY));
    }
    return `${claude.requests.length + gpt.requests.length} upstream requests`;
  });
}

const watchdog = setTimeout(() => {
  console.log(`FAIL    overall timeout\n--- proxy output ---\n${output}`);
  process.exit(1);
}, 60_000);
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
  for (const m of mocks) await m.close();
}
process.exit(failed ? 1 : 0);
