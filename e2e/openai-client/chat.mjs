// Drives ReApiWeb's OpenAI-compatible API with the official OpenAI SDK, changing only its base URL and key.
// Environment: OPENAI_BASE_URL (the app's /v1), OPENAI_API_KEY (a personal access token), CHAT_MODEL.
// Prints one JSON line: the streamed reply, the whole reply, and what a refused key raises.
import OpenAI from "openai";

const model = process.env.CHAT_MODEL ?? "claude-sonnet-4-6";
const client = new OpenAI();

const stream = await client.chat.completions.create({
  model,
  messages: [{ role: "user", content: "Say hello to the team" }],
  stream: true,
  stream_options: { include_usage: true },
});
let streamed = "";
let chunks = 0;
let usage = null;
for await (const chunk of stream) {
  chunks++;
  streamed += chunk.choices[0]?.delta?.content ?? "";
  usage = chunk.usage ?? usage;
}

const whole = await client.chat.completions.create({
  model,
  messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "And once more, whole" }],
  max_tokens: 40,
});

const models = [];
for await (const m of client.models.list()) {
  models.push(m.id);
}

let refused = null;
try {
  await new OpenAI({ apiKey: "not-a-token" }).chat.completions.create({ model, messages: [{ role: "user", content: "hi" }] });
} catch (e) {
  refused = { status: e.status, code: e.code, type: e.type, name: e.constructor.name };
}

console.log(JSON.stringify({ streamed, chunks, usage, whole: whole.choices[0].message.content, wholeUsage: whole.usage, models, refused }));
