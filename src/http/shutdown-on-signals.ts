/**
 * On the first SIGTERM or SIGINT runs `shutdown` once (graceful: finish in-flight answers),
 * then exits 0, or 1 if shutdown threw. A second signal exits 1 at once, for an impatient Ctrl-C.
 */
export function shutdownOnSignals(options: {
  shutdown: () => Promise<void>;
  log: (message: string) => void;
  exit?: (code: number) => void;
}): void {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      options.log(`${signal} again: exiting now.`);
      exit(1);
      return;
    }
    stopping = true;
    options.log(`${signal}: finishing in-flight requests, then exiting.`);
    options.shutdown().then(
      () => exit(0),
      (error: unknown) => {
        options.log(`Shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
