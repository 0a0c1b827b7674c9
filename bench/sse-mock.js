// SSE upstream mock for bench/run.sh: every POST gets 20 chat.completion.chunk events 10 ms apart,
// then "data: [DONE]". Each event carries the CLOCK_MONOTONIC send time in ns ("t"), which
// sse-client.js (same machine, same clock) uses to measure how long the event took to arrive.
// With "anthropic" it answers an Anthropic Messages stream instead (message_start ... message_stop), the
// send time written into each text delta as "t=NS" so that it survives translation to OpenAI chunks.
// Usage: node sse-mock.js PORT [CHUNKS] [GAP_MS] [openai|anthropic]
'use strict';
const http = require('http');
const port = Number(process.argv[2]);
const chunks = Number(process.argv[3] || 20);
const gapMs = Number(process.argv[4] || 10);
const anthropic = process.argv[5] === 'anthropic';

const ev = (type, data) => 'event: ' + type + '\ndata: ' + JSON.stringify({ type, ...data }) + '\n\n';
const openAiChunk = (i) => 'data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1735000000,' +
  '"model":"bench-upstream-model","choices":[{"index":0,"delta":{"content":"token ' + i +
  ' "},"finish_reason":null}],"i":' + i + ',"t":' + process.hrtime.bigint() + '}\n\n';
const anthropicDelta = (i) => ev('content_block_delta',
  { index: 0, delta: { type: 'text_delta', text: 'token ' + i + ' t=' + process.hrtime.bigint() + ' ' } });
const anthropicHead = ev('message_start', { message: { id: 'msg_bench', type: 'message', role: 'assistant',
  model: 'bench-upstream-model', content: [], stop_reason: null, stop_sequence: null,
  usage: { input_tokens: 182, output_tokens: 1 } } }) +
  ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
const anthropicTail = ev('content_block_stop', { index: 0 }) +
  ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } }) +
  ev('message_stop', {});

const server = http.createServer({ noDelay: true, keepAliveTimeout: 300000 }, (req, res) => {
  req.resume(); // read and discard the request body
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let i = 0;
    const send = () => {
      if (res.destroyed) return;
      if (i < chunks) {
        res.write(anthropic ? (i === 0 ? anthropicHead : '') + anthropicDelta(i) : openAiChunk(i));
        i++;
        setTimeout(send, gapMs);
      } else {
        res.end(anthropic ? anthropicTail : 'data: [DONE]\n\n');
      }
    };
    send();
  });
});
server.keepAliveTimeout = 300000;
server.headersTimeout = 301000;
server.listen(port, '127.0.0.1', () => console.log('sse-mock listening on ' + port + (anthropic ? ' (anthropic)' : '')));
