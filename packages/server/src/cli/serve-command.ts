import { loadConfig } from '../config/load-config.js';
import { buildHubApp } from '../hub/build-app.js';
import type { CliCommand } from './commands.js';
import { installProcessSafetyNet } from './process-safety-net.js';

/**
 * `smart-ai-hub serve`: migrate, listen, and on SIGTERM/SIGINT stop accepting connections,
 * let in-flight requests finish (up to SHUTDOWN_TIMEOUT seconds), then close pools and exit.
 * An error that escapes one request is logged and contained (see `installProcessSafetyNet`).
 */
export const serveCommand: CliCommand = {
  summary: 'run the hub (migrates the database first)',
  async run() {
    const config = loadConfig();
    const app = await buildHubApp({ config });
    installProcessSafetyNet(app.log);
    await app.listen({ port: config.env.PORT, host: config.env.HOST });
    app.log.info(
      {
        publicUrl: config.publicUrl,
        console: config.env.HUB_CONSOLE === 'on' ? `${config.publicUrl}/` : 'off',
      },
      'Smart AI Hub is ready',
    );

    await new Promise<void>((resolve) => {
      let closing = false;
      const shutdown = (signal: string) => {
        if (closing) return;
        closing = true;
        app.log.info({ signal }, 'shutting down: finishing in-flight requests');
        const timer = setTimeout(() => {
          app.log.error('shutdown timed out; exiting with requests still open');
          process.exit(1);
        }, config.env.SHUTDOWN_TIMEOUT * 1000);
        timer.unref();
        app.close().then(
          () => {
            app.log.info('shut down cleanly');
            resolve();
          },
          (error) => {
            app.log.error({ err: error }, 'error during shutdown');
            process.exitCode = 1;
            resolve();
          },
        );
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
    return 0;
  },
};
