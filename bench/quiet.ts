/** Imported first by the benchmarks: the logger reads LOG_LEVEL when it loads. */
process.env.LOG_LEVEL ??= 'silent';
