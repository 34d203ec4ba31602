/**
 * npm run table-from-log -- --transactions FILE --out FILE.csv [options]
 *
 * Turns a transaction log into the per-customer table `npm run train` reads: id
 * first, features, target last. The definitions are SQL in ./features/sql/, run by
 * DuckDB. Summary on stderr. Exit 1 on bad data (nothing written), 2 on a bad
 * command line. Options: README, "From a transaction log".
 */
import { runCli } from '../cli/run.js';
import { DataError } from '../data/errors.js';
import { checkOutputFileReplaceable } from '../fs/owned-output.js';
import { parseFeaturesArgs } from '../log-to-table/args.js';
import { buildFeatures } from '../log-to-table/build.js';
import { featuresSummaryText } from '../log-to-table/summary.js';

async function main(argv: string[]): Promise<void> {
  const config = parseFeaturesArgs(argv);
  checkOutputFileReplaceable({ flag: '--out', path: config.out }, [{ flag: '--transactions', path: config.transactions }]);
  const summary = await buildFeatures(config);
  process.stderr.write(featuresSummaryText(config, summary));
}

runCli('table-from-log', main, [DataError]);
