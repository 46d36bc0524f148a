/** The folder of the built console (`index.html` and hashed `assets/`); empty until `pnpm build`. */
export declare const consoleDir: string;
