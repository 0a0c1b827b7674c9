// The real `openai` client against llm-proxy's HTTPS listener, trusting its private CA through
// NODE_EXTRA_CA_CERTS (set by the caller). Run by llmproxy.server.OpenAiClientTlsTest:
//   node tls-listener.mjs BASE_URL API_KEY MODEL
// Prints one JSON line with what came back; exits non-zero on any failure.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0, timeout: 15_000 });

const completion = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'hello over TLS' }],
});
const stream = await client.chat.completions.create({
  model,
  messages: [{ role: 'user', content: 'stream over TLS' }],
  stream: true,
});
const deltas = [];
for await (const chunk of stream) {
  deltas.push(chunk.choices[0]?.delta?.content ?? '');
}
console.log(JSON.stringify({ id: completion.id, text: completion.choices[0].message.content, streamed: deltas.join('') }));
