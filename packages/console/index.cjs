const { join } = require('node:path');

/** The folder of the built console (`index.html` and hashed `assets/`); empty until `pnpm build`. */
exports.consoleDir = join(__dirname, 'dist');
