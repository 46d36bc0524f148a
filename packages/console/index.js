import { fileURLToPath } from 'node:url';

/** The folder of the built console (`index.html` and hashed `assets/`); empty until `pnpm build`. */
export const consoleDir = fileURLToPath(new URL('./dist', import.meta.url));
