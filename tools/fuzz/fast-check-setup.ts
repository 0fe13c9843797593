// Every property test of the suite runs with this fast-check configuration: a bounded number of
// cases in the test suite (300), or as many as tools/fuzz/run.mjs asks for, from its seed.
import fc from 'fast-check';

const runs = Number(process.env.TRIBUTARY_FUZZ_RUNS) || 300;
const seed = process.env.TRIBUTARY_FUZZ_SEED === undefined ? undefined : Number(process.env.TRIBUTARY_FUZZ_SEED);
fc.configureGlobal({ numRuns: runs, ...(seed === undefined ? {} : { seed }), ...(process.env.TRIBUTARY_FUZZ_RUNS ? { interruptAfterTimeLimit: 3_600_000 } : {}) });
