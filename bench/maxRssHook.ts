// Preloaded into a measured CLI run (node -r): prints the process's peak RSS (KiB) on stderr when it exits.
process.on('exit', () => {
  process.stderr.write(`\nMAXRSS_KIB ${process.resourceUsage().maxRSS}\n`);
});
