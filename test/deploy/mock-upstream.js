// Upstream mock for test/deploy/replicas.sh, an OpenAI-style chat completions endpoint on 127.0.0.1.
// Non-streaming: one chat.completion after DELAY_MS. "stream": true: CHUNKS chunk events GAP_MS apart,
// then "data: [DONE]", so every stream is in flight long enough to be caught by a stop or a kill.
// Usage: node mock-upstream.js PORTFILE [DELAY_MS] [CHUNKS] [GAP_MS]   (listens on a free port, writes it to PORTFILE)
'use strict';
const http = require('http');
const fs = require('fs');
const [portFile, delayMs = '20', chunks = '10', gapMs = '50'] = process.argv.slice(2);

const server = http.createServer({ keepAliveTimeout: 60000 }, (req, res) => {
  const parts = [];
  req.on('data', (c) => parts.push(c));
  req.on('end', () => {
    let body;
    try { body = JSON.parse(Buffer.concat(parts).toString('utf8')); } catch { body = {}; }
    const model = typeof body.model === 'string' ? body.model : 'unknown';
    if (body.stream !== true) {
      setTimeout(() => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ id: 'chatcmpl-deploy', object: 'chat.completion', created: 1735000000, model,
          choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }));
      }, Number(delayMs));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let i = 0;
    const send = () => {
      if (res.destroyed) return;
      if (i < Number(chunks)) {
        res.write('data: ' + JSON.stringify({ id: 'chatcmpl-deploy', object: 'chat.completion.chunk', created: 1735000000,
          model, choices: [{ index: 0, delta: { content: 't' + i }, finish_reason: null }] }) + '\n\n');
        i++;
        setTimeout(send, Number(gapMs));
      } else {
        res.end('data: [DONE]\n\n');
      }
    };
    send();
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
