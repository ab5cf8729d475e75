/* Placeholder until the data generator lands. */
#include "gendata.h"

#include <stdio.h>

int
gendata_main(int argc, char **argv)
{
	fprintf(stderr, "botd: gen-data is not available in this build yet\n");
	return 2;
}
