// Mock upstream for the e2e smoke test: a tiny OpenAI + Anthropic look-alike on 127.0.0.1:<random>.
//
//   POST /v1/chat/completions  {stream:false} -> chat.completion JSON
//                              {stream:true}  -> SSE "data: {chat.completion.chunk}\n\n" ... "data: [DONE]\n\n"
//   POST /v1/messages          {stream:false} -> Anthropic message JSON
//                              {stream:true}  -> Anthropic SSE (event: message_start ... message_stop)
//
// Every request is recorded (method, path, headers, parsed body, model, timings) so the test can check
// what the proxy actually sent upstream. Streams pause `chunkDelayMs` between events, so a test can tell
// a relayed-as-it-arrives stream from a buffered one.
import http from 'node:http';

export const OPENAI_CHUNKS = ['Hello', ', ', 'from ', 'the mock!'];
export const ANTHROPIC_CHUNKS = ['Bonjour', ' de ', 'la maquette.'];

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts the mock. Returns { url, port, requests, close() }; url has no trailing slash and no /v1.
 * @param {{chunkDelayMs?: number}} [opts]
 */
export async function startMock({ chunkDelayMs = 300 } = {}) {
  const requests = [];
  const sockets = new Set();

  const server = http.createServer(async (req, res) => {
    const rec = {
      method: req.method,
      path: req.url,
      headers: { ...req.headers },
      rawHeaders: [...req.rawHeaders],
      body: null,
      model: undefined,
      stream: false,
      receivedAt: Date.now(),
      finishedAt: undefined,
    };
    requests.push(rec);
    try {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        rec.body = text ? JSON.parse(text) : null;
      } catch {
        rec.body = text;
      }
      rec.model = rec.body && typeof rec.body === 'object' ? rec.body.model : undefined;
      rec.stream = !!(rec.body && rec.body.stream === true);

      if (req.method === 'POST' && req.url === '/v1/chat/completions') {
        await (rec.stream ? openaiStream(res, rec.model) : openaiJson(res, rec.model));
      } else if (req.method === 'POST' && req.url === '/v1/messages') {
        await (rec.stream ? anthropicStream(res, rec.model) : anthropicJson(res, rec.model));
      } else {
        sendJson(res, 404, { error: { message: `mock: no route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
      }
    } catch (e) {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `mock: ${e}`, type: 'server_error' } });
      else res.destroy();
    } finally {
      rec.finishedAt = Date.now();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function openaiStream(res, model) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const base = { id: 'chatcmpl-mock-1', object: 'chat.completion.chunk', created: 1700000000, model, system_fingerprint: 'fp_mock' };
    const send = (choice) => res.write(`data: ${JSON.stringify({ ...base, choices: [choice] })}\n\n`);
    send({ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null });
    for (const piece of OPENAI_CHUNKS) {
      await sleep(chunkDelayMs);
      send({ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null });
    }
    send({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
    res.write('data: [DONE]\n\n');
    res.end();
  }

  async function openaiJson(res, model) {
    sendJson(res, 200, {
      id: 'chatcmpl-mock-0',
      object: 'chat.completion',
      created: 1700000000,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'pong', refusal: null }, logprobs: null, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
      system_fingerprint: 'fp_mock',
    });
  }

  async function anthropicStream(res, model) {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const ev = (type, data) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev('message_start', {
      message: {
        id: 'msg_mock_1', type: 'message', role: 'assistant', content: [], model,
        stop_reason: null, stop_sequence: null, usage: { input_tokens: 12, output_tokens: 1 },
      },
    });
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
    ev('ping', {});
    for (const piece of ANTHROPIC_CHUNKS) {
      await sleep(chunkDelayMs);
      ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } });
    }
    ev('content_block_stop', { index: 0 });
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 7 } });
    ev('message_stop', {});
    res.end();
  }

  async function anthropicJson(res, model) {
    sendJson(res, 200, {
      id: 'msg_mock_0',
      type: 'message',
      role: 'assistant',
      model,
      content: [{ type: 'text', text: 'pong from claude' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 4 },
    });
  }

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();

  let closed = false;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    requests,
    close() {
      if (closed) return Promise.resolve();
      closed = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function sendJson(res, status, obj) {
  const body = Buffer.from(JSON.stringify(obj));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
}

// Standalone: `node mock-upstream.mjs` prints its URL and serves until killed (handy for manual poking).
if (import.meta.url === `file://${process.argv[1]}`) {
  const m = await startMock();
  console.log(`mock upstream listening on ${m.url}`);
}
