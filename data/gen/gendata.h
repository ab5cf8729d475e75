/* botd gen-data: writes a large synthetic database for benchmarks, e.g.
 *   botd gen-data --accounts 100000 --out FILE
 * ARGV[0] is "gen-data"; returns the process exit code. */
#ifndef BOT_GENDATA_H
#define BOT_GENDATA_H

int gendata_main(int argc, char **argv);

#endif
