// A lab whose process dies without tearing down (the test SIGKILLs it): what cleanup must handle.
//   node --import tsx test/e2e/scenarios/crash-lab.ts PREFIX
import { Lab } from '../../../lab/index.js';

const lab = await Lab.create({ prefix: process.argv[2] ?? 'udcrash' });
await lab.addHost('crash-01', { backends: [{ name: 'app', listen: { host: '127.0.0.1', port: 3000 } }] });
process.stdout.write(`up ${lab.id} ${lab.dir}\n`);
// Stay alive until killed.
setInterval(() => undefined, 1 << 30);
