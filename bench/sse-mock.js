// SSE upstream mock for bench/run.sh: every POST gets 20 chat.completion.chunk events 10 ms apart,
// then "data: [DONE]". Each event carries the CLOCK_MONOTONIC send time in ns ("t"), which
// sse-client.js (same machine, same clock) uses to measure how long the event took to arrive.
// Usage: node sse-mock.js PORT [CHUNKS] [GAP_MS]
'use strict';
const http = require('http');
const port = Number(process.argv[2]);
const chunks = Number(process.argv[3] || 20);
const gapMs = Number(process.argv[4] || 10);

const server = http.createServer({ noDelay: true, keepAliveTimeout: 300000 }, (req, res) => {
  req.resume(); // read and discard the request body
  req.on('end', () => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    let i = 0;
    const send = () => {
      if (res.destroyed) return;
      if (i < chunks) {
        res.write('data: {"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1735000000,' +
          '"model":"bench-upstream-model","choices":[{"index":0,"delta":{"content":"token ' + i +
          ' "},"finish_reason":null}],"i":' + i + ',"t":' + process.hrtime.bigint() + '}\n\n');
        i++;
        setTimeout(send, gapMs);
      } else {
        res.end('data: [DONE]\n\n');
      }
    };
    send();
  });
});
server.keepAliveTimeout = 300000;
server.headersTimeout = 301000;
server.listen(port, '127.0.0.1', () => console.log('sse-mock listening on ' + port));
