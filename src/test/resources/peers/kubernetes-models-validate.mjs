// Validates Kubernetes objects (a JSON array file) with the npm package kubernetes-models: types, formats and
// required fields. Prints one line per object; exits 1 when any is invalid.
import { readFileSync } from 'node:fs';

const docs = JSON.parse(readFileSync(process.argv[2], 'utf8'));
let failed = 0;
for (const d of docs) {
  const mod = await import('kubernetes-models/' + d.apiVersion + '/' + d.kind);
  try {
    new mod[d.kind](d).validate();
    console.log('valid ' + d.kind);
  } catch (e) {
    failed++;
    console.log('invalid ' + d.kind + ': ' + e.message);
  }
}
process.exit(failed ? 1 : 0);
