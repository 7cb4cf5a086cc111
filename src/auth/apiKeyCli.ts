import { parseArgs } from 'node:util';
import { hashApiKey, newApiKey } from './apiKeys.js';
import { OPERATE, READ } from './roles.js';

// `npm run apikey -- --name ops-console --roles dx:read,dx:operate`: makes a new
// key, prints it once for the caller to hand over, and prints the entry to add to
// API_KEYS_FILE, which holds only its hash.

const { values } = parseArgs({
  options: { name: { type: 'string' }, roles: { type: 'string', default: READ } },
});
const roles = (values.roles ?? READ).split(',').map((r) => r.trim()).filter(Boolean);
const unknown = roles.filter((r) => r !== READ && r !== OPERATE);
if (!values.name || roles.length === 0 || unknown.length > 0) {
  console.error(`usage: npm run apikey -- --name <caller name> [--roles ${READ},${OPERATE}]`);
  if (unknown.length > 0) console.error(`unknown role(s): ${unknown.join(', ')}`);
  process.exit(2);
}
const key = newApiKey();
console.log(`API key for ${values.name} (shown once; give it to the caller, store it nowhere else):\n\n  ${key}\n`);
console.log('Add this entry to the "keys" array of API_KEYS_FILE:\n');
console.log(`  ${JSON.stringify({ name: values.name, sha256: hashApiKey(key).toString('hex'), roles })}`);
