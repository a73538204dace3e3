// Prints docs/configuration.md, generated from the config schema: npx tsx scripts/config-doc.ts > docs/configuration.md
import { renderConfigDoc } from '../src/config/doc.js';

process.stdout.write(renderConfigDoc());
