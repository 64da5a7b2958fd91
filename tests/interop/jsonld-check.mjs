// Expands every object and activity Rhizome sends (the golden files written by
// `cargo test -p rhizome-web --test all golden`) with a real JSON-LD processor and
// fails on any term it would drop or could only turn into a blank-node IRI: a receiver that
// reads JSON-LD (Fedify, pyld) would lose that field. The ActivityStreams, security-v1,
// data-integrity-v1 and multikey-v1 contexts are read from ./contexts (the last two as
// Fedify preloads them), never fetched.
// Usage: node tests/interop/jsonld-check.mjs [GOLDEN_DIR]
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import jsonld from "jsonld";

const here = dirname(fileURLToPath(import.meta.url));
const goldenDir = process.argv[2] ?? join(here, "../../federation/tests/golden");
const contexts = {
  "https://www.w3.org/ns/activitystreams": "activitystreams.jsonld",
  "https://w3id.org/security/v1": "security-v1.jsonld",
  "https://w3id.org/security/data-integrity/v1": "data-integrity-v1.jsonld",
  "https://w3id.org/security/multikey/v1": "multikey-v1.jsonld",
};

const documentLoader = async (url) => {
  const file = contexts[url.replace(/^http:/, "https:")];
  if (!file) throw new Error(`no local copy of ${url}: add it to tests/interop/contexts`);
  return {
    contextUrl: null,
    documentUrl: url,
    document: JSON.parse(readFileSync(join(here, "contexts", file), "utf8")),
  };
};

// Properties whose values must expand to IRIs (a term or an IRI), not to plain strings.
const iriProperties = ["http://schema.org/eventStatus"];

function literalIris(node, path, found) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => literalIris(item, `${path}[${i}]`, found));
    return found;
  }
  if (node === null || typeof node !== "object") return found;
  for (const [key, value] of Object.entries(node)) {
    if (iriProperties.includes(key)) {
      for (const v of [value].flat()) {
        if (!v["@id"]) found.push(`${path} ${key} is ${JSON.stringify(v)}, not an IRI`);
      }
    }
    literalIris(value, `${path}.${key}`, found);
  }
  return found;
}

// Every property and type IRI of an expanded document that is only a blank node ("_:x"):
// ActivityStreams' `@vocab: "_:"` turns undefined terms into those instead of dropping them.
function blankTerms(node, path, found) {
  if (Array.isArray(node)) {
    node.forEach((item, i) => blankTerms(item, `${path}[${i}]`, found));
    return found;
  }
  if (node === null || typeof node !== "object") return found;
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith("_:")) found.push(`${path} property ${key}`);
    if (key === "@type") {
      for (const type of [value].flat()) {
        if (typeof type === "string" && type.startsWith("_:")) found.push(`${path} type ${type}`);
      }
    }
    if (key !== "@value") blankTerms(value, `${path}.${key}`, found);
  }
  return found;
}

const files = readdirSync(goldenDir).filter((f) => f.endsWith(".json")).sort();
if (files.length === 0) {
  console.error(`no golden files in ${goldenDir}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  const doc = JSON.parse(readFileSync(join(goldenDir, file), "utf8"));
  const problems = [];
  try {
    // Safe mode: any term or value the processor would drop is an error.
    const expanded = await jsonld.expand(doc, { documentLoader, safe: true });
    blankTerms(expanded, "$", problems);
    literalIris(expanded, "$", problems);
  } catch (e) {
    const details = e.details?.event?.details ?? e.details ?? {};
    problems.push(`${e.message} ${JSON.stringify(details)}`);
  }
  if (problems.length > 0) {
    failed += 1;
    console.log(`FAIL ${file}\n  ${problems.join("\n  ")}`);
  } else {
    console.log(`PASS ${file}`);
  }
}
console.log(`${files.length - failed} of ${files.length} documents expand without loss`);
process.exit(failed === 0 ? 0 : 1);
