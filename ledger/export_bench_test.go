package ledger

// RunTempDir is runTempDir for the benchmarks of package ledger_test (the generated
// book's copy lives in a folder TestMain removes).
var RunTempDir = runTempDir
