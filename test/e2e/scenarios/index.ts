// The end-to-end suite's scenarios. They live in lab/scenarios (shipped, because
// `upstream-doctor demo` stages one of them); this module is the test-side entry point.
export * from '../../../lab/scenarios/index.js';
