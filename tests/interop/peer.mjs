// An ActivityPub peer built on Fedify (https://fedify.dev), an implementation nobody on
// Rhizome wrote. Fedify does the ActivityPub work: the actor document and its keys,
// WebFinger and actor lookup, JSON-LD parsing, HTTP signatures (signing what it sends,
// verifying what it receives) and delivery. This file is glue: it follows a Rhizome
// territory, waits for the Accept and for a Create{Event}, then replies with a Note.
//
// Environment: PEER_PORT, NODE_HOST (e.g. localhost:8123), TERRITORY (slug),
// STEP_TIMEOUT_MS (default 60000), PEER_DEBUG=1 for Fedify's debug logs on stderr.
//
// Stdout carries one line per check, read by run.sh: "PASS name: detail" or
// "FAIL name: detail", plus "READY" once listening and "DONE" at the end.

import http from "node:http";
import { randomUUID } from "node:crypto";
import { Console } from "node:console";
import { configure, getConsoleSink } from "@logtape/logtape";
import {
  Accept, Activity, Create, Endpoints, Event, Follow, Note, Person, PUBLIC_COLLECTION,
  createFederation, doesActorOwnKey, generateCryptoKeyPair, isActor,
  lookupWebFinger, MemoryKvStore, verifyRequest,
} from "@fedify/fedify";

const PEER_PORT = Number(process.env.PEER_PORT);
const NODE_HOST = process.env.NODE_HOST;
const TERRITORY = process.env.TERRITORY ?? "fablab";
const STEP_TIMEOUT_MS = Number(process.env.STEP_TIMEOUT_MS ?? 60000);
const EXPECTED_START = "2031-05-06T18:00:00+02:00";
const PEER_BASE = `http://localhost:${PEER_PORT}`;
const ME = "peer";

const report = (ok, name, detail) =>
  console.log(`${ok ? "PASS" : "FAIL"} ${name}: ${String(detail).replace(/\s+/g, " ")}`);
const log = (msg) => console.error(`[peer] ${msg}`);

await configure({
  sinks: { console: getConsoleSink({ console: new Console(process.stderr) }) }, // stdout is for run.sh
  loggers: [
    { category: ["logtape", "meta"], sinks: [] },
    { category: "fedify", sinks: ["console"], lowestLevel: process.env.PEER_DEBUG ? "debug" : "warning" },
  ],
});

// --- helpers --------------------------------------------------------------------------
class StepError extends Error {
  constructor(step, message) { super(message); this.step = step; }
}
function step(name, message) { return new StepError(name, message); }
function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}
// Fedify signs and POSTs to the recipient's inbox, and throws on a non-2xx answer.
async function send(name, recipient, activity) {
  try {
    await ctx.sendActivity({ identifier: ME }, recipient, activity, { preferSharedInbox: false });
  } catch (e) {
    throw step(name, e?.message ?? e);
  }
}
function within(promise, name, message) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(step(name, `${message} within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// --- The one place this peer bends the library --------------------------------------
// WebFinger (RFC 7033) is https only, and Fedify asks https://HOST/.well-known/webfinger
// for an acct: handle. The Rhizome under test speaks plain http on localhost, so its
// WebFinger URL (and nothing else) is rewritten to http. Every request and answer is also
// logged on stderr, so a refusal can be reported with its status and body.
const realFetch = globalThis.fetch;
globalThis.fetch = async (input, init) => {
  let request = new Request(input, init);
  const webfinger = `https://${NODE_HOST}/.well-known/webfinger`;
  if (request.url.startsWith(webfinger)) {
    request = new Request(request.url.replace("https://", "http://"), request);
  }
  const sentBody = process.env.PEER_DEBUG && request.method === "POST" ? await request.clone().text() : null;
  const response = await realFetch(request);
  let note = "";
  if (!response.ok) note = ` body=${(await response.clone().text()).slice(0, 500)}`;
  log(`${request.method} ${request.url} -> ${response.status}${note}`);
  if (request.method === "POST") {
    log(`  sent Signature: ${request.headers.get("signature")}`);
    if (sentBody) log(`  sent body: ${sentBody}`);
  }
  return response;
};

// --- Fedify: the actor, its keys, its inbox ------------------------------------------
const federation = createFederation({
  kv: new MemoryKvStore(),
  allowPrivateAddress: true, // everything here is on localhost
});
const keyPairs = [
  await generateCryptoKeyPair("RSASSA-PKCS1-v1_5"), // draft-cavage HTTP signatures
  await generateCryptoKeyPair("Ed25519"), // Object Integrity Proofs (FEP-8b32)
];

federation
  .setActorDispatcher("/users/{identifier}", async (ctx, identifier) => {
    if (identifier !== ME) return null;
    const keys = await ctx.getActorKeyPairs(identifier);
    return new Person({
      id: ctx.getActorUri(identifier),
      preferredUsername: identifier,
      name: "Interop peer (Fedify)",
      inbox: ctx.getInboxUri(identifier),
      endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
      url: ctx.getActorUri(identifier),
      publicKey: keys[0].cryptographicKey,
      assertionMethods: keys.map((k) => k.multikey),
    });
  })
  .setKeyPairsDispatcher((_ctx, identifier) => (identifier === ME ? keyPairs : []));

// What the inbox has seen, and promises the main sequence waits on.
const waiters = { accept: deferred(), event: deferred() };
let follow = null; // the Follow we sent
const verifiedKeys = new Map(); // activity id -> key id that signed it (checked below)

federation
  .setInboxListeners("/users/{identifier}/inbox", "/inbox")
  .on(Accept, async (ctx, accept) => {
    const accepted = accept.objectId?.href ?? (await accept.getObject())?.id?.href;
    log(`Accept ${accept.id?.href} of ${accepted} from ${accept.actorId?.href}`);
    if (follow && accepted === follow.id.href) waiters.accept.resolve(accept);
  })
  .on(Create, async (ctx, create) => {
    const object = await create.getObject();
    log(`Create ${create.id?.href} of a ${object?.constructor?.name} from ${create.actorId?.href}`);
    if (object instanceof Event) waiters.event.resolve({ create, event: object });
  })
  .onError((_ctx, error) => log(`inbox listener error: ${error?.stack ?? error}`));

// Bodies of inbox POSTs as received, to read what the wire said (e.g. startTime's offset).
const rawBodies = new Map(); // activity id -> parsed raw JSON

// --- HTTP server: Node request -> fetch Request -> Fedify -----------------------------
const server = http.createServer(async (req, res) => {
  try {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const request = new Request(new URL(req.url, `http://${req.headers.host}`), {
      method: req.method,
      headers: Object.entries(req.headers).flatMap(([k, v]) =>
        Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]]),
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    if (req.method === "POST" && request.url.includes("inbox")) await checkSignature(request, body);
    const response = await federation.fetch(request, { contextData: undefined });
    log(`${req.method} ${req.url} <- ${req.headers["user-agent"] ?? "?"}: ${response.status}`);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch (e) {
    log(`server error: ${e?.stack ?? e}`);
    res.writeHead(500).end();
  }
});

// Verifies an inbox POST's HTTP signature with Fedify's verifyRequest (which fetches the
// key from the signer's actor document) and checks the activity's actor owns that key.
// Fedify's inbox does the same on its own before calling a listener; this records it.
async function checkSignature(request, body) {
  const ctx = federation.createContext(request, undefined);
  let json;
  try { json = JSON.parse(body.toString("utf8")); } catch { return; }
  rawBodies.set(json.id, json);
  const opts = { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader };
  const key = await verifyRequest(request.clone(), opts);
  if (key == null) {
    log(`signature on ${json.type} ${json.id} did NOT verify; Signature: ${request.headers.get("signature")}`);
    return;
  }
  const activity = await Activity.fromJsonLd(json, opts).catch(() => null);
  const owns = activity ? await doesActorOwnKey(activity, key, opts) : false;
  log(`signature on ${json.type} ${json.id} verified with ${key.id?.href} (owned by actor: ${owns})`);
  if (owns) verifiedKeys.set(json.id, key.id?.href);
}

// --- The sequence ---------------------------------------------------------------------
await new Promise((resolve) => server.listen(PEER_PORT, "127.0.0.1", resolve));
console.log("READY");

const ctx = federation.createContext(new URL(PEER_BASE), undefined);
const handle = `acct:${TERRITORY}@${NODE_HOST}`;
let failed = false;

try {
  // 1. WebFinger, then the actor document, both through Fedify.
  const jrd = await lookupWebFinger(handle, { allowPrivateAddress: true });
  const self = jrd?.links?.find((l) => l.rel === "self" && /activity\+json|ld\+json/.test(l.type ?? ""));
  if (!self) throw step("webfinger", `no rel=self ActivityStreams link in ${JSON.stringify(jrd)}`);
  report(true, "webfinger", `${handle} -> ${self.href}`);
  const territory = await ctx.lookupObject(handle);
  if (!isActor(territory) || territory.inboxId == null) {
    throw step("actor", `lookup of ${handle} gave ${territory?.constructor?.name ?? "nothing"}`);
  }
  const pk = await territory.getPublicKey();
  if (pk?.ownerId?.href !== territory.id.href || !pk.publicKey) {
    throw step("actor", `public key ${pk?.id?.href} is not owned by ${territory.id.href}`);
  }
  report(true, "actor", `${territory.constructor.name} ${territory.id.href}, inbox ${territory.inboxId.href}, key ${pk.id.href}`);

  // 2. A signed Follow to the territory's inbox; Fedify throws on a non-2xx answer.
  follow = new Follow({
    id: new URL(`${PEER_BASE}/follows/${randomUUID()}`),
    actor: ctx.getActorUri(ME),
    object: territory.id,
  });
  await send("follow", territory, follow);
  report(true, "follow", `signed Follow ${follow.id.href} accepted by ${territory.inboxId.href}`);

  // 3. The Accept, signed by the territory (verified above and by Fedify's inbox).
  const accept = await within(waiters.accept.promise, "accept", "no Accept of our Follow arrived");
  const acceptKey = verifiedKeys.get(accept.id?.href);
  if (!acceptKey || !acceptKey.startsWith(territory.id.href)) {
    throw step("accept", `Accept ${accept.id?.href} arrived but its signature was not verified to the territory's key`);
  }
  report(true, "accept", `Accept ${accept.id.href} signed with ${acceptKey}`);

  // 4. The event run.sh publishes through the API, as a Create{Event}.
  const { create, event } = await within(waiters.event.promise, "event", "no Create{Event} arrived");
  const createKey = verifiedKeys.get(create.id?.href);
  const raw = rawBodies.get(create.id?.href)?.object ?? {};
  const location = await event.getLocation();
  const problems = [];
  if (!createKey?.startsWith(territory.id.href)) problems.push("signature not verified to the territory's key");
  if (create.actorId?.href !== territory.id.href) problems.push(`actor is ${create.actorId?.href}`);
  if (String(event.name) !== "Atelier interop") problems.push(`name is ${event.name}`);
  if (raw.startTime !== EXPECTED_START) problems.push(`startTime on the wire is ${raw.startTime}`);
  if (event.startTime?.epochMilliseconds !== Date.parse(EXPECTED_START)) problems.push(`startTime parses to ${event.startTime}`);
  if (location == null || !String(location.name ?? "").includes("Fablab")) problems.push(`location is ${JSON.stringify(raw.location)}`);
  if (problems.length) throw step("event", `${event.id?.href}: ${problems.join("; ")}`);
  report(true, "event", `Create{Event} ${event.id.href} signed with ${createKey}: "${event.name}", startTime ${raw.startTime}, location ${location.constructor.name} "${location.name}"`);
  console.log(`EVENT ${event.id.href}`);

  // 5. A reply, as Mastodon would send it.
  const noteId = new URL(`${PEER_BASE}/notes/${randomUUID()}`);
  const note = new Note({
    id: noteId,
    attribution: ctx.getActorUri(ME),
    replyTarget: event.id,
    // The browser test sends hostile HTML here, to see that it cannot run on the event page.
    content: process.env.PEER_REPLY_HTML ?? "<p>Reply from the interop peer</p>",
    to: PUBLIC_COLLECTION,
    cc: territory.id,
  });
  const reply = new Create({
    id: new URL(`${noteId.href}/activity`),
    actor: ctx.getActorUri(ME),
    object: note,
    to: PUBLIC_COLLECTION,
    cc: territory.id,
  });
  await send("reply", territory, reply);
  report(true, "reply", `signed Create{Note} ${noteId.href} (inReplyTo ${event.id.href}) accepted`);
  console.log(`NOTE ${noteId.href}`);
} catch (e) {
  failed = true;
  if (e instanceof StepError) report(false, e.step, e.message);
  else report(false, "peer", e?.message ?? e);
}
console.log("DONE");
// Stay up: Rhizome may still fetch our actor or note. run.sh stops us.
if (failed) log("sequence stopped at the first failure");
