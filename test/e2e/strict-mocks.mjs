// Strict protocol mocks for the translation e2e test (translate.mjs). Each validates its provider's request
// schema the way the real API does and answers 400 in that provider's envelope naming every problem, so a
// translation bug shows up as a failed SDK call. Behaviour is chosen by the upstream model name:
//   *-fail-<status>  answer that status with the provider's error envelope
//   anything else    a tool round trip: no tool result in the conversation yet -> one get_weather call
//                    (two when the client allows parallel calls), else a text answer using the results
import http from 'node:http';

export const WEATHER_ARGS = [{ city: 'Paris', unit: 'celsius', days: 3 }, { city: 'Rome', unit: 'celsius', days: 1 }];
export const FINAL_TEXT = 'Paris: 18C, sunny. Rome: 21C, cloudy.';
export const REASONING = 'Two cities, so two calls.';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function server(handler) {
  const requests = [];
  const s = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rec = { path: req.url, headers: { ...req.headers }, body: null };
    requests.push(rec);
    try {
      rec.body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch (e) {
      rec.body = null;
    }
    try {
      await handler(rec, res);
    } catch (e) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: `mock crashed: ${e.stack}` } }));
      } else res.destroy();
    }
  });
  return new Promise((resolve) =>
    s.listen(0, '127.0.0.1', () =>
      resolve({ url: `http://127.0.0.1:${s.address().port}`, requests, close: () => new Promise((r) => s.close(r)) })));
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const failStatus = (model) => (/-fail-(\d{3})$/.exec(model || '') || [])[1];

// ------------------------------------------------------------------------------------------------ Anthropic
const A_TOP = new Set(['model', 'max_tokens', 'system', 'messages', 'tools', 'tool_choice', 'stop_sequences',
  'temperature', 'top_p', 'top_k', 'metadata', 'stream', 'thinking']);

export function anthropicProblems(rec, key) {
  const p = [];
  const b = rec.body;
  if (rec.path !== '/v1/messages') p.push(`path ${rec.path}`);
  if (rec.headers['x-api-key'] !== key) p.push('x-api-key is not the backend key');
  if (rec.headers.authorization) p.push('unexpected Authorization header');
  if (rec.headers['anthropic-version'] !== '2023-06-01') p.push(`anthropic-version ${rec.headers['anthropic-version']}`);
  if (!isObj(b)) return [...p, 'body is not a JSON object'];
  for (const k of Object.keys(b)) if (!A_TOP.has(k)) p.push(`${k}: Extra inputs are not permitted`);
  if (!Number.isInteger(b.max_tokens) || b.max_tokens < 1) p.push('max_tokens: Field required');
  if (!Array.isArray(b.messages) || b.messages.length === 0) return [...p, 'messages: at least one message is required'];
  if (b.system !== undefined && typeof b.system !== 'string' && !Array.isArray(b.system)) p.push('system: must be a string or blocks');
  let prevToolUses = [];
  b.messages.forEach((m, i) => {
    if (i === 0 && m.role !== 'user') p.push('messages: first message must use the "user" role');
    if (i > 0 && m.role === b.messages[i - 1].role) p.push(`messages.${i}: roles must alternate between "user" and "assistant"`);
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : m.content;
    if (!Array.isArray(blocks) || blocks.length === 0) return p.push(`messages.${i}.content: must be non-empty`);
    let other = false;
    const results = [];
    const uses = [];
    for (const [j, blk] of blocks.entries()) {
      const at = `messages.${i}.content.${j}`;
      if (blk.type === 'text') {
        if (typeof blk.text !== 'string' || blk.text === '') p.push(`${at}: text content blocks must be non-empty`);
        other = true;
      } else if (blk.type === 'image') {
        if (m.role !== 'user') p.push(`${at}: images only in user turns`);
        other = true;
      } else if (blk.type === 'tool_use') {
        if (m.role !== 'assistant') p.push(`${at}: tool_use only in assistant turns`);
        if (!isObj(blk.input)) p.push(`${at}.input: Input should be a valid dictionary`);
        if (!/^[a-zA-Z0-9_-]+$/.test(blk.id || '')) p.push(`${at}.id: invalid`);
        uses.push(blk.id);
        other = true;
      } else if (blk.type === 'tool_result') {
        if (m.role !== 'user') p.push(`${at}: tool_result only in user turns`);
        if (other) p.push(`${at}: tool_result blocks must come before any other content`);
        results.push(blk.tool_use_id);
      } else p.push(`${at}.type: unknown block ${blk.type}`);
    }
    for (const id of results) if (!prevToolUses.includes(id)) p.push(`messages.${i}: tool_result ${id} has no tool_use in the previous message`);
    if (m.role === 'user' && prevToolUses.length && results.length !== prevToolUses.length) p.push(`messages.${i}: every tool_use needs a tool_result right after`);
    prevToolUses = m.role === 'assistant' ? uses : [];
  });
  for (const t of b.tools || []) if (!t.name || !isObj(t.input_schema)) p.push('tools: name and input_schema required');
  return p;
}

function anthropicAnswer(b) {
  const last = b.messages[b.messages.length - 1];
  const hasResults = Array.isArray(last.content) && last.content.some((x) => x.type === 'tool_result');
  const usage = { input_tokens: 40, cache_creation_input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 30 };
  if (hasResults) {
    return { stop_reason: 'end_turn', usage, content: [{ type: 'thinking', thinking: REASONING, signature: 'sig' }, { type: 'text', text: FINAL_TEXT }] };
  }
  const parallel = !b.tool_choice?.disable_parallel_tool_use;
  const calls = (parallel ? WEATHER_ARGS : WEATHER_ARGS.slice(0, 1)).map((input, i) => ({ type: 'tool_use', id: `toolu_0${i + 1}`, name: 'get_weather', input }));
  return { stop_reason: 'tool_use', usage, content: [{ type: 'text', text: 'Let me check.' }, ...calls] };
}

export function startAnthropic(key, { delayMs = 5 } = {}) {
  return server(async (rec, res) => {
    const status = failStatus(rec.body?.model);
    const problems = status ? [] : anthropicProblems(rec, key);
    if (status || problems.length) {
      res.writeHead(Number(status || 400), { 'content-type': 'application/json', 'request-id': 'req_mock' });
      const type = status === '529' ? 'overloaded_error' : status === '429' ? 'rate_limit_error' : status ? 'api_error' : 'invalid_request_error';
      return res.end(JSON.stringify({ type: 'error', error: { type, message: status ? `mock ${type}` : problems.join('; ') } }));
    }
    const a = anthropicAnswer(rec.body);
    const msg = { id: 'msg_mock01', type: 'message', role: 'assistant', model: rec.body.model, ...a, stop_sequence: null };
    if (!rec.body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ id: msg.id, type: 'message', role: 'assistant', model: msg.model, content: msg.content, stop_reason: msg.stop_reason, stop_sequence: null, usage: msg.usage }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = async (type, data) => {
      res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
      await sleep(delayMs);
    };
    await send('message_start', { message: { ...msg, content: [], stop_reason: null, usage: { ...msg.usage, output_tokens: 1 } } });
    await send('ping', {});
    for (const [index, blk] of msg.content.entries()) {
      if (blk.type === 'text') {
        await send('content_block_start', { index, content_block: { type: 'text', text: '' } });
        for (const piece of blk.text.match(/.{1,7}/gs)) await send('content_block_delta', { index, delta: { type: 'text_delta', text: piece } });
      } else if (blk.type === 'thinking') {
        await send('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } });
        await send('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: blk.thinking } });
        await send('content_block_delta', { index, delta: { type: 'signature_delta', signature: blk.signature } });
      } else {
        await send('content_block_start', { index, content_block: { type: 'tool_use', id: blk.id, name: blk.name, input: {} } });
        const json = JSON.stringify(blk.input);
        await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } });
        for (const piece of json.match(/.{1,5}/gs)) await send('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } });
      }
      await send('content_block_stop', { index });
    }
    await send('message_delta', { delta: { stop_reason: msg.stop_reason, stop_sequence: null }, usage: { output_tokens: msg.usage.output_tokens } });
    await send('message_stop', {});
    res.end();
  });
}

// ------------------------------------------------------------------------------------------------ OpenAI
const O_TOP = new Set(['model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'max_completion_tokens',
  'max_tokens', 'stop', 'temperature', 'top_p', 'user', 'stream', 'stream_options', 'n']);

export function openaiProblems(rec, key) {
  const p = [];
  const b = rec.body;
  if (rec.path !== '/v1/chat/completions') p.push(`path ${rec.path}`);
  if (rec.headers.authorization !== `Bearer ${key}`) p.push('Authorization is not the backend key');
  if (rec.headers['x-api-key'] || rec.headers['anthropic-version']) p.push('Anthropic headers sent to OpenAI');
  if (!isObj(b)) return [...p, 'body is not a JSON object'];
  for (const k of Object.keys(b)) if (!O_TOP.has(k)) p.push(`Unrecognized request argument supplied: ${k}`);
  if (b.stream === true && b.stream_options?.include_usage !== true) p.push('stream without stream_options.include_usage');
  if (b.stream !== true && b.stream_options !== undefined) p.push('stream_options only with stream');
  if (b.parallel_tool_calls !== undefined && !b.tools) p.push('parallel_tool_calls only with tools');
  let pending = [];
  for (const [i, m] of (b.messages || []).entries()) {
    if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(m.role)) p.push(`messages[${i}].role invalid`);
    if (m.role === 'tool') {
      if (!pending.includes(m.tool_call_id)) p.push(`messages[${i}]: a tool message must respond to a preceding tool_calls id (${m.tool_call_id})`);
      pending = pending.filter((id) => id !== m.tool_call_id);
      continue;
    }
    if (pending.length) p.push(`messages[${i}]: tool_call_ids did not have response messages: ${pending.join(', ')}`);
    pending = [];
    if (m.role === 'assistant' && m.tool_calls) {
      for (const tc of m.tool_calls) {
        try {
          if (!isObj(JSON.parse(tc.function.arguments))) throw new Error('not an object');
        } catch (e) {
          p.push(`messages[${i}].tool_calls: arguments are not a JSON object`);
        }
        pending.push(tc.id);
      }
    }
  }
  if (pending.length) p.push(`tool_call_ids did not have response messages: ${pending.join(', ')}`);
  for (const t of b.tools || []) if (t.type !== 'function' || !t.function?.name) p.push('tools: type function with a name');
  return p;
}

function openaiAnswer(b) {
  const last = b.messages[b.messages.length - 1];
  const usage = { prompt_tokens: 140, completion_tokens: 30, total_tokens: 170, prompt_tokens_details: { cached_tokens: 100 } };
  if (last.role === 'tool') {
    return { usage, finish_reason: 'stop', message: { role: 'assistant', content: FINAL_TEXT, reasoning_content: REASONING } };
  }
  const parallel = b.parallel_tool_calls !== false;
  const calls = (parallel ? WEATHER_ARGS : WEATHER_ARGS.slice(0, 1)).map((args, i) => ({ id: `call_0${i + 1}`, type: 'function', function: { name: 'get_weather', arguments: JSON.stringify(args) } }));
  return { usage, finish_reason: 'tool_calls', message: { role: 'assistant', content: 'Let me check.', tool_calls: calls } };
}

export function startOpenAi(key, { delayMs = 5 } = {}) {
  return server(async (rec, res) => {
    const status = failStatus(rec.body?.model);
    const problems = status ? [] : openaiProblems(rec, key);
    if (status || problems.length) {
      res.writeHead(Number(status || 400), { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ error: { message: status ? `mock error ${status}` : problems.join('; '), type: 'invalid_request_error', param: null, code: null } }));
    }
    const a = openaiAnswer(rec.body);
    const head = { id: 'chatcmpl-mock01', created: 1700000000, model: rec.body.model };
    if (!rec.body.stream) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ...head, object: 'chat.completion', choices: [{ index: 0, message: a.message, logprobs: null, finish_reason: a.finish_reason }], usage: a.usage }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = async (delta, finish = null, extra = {}) => {
      res.write(`data: ${JSON.stringify({ ...head, object: 'chat.completion.chunk', choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finish }] : [], ...extra })}\n\n`);
      await sleep(delayMs);
    };
    await chunk({ role: 'assistant', content: '' });
    if (a.message.reasoning_content) for (const piece of a.message.reasoning_content.match(/.{1,6}/gs)) await chunk({ reasoning_content: piece });
    for (const piece of a.message.content.match(/.{1,7}/gs)) await chunk({ content: piece });
    for (const [index, tc] of (a.message.tool_calls || []).entries()) {
      await chunk({ tool_calls: [{ index, id: tc.id, type: 'function', function: { name: tc.function.name, arguments: '' } }] });
      for (const piece of tc.function.arguments.match(/.{1,5}/gs)) await chunk({ tool_calls: [{ index, function: { arguments: piece } }] });
    }
    await chunk({}, a.finish_reason);
    await chunk(null, null, { usage: a.usage });
    res.write('data: [DONE]\n\n');
    res.end();
  });
}
